"""The public-domain texts the package ships in archive/: the same bytes as archived, found
there before the sources directory, and reported as checked."""

from __future__ import annotations

import hashlib
import shutil

from conftest import ROOT, SOURCES
from typer.testing import CliRunner

from cnru.cli import app
from cnru.validate import validate_package

ARCHIVE = ROOT / "archive"
SHIPPED = sorted(p.name for p in ARCHIVE.iterdir() if p.name != "README.md")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_archive_ships_only_the_us_government_texts_byte_for_byte():
    assert len(SHIPPED) == 10
    assert all(name.startswith(("wh-", "treasury-")) and name.endswith(".md") for name in SHIPPED)
    for name in SHIPPED:  # the third-party copies (fr-*, ecfr-*) and the news stay outside
        assert digest(ARCHIVE / name) == digest(SOURCES / name), name


def test_a_text_in_archive_is_found_before_the_sources_directory(tiny, tmp_path):
    # the tiny package's text moves into its archive/; the sources directory keeps a changed copy
    (tiny.root / "archive").mkdir()
    shutil.copy(tiny.sources / "tiny.txt", tiny.root / "archive" / "tiny.txt")
    tiny.edit_text("sources/tiny.txt", "Acme", "Acne")
    report = validate_package(tiny.root, tiny.sources)
    assert report.valid, report.problems
    assert report.sources == {"checked": {"archive/": ["tiny.txt"]}, "not_checked": []}


def test_validate_names_the_texts_it_could_not_check(tiny):
    (tiny.root / "archive").mkdir()  # an archive without the text, and no sources directory
    result = CliRunner().invoke(app, ["validate", str(tiny.root), "--sources-dir",
                                      str(tiny.root / "elsewhere")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "sources: 1 not checked (texts absent): tiny.txt", "valid: 0 error(s), 1 warning(s)"]


def test_with_the_archive_alone_its_texts_are_checked(tiny):
    (tiny.root / "archive").mkdir()
    shutil.move(tiny.sources / "tiny.txt", tiny.root / "archive" / "tiny.txt")
    report = validate_package(tiny.root, tiny.root / "no-shared-sources")
    assert (report.valid, report.warnings) == (True, 0)
    assert report.sources == {"checked": {"archive/": ["tiny.txt"]}, "not_checked": []}
    tiny.edit_text("archive/tiny.txt", "Acme", "Acne")  # and checked against their hash
    codes = {p.code for p in validate_package(tiny.root, tiny.root / "none").problems}
    assert "source-hash-mismatch" in codes
