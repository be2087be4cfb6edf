"""`cnru release`: one zip with everything a user downloads, the same bytes for the same input."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SOURCES
from frictionless import Package
from typer.testing import CliRunner

from cnru.cli import app
from cnru.errors import DiskFull, ReleaseError, UnsafeOutput
from cnru.outputs.build import build
from cnru.outputs.release import FOLDERS, TOP_LEVEL
from cnru.outputs.release import release as make_release

STEM = "cn-ru-military-support-0.1.0"


def release(tmp_path, name):
    result = CliRunner().invoke(app, ["release", str(ROOT), "--out", str(tmp_path / name / "build"),
                                      "--dist", str(tmp_path / name / "dist"),
                                      "--sources-dir", str(SOURCES)])
    assert result.exit_code == 0, result.output
    target = tmp_path / name / "dist" / f"{STEM}.zip"
    assert result.stdout == f"released {target}\n"
    return target


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """One release of the shipped package, for the tests that only read its zip."""
    return release(tmp_path_factory.mktemp("released"), "one")


def test_release_zips_everything_and_checks_out(released):
    with zipfile.ZipFile(released) as archive:
        names = set(archive.namelist())
        for name in ("datapackage.json", "README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md",
                     "data/claims.csv", "schemas/claims.json", "build/cnru.duckdb",
                     "build/parquet/claims.parquet", "build/summaries/disagreements.csv",
                     "build/index.html", "build/SHA256SUMS", "build/datapackage.json",
                     "SHA256SUMS"):
            assert f"{STEM}/{name}" in names, name
        sums = archive.read(f"{STEM}/SHA256SUMS").decode().splitlines()
        assert len(sums) == len(names) - 1
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(f"{STEM}/{name}")).hexdigest() == digest


def test_releasing_twice_gives_the_same_zip(released, tmp_path):
    assert release(tmp_path, "two").read_bytes() == released.read_bytes()


def test_the_release_holds_what_its_readme_links_to_and_validates(released, tmp_path):
    with zipfile.ZipFile(released) as archive:
        archive.extractall(tmp_path / "unzipped")
    top = tmp_path / "unzipped" / STEM
    readme = (top / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [link for link in links if "://" not in link]
    assert "docs/data-dictionary.md" in local
    assert [link for link in local if not (top / link).exists()] == []
    report = Package(str(top / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


# Hostile or careless packages: nothing from outside the package, no entry outside the top
# folder, no forged line in SHA256SUMS, no zip outside --dist.

@pytest.fixture(scope="module")
def built_copy(tmp_path_factory):
    """A built copy of what a release holds of the package (not the rest of a checkout, such
    as the benchmark's generated packages)."""
    copy = tmp_path_factory.mktemp("release") / "package"
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, copy / folder)
    for name in TOP_LEVEL:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, copy / name)
    return build(copy, copy / "build", SOURCES)


def released_nothing(tmp_path) -> bool:
    return not any(p for p in tmp_path.rglob("*") if p.is_file())


@pytest.mark.parametrize("folder, link, target", [
    ("data", "passwd", Path("/etc/passwd")),
    ("schemas", "text.txt", next(SOURCES.glob("*.txt"))),
    ("data", "more", SOURCES),  # a linked folder
])
def test_a_link_in_the_package_is_refused_not_followed(built_copy, tmp_path, folder, link,
                                                       target):
    path = built_copy.package.root / folder / link
    path.symlink_to(target, target_is_directory=target.is_dir())
    try:
        with pytest.raises(ReleaseError) as raised:
            make_release(built_copy, tmp_path / "dist")
    finally:
        path.unlink()
    assert str(raised.value) == (f"{folder}/{link} is a symbolic link: a release holds only "
                                 "regular files inside the package; replace the link by the "
                                 "file or remove it")
    assert released_nothing(tmp_path)


@pytest.mark.parametrize("name", ["a\\..\\..\\evil.txt", "note\n0000  forged.csv", "a b.txt"])
def test_a_file_name_that_is_not_plain_is_refused(built_copy, tmp_path, name):
    path = built_copy.package.root / "data" / name
    path.write_text("x\n")
    try:
        with pytest.raises(ReleaseError) as raised:
            make_release(built_copy, tmp_path / "dist")
    finally:
        path.unlink()
    assert str(raised.value) == (f"{'data/' + name!r}: a file name in a release may hold only "
                                 "letters, digits, '.', '_' and '-'; rename the file")
    assert "\n" not in str(raised.value)
    assert released_nothing(tmp_path)


@pytest.mark.parametrize("version", ["x/../../..", "1.0", "../1.0.0", "1.0.0\n"])
def test_a_version_that_is_not_semver_is_refused(built_copy, tmp_path, version):
    package = dataclasses.replace(built_copy.package, descriptor={
        **built_copy.package.descriptor, "version": version})
    changelog = package.root / "CHANGELOG.md"
    text = changelog.read_text()
    changelog.write_text(f"## {version}\n\n" + text)  # the changelog is not what stops it
    try:
        with pytest.raises(ReleaseError) as raised:
            make_release(dataclasses.replace(built_copy, package=package),
                         tmp_path / "one" / "two" / "dist")
    finally:
        changelog.write_text(text)
    assert str(raised.value) == (f"the package version {version!r} is not a semantic version "
                                 "(MAJOR.MINOR.PATCH, such as 0.2.0)")
    assert released_nothing(tmp_path)


def test_a_release_into_the_package_data_is_refused(built_copy):
    with pytest.raises(UnsafeOutput, match="lies inside the package's data"):
        make_release(built_copy, built_copy.package.root / "data" / "dist")


def test_a_full_disk_is_one_line_naming_the_folder(built_copy, tmp_path, monkeypatch):
    def full(self, info, data, *args, **kwargs):
        with open("/dev/full", "wb") as device:  # the system's own error for a full disk
            device.write(b"x" * 100_000)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(DiskFull) as raised:
        make_release(built_copy, tmp_path / "dist")
    assert str(raised.value) == f"no space left in {(tmp_path / 'dist').resolve()}"
    assert list((tmp_path / "dist").iterdir()) == []
