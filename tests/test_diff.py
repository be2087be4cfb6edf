"""`cnru diff OLD NEW`: rows added, removed and changed between two versions, by primary key."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import TinyPackage
from typer.testing import CliRunner

from cnru.cli import app
from cnru.engine.diff import as_json, diff_packages

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def versions(tmp_path) -> tuple[TinyPackage, TinyPackage]:
    """Two versions of the tiny package: the new one adds a claim, changes a figure and
    removes an alias."""
    old = TinyPackage(tmp_path / "old")
    new = TinyPackage(tmp_path / "new")
    claim = {**new.rows("data/claims.csv")[0], "claim_id": "c-0003", "item_category": "optics"}
    new.add_row("data/claims.csv", **claim)
    new.set_cell("data/claim_evidence.csv", 1, "figure_value", "80")
    new.drop_rows("data/entity_aliases.csv", lambda r: r["surface_form"] != "Russia")
    return old, new


def table(diff, name):
    return next(t for t in diff.tables if t.name == name)


def test_diff_finds_the_added_claim_the_changed_figure_and_the_removed_alias(versions):
    old, new = versions
    diff = diff_packages(old.root, new.root)
    claims = table(diff, "claims")
    assert (claims.added, claims.removed, claims.changed) == (1, 0, 0)
    assert claims.rows[0].key == {"claim_id": "c-0003"}
    assert claims.rows[0].fields["item_category"] == "optics"
    evidence = table(diff, "claim_evidence")
    assert [(r.change, r.key, r.fields) for r in evidence.rows] == [
        ("changed", {"evidence_id": "ev-0001"}, {"figure_value": ["70", "80"]})]
    aliases = table(diff, "entity_aliases")
    assert [(r.change, r.key) for r in aliases.rows] == [
        ("removed", {"entity_id": "ru", "source_id": "example-news", "surface_form": "Russia"})]
    untouched = [t.name for t in diff.tables if not t.rows]
    assert "sources" in untouched and "actions" in untouched
    assert not diff.same


def test_a_version_against_itself_has_no_differences(versions):
    old, _ = versions
    diff = diff_packages(old.root, old.root)
    assert diff.same
    result = invoke("diff", old.root, old.root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "no differences"


def test_the_cli_prints_text_markdown_and_the_library_json(versions):
    old, new = versions
    text = invoke("diff", old.root, new.root)
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert "claims (key claim_id): 1 added, 0 removed, 0 changed" in lines
    assert "  + c-0003" in lines
    assert "  ~ ev-0001" in lines
    assert '      figure_value: "70" -> "80"' in lines
    assert "  - ru, example-news, Russia" in lines
    markdown = invoke("diff", old.root, new.root, "--format", "markdown").stdout
    assert "| changed | ev-0001 | figure_value | 70 | 80 |" in markdown
    assert "| claims | 1 | 0 | 0 |" in markdown
    output = invoke("diff", old.root, new.root, "--format", "json").stdout
    assert json.loads(output) == json.loads(as_json(diff_packages(old.root, new.root)))


def test_diff_reads_release_zips(versions, tmp_path):
    old, new = versions
    zips = []
    for package in versions:
        target = tmp_path / f"{package.root.name}.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for path in sorted(package.root.rglob("*")):
                if path.is_file():
                    archive.write(path, f"release/{path.relative_to(package.root)}")
        zips.append(target)
    from_zips = diff_packages(*zips)
    from_folders = diff_packages(old.root, new.root)
    assert [(t.name, t.rows) for t in from_zips.tables] == [
        (t.name, t.rows) for t in from_folders.tables]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=cnru", "-c",
                    "user.email=cnru@example.org", *args], check=True, capture_output=True)


def test_diff_reads_git_revisions_of_a_package_in_a_subfolder(versions, tmp_path):
    old, new = versions
    repo = tmp_path / "repo"
    package = repo / "package"
    shutil.copytree(old.root, package)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "old")
    shutil.rmtree(package / "data")
    shutil.copytree(new.root / "data", package / "data")
    git(repo, "commit", "-q", "-am", "new")
    diff = diff_packages("HEAD~1", "HEAD", repo=package)
    assert table(diff, "claims").added == 1
    assert table(diff, "entity_aliases").removed == 1
    result = invoke("diff", "HEAD~1", "HEAD", "--repo", package, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["old"] == "HEAD~1"


def test_versions_whose_primary_keys_differ_are_one_line_exit_1(versions):
    old, new = versions
    schema = new.path("schemas/claims.json")
    descriptor = json.loads(schema.read_text())
    descriptor["primaryKey"] = ["claim_id", "subject_entity_id"]
    schema.write_text(json.dumps(descriptor))
    result = invoke("diff", old.root, new.root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the versions' schemas differ: table claims has primary key (claim_id) in "
        f"{old.root} and (claim_id, subject_entity_id) in {new.root}; rows cannot be matched\n")


def test_a_column_added_in_the_new_version_is_named_and_the_rest_compared(versions):
    old, new = versions
    rows = new.rows("data/sources.csv")
    header = [*rows[0].keys(), "reviewed_by"]
    with open(new.path("data/sources.csv"), "w", encoding="utf-8", newline="") as file:
        import csv

        writer = csv.DictWriter(file, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "reviewed_by": "a maintainer"} for row in rows)
    sources = table(diff_packages(old.root, new.root), "sources")
    assert sources.fields_added == ["reviewed_by"]
    assert sources.rows == []


def test_what_is_not_a_version_is_a_usage_error(versions, tmp_path):
    old, _ = versions
    result = invoke("diff", old.root, "no-such-revision", "--repo", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: no-such-revision is not a package folder, a release zip "
                             f"or a git revision of {tmp_path}\n")
    stray = tmp_path / "notes.txt"
    stray.write_text("not a package")
    result = invoke("diff", old.root, stray)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {stray} is neither a package folder nor a release zip\n"
