"""Hostile or careless input: the validator reports it, never crashes, never reads outside the
package, never fetches anything (the autouse `no_network` fixture fails any connection)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cnru import sources
from cnru.cli import app
from cnru.validate import validate_package


def codes(report):
    return [(p.code, p.file, p.row, p.field) for p in report.problems]


def set_path(tiny, resource, path):
    descriptor = json.loads(tiny.path("datapackage.json").read_text())
    next(r for r in descriptor["resources"] if r["name"] == resource)["path"] = path
    tiny.path("datapackage.json").write_text(json.dumps(descriptor))


def test_a_symlink_out_of_the_package_is_not_followed(tiny, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("evidence_id,action_id,source_id,quote,notes\n")
    tiny.path("data/action_evidence.csv").unlink()
    tiny.path("data/action_evidence.csv").symlink_to(secret)
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("unsafe-path", "datapackage.json", None, None)]


def test_a_file_url_is_refused_without_reading_it(tiny):
    set_path(tiny, "actions", "file:///etc/passwd")
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("remote-path", "datapackage.json", None, None)]


def test_a_remote_schema_and_a_custom_profile_are_refused(tiny):
    descriptor = json.loads(tiny.path("datapackage.json").read_text())
    descriptor["$schema"] = "https://example.com/profile.json"
    descriptor["resources"][0]["schema"] = "http://example.com/schema.json"
    tiny.path("datapackage.json").write_text(json.dumps(descriptor))
    report = validate_package(tiny.root, tiny.sources)
    assert {c[0] for c in codes(report)} == {"remote-path"}
    assert len(report.problems) == 2


def test_a_one_megabyte_cell_is_one_error(tiny):
    tiny.set_cell("data/claims.csv", 2, "notes", "x" * 1_000_000)
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("constraint-error", "data/claims.csv", 2, "notes")]
    assert report.problems[0].message == 'longer than 2000 characters (constraint "maxLength")'
    assert len(report.problems[0].value) < 300  # the report shows the start of the cell


@pytest.mark.parametrize("misquoted", [
    '"Stated as "15 March 2024"."',  # a quote inside a quoted value, not doubled
    '"Stated as 15 March 2024"!',  # text after the closing quote
])
def test_a_misplaced_quote_is_one_error_not_a_value_cut_short(tiny, misquoted):
    """A lenient reader would read `"a"b` as `a`, or run the value on over the next rows."""
    tiny.edit_text("data/sources.csv", '"Stated as ""15 March 2024""."', misquoted)
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("csv-error", "data/sources.csv", None, None)]
    assert report.problems[0].message.startswith("line 2: ")
    assert 'a quote inside a quoted value is written twice ("")' in report.problems[0].message


def test_rows_with_several_surplus_cells_keep_their_other_cells_checked(tiny):
    tiny.edit_text("data/action_targets.csv", "a-001,2,,,2,", "a-001,two,,,2,")
    tiny.edit_text("data/action_targets.csv", "12 - 10 = 2.,", "12 - 10 = 2.,,one,two,three")
    report = validate_package(tiny.root, tiny.sources)
    assert [c for c in codes(report) if c[1] == "data/action_targets.csv"] == [
        ("extra-cell", "data/action_targets.csv", 2, None),
        ("type-error", "data/action_targets.csv", 2, "target_no")]


def test_deeply_nested_json_is_one_error(tiny):
    tiny.path("datapackage.json").write_text("[" * 100_000 + "]" * 100_000)
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("descriptor-error", "datapackage.json", None, None)]


def test_an_unreadable_schema_file_is_one_error(tiny):
    tiny.path("schemas/claims.json").write_bytes(b"\xff\xfe{")
    report = validate_package(tiny.root, tiny.sources)
    assert ("schema-error", "schemas/claims.json", None, None) in codes(report)
    assert "data/claims.csv" not in {p.file for p in report.problems}


def test_every_broken_input_exits_1_with_one_line_per_problem_and_no_traceback(tiny):
    tiny.set_cell("data/claims.csv", 1, "period_start", "tomorrow")
    tiny.set_cell("data/claims.csv", 2, "notes", "=HYPERLINK(\"http://example.com\")")
    tiny.edit_text("data/action_targets.csv", "12 - 10 = 2.,", "12 - 10 = 2.,,surplus")
    result = CliRunner().invoke(app, ["validate", str(tiny.root), "--sources-dir",
                                      str(tiny.sources)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines[-1] == "invalid: 3 error(s), 0 warning(s)"
    assert all(line.startswith("data/") for line in lines[:-1])
    assert "Traceback" not in result.output


def test_an_archived_text_linked_from_outside_the_sources_is_not_read(tiny, tmp_path):
    name = tiny.rows("data/sources.csv")[0]["archive_file"]
    outside = tmp_path / "outside.txt"
    outside.write_bytes(tiny.sources.joinpath(name).read_bytes())
    tiny.sources.joinpath(name).unlink()
    tiny.sources.joinpath(name).symlink_to(outside)
    report = validate_package(tiny.root, tiny.sources)
    assert ("source-file-missing", "data/sources.csv", 1, "archive_file") in codes(report)


def test_an_archived_text_linked_inside_the_sources_is_read(tiny):
    name = tiny.rows("data/sources.csv")[0]["archive_file"]
    tiny.sources.joinpath(name).rename(tiny.sources / "moved.bin")
    tiny.sources.joinpath(name).symlink_to("moved.bin")
    assert validate_package(tiny.root, tiny.sources).valid


def test_a_loop_of_links_in_the_sources_is_a_missing_file(tiny):
    name = tiny.rows("data/sources.csv")[0]["archive_file"]
    tiny.sources.joinpath(name).unlink()
    tiny.sources.joinpath(name).symlink_to("loop.txt")
    tiny.sources.joinpath("loop.txt").symlink_to(name)
    report = validate_package(tiny.root, tiny.sources)
    assert ("source-file-missing", "data/sources.csv", 1, "archive_file") in codes(report)


def test_an_archived_text_that_cannot_be_read_is_one_problem(tiny, monkeypatch):
    name = tiny.rows("data/sources.csv")[0]["archive_file"]
    read_text = sources.read_text

    def refuse(path):  # tests run as root here, whom file permissions do not stop
        if path.name == name:
            raise PermissionError(13, "Permission denied")
        return read_text(path)

    monkeypatch.setattr(sources, "read_text", refuse)
    report = validate_package(tiny.root, tiny.sources)
    [problem] = [p for p in report.problems if p.code == "source-file-missing"]
    assert (problem.row, problem.field, problem.value) == (1, "archive_file", name)
    assert problem.message == f"{name} cannot be read: Permission denied"


def test_an_archived_text_too_large_to_read_is_one_problem(tiny, monkeypatch):
    """A huge file in the sources is refused after MAX_TEXT_BYTES, not read into memory."""
    name = tiny.rows("data/sources.csv")[0]["archive_file"]
    size = tiny.sources.joinpath(name).stat().st_size
    monkeypatch.setattr(sources, "MAX_TEXT_BYTES", size - 1)
    report = validate_package(tiny.root, tiny.sources)
    [problem] = [p for p in report.problems if p.code == "source-file-missing"]
    assert (problem.row, problem.field, problem.value) == (1, "archive_file", name)
    assert problem.message == f"{name} cannot be read: it is larger than {size - 1:,} bytes"


@pytest.mark.parametrize("mistake", [{"title": 5}, {"constraints": {"maxLength": "many"}}])
def test_a_schema_frictionless_rejects_is_reported_once_and_the_rest_is_checked(tiny, mistake):
    """A resource frictionless rejects is not data-checked (a maxLength that is not a number
    would break the generated SQL); the other resources are."""
    schema = json.loads(tiny.path("schemas/actions.json").read_text())
    schema["fields"][2].update(mistake)
    tiny.path("schemas/actions.json").write_text(json.dumps(schema))
    tiny.set_cell("data/claims.csv", 1, "period_start", "tomorrow")
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("type-error", "data/claims.csv", 1, "period_start"),
                             ("schema-error", "datapackage.json", None, None)]
