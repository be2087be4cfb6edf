"""`cnru release`: one zip with everything a user downloads, the same bytes for the same input."""

from __future__ import annotations

import hashlib
import re
import zipfile

from conftest import ROOT, SOURCES
from frictionless import Package
from typer.testing import CliRunner

from cnru.cli import app

STEM = "cn-ru-military-support-0.1.0"


def release(tmp_path, name):
    result = CliRunner().invoke(app, ["release", str(ROOT), "--out", str(tmp_path / name / "build"),
                                      "--dist", str(tmp_path / name / "dist"),
                                      "--sources-dir", str(SOURCES)])
    assert result.exit_code == 0, result.output
    target = tmp_path / name / "dist" / f"{STEM}.zip"
    assert result.stdout == f"released {target}\n"
    return target


def test_release_zips_everything_and_checks_out(tmp_path):
    target = release(tmp_path, "one")
    with zipfile.ZipFile(target) as archive:
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


def test_releasing_twice_gives_the_same_zip(tmp_path):
    assert release(tmp_path, "one").read_bytes() == release(tmp_path, "two").read_bytes()


def test_the_release_holds_what_its_readme_links_to_and_validates(tmp_path):
    target = release(tmp_path, "one")
    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path / "unzipped")
    top = tmp_path / "unzipped" / STEM
    readme = (top / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [link for link in links if "://" not in link]
    assert "docs/data-dictionary.md" in local
    assert [link for link in local if not (top / link).exists()] == []
    report = Package(str(top / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
