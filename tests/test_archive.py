"""The public-domain texts the package ships in archive/: the same bytes as archived, found
there before the sources directory, and reported as checked."""

from __future__ import annotations

import hashlib
import json
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
    others = sorted(p.name for p in tiny.sources.iterdir() if p.name != "tiny.txt")
    checked = report.sources["checked"]
    assert (checked["archive/"], sorted(checked[str(tiny.sources)])) == (["tiny.txt"], others)
    assert report.sources["not_checked"] == []


def test_validate_names_the_texts_it_could_not_check(tiny):
    (tiny.root / "archive").mkdir()  # an archive with one text, and no sources directory
    shutil.move(tiny.sources / "list.json", tiny.root / "archive" / "list.json")
    missing = tiny.root / "elsewhere"
    result = CliRunner().invoke(app, ["validate", str(tiny.root), "--sources-dir", str(missing)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "invalid: 1 error(s), 0 warning(s)"
    assert result.stderr == ("sources: 1 archived text(s) checked (1 in archive/)\n"
                             "sources: 2 not checked (texts absent): tiny.txt, statement.md\n")
    result = CliRunner().invoke(app, ["validate", str(tiny.root), "--no-sources"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "valid: 0 error(s), 1 warning(s)"
    assert result.stderr == ("sources: 1 archived text(s) checked (1 in archive/)\n"
                             "sources: 2 not checked (texts absent): tiny.txt, statement.md\n")
    shown = CliRunner().invoke(app, ["validate", str(tiny.root), "--no-sources",
                                     "--format", "json"])
    assert json.loads(shown.stdout)["sources"] == {
        "checked": {"archive/": ["list.json"]}, "not_checked": ["tiny.txt", "statement.md"]}


def test_without_a_sources_directory_the_archive_is_still_checked(tiny):
    shutil.move(tiny.sources, tiny.root / "archive")
    texts = sorted(p.name for p in (tiny.root / "archive").iterdir())
    report = validate_package(tiny.root, check_sources=False)
    assert (report.valid, report.warnings) == (True, 0)  # nothing was left unchecked
    assert sorted(report.sources["checked"]["archive/"]) == texts
    assert report.sources["not_checked"] == []
    report = validate_package(tiny.root, tiny.root / "no-shared-sources")
    assert report.valid
    tiny.edit_text("archive/tiny.txt", "Acme", "Acne")  # and checked against their hash
    codes = {p.code for p in validate_package(tiny.root, check_sources=False).problems}
    assert "source-hash-mismatch" in codes
