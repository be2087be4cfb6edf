"""Hostile or careless input: the validator reports it, never crashes, never reads outside the
package, never fetches anything (the autouse `no_network` fixture fails any connection)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cnru.cli import app
from cnru.dataset import sources
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


def test_blank_short_and_long_rows_say_so_in_words(tiny):
    """A row's own problems carry a sentence, never a placeholder such as 'None'."""
    path = tiny.path("data/action_targets.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    width = lines[1].count(",")
    lines[1] += ",surplus"
    lines.insert(2, "," * width)  # every cell empty: a blank row
    lines.append("a-001")  # one cell of many
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_package(tiny.root, tiny.sources)
    messages = {p.code: p.message for p in report.problems
                if p.file == "data/action_targets.csv"}
    assert messages["extra-cell"] == "the row has more cells than the schema has fields"
    assert messages["blank-row"] == "the row is blank"
    assert messages["missing-cell"] == "the row has fewer cells than the schema has fields"
    assert not any(p.message in ("None", "") for p in report.problems)


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
    sizes = [tiny.sources.joinpath(s["archive_file"]).stat().st_size
             for s in tiny.rows("data/sources.csv")]
    row = sizes.index(max(sizes)) + 1  # the largest text: the only one refused
    name, size = tiny.rows("data/sources.csv")[row - 1]["archive_file"], max(sizes)
    monkeypatch.setattr(sources, "MAX_TEXT_BYTES", size - 1)
    report = validate_package(tiny.root, tiny.sources)
    [problem] = [p for p in report.problems if p.code == "source-file-missing"]
    assert (problem.row, problem.field, problem.value) == (row, "archive_file", name)
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


def test_a_row_hidden_behind_33_megabytes_of_notes_is_a_problem_not_dropped(tiny):
    """DuckDB drops a line longer than its buffer without a word: a row with a dangling claim,
    an unknown source and a formula for an id passed validation hidden that way."""
    with open(tiny.path("data/claim_evidence.csv"), "a", encoding="utf-8") as file:
        file.write("=HYPERLINK(1),c-9999,nowhere,a quote,,,,," + "x" * (33 << 20) + "\n")
    report = validate_package(tiny.root, tiny.sources)
    assert not report.valid
    assert codes(report) == [("csv-error", "data/claim_evidence.csv", None, None)]
    assert report.problems[0].line == 4
    assert report.problems[0].message.startswith("line 4: the row is 34,603,")


@pytest.mark.parametrize("ends", [b"\r", b"\r\n|\n", b"\r|\n", b"\r\n|\r"])
def test_any_line_ends_are_read_and_a_bad_cell_names_its_line(tiny, ends):
    """CR alone, and LF, CRLF and CR mixed in one file, are read as frictionless reads them."""
    tiny.set_cell("data/claims.csv", 2, "predicate", "sells")
    path = tiny.path("data/claims.csv")
    lines = path.read_bytes().split(b"\n")
    first, second = (ends.split(b"|") * 2)[:2]
    path.write_bytes(b"".join(line + (first if n % 2 else second)
                              for n, line in enumerate(lines[:-1])))
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("constraint-error", "data/claims.csv", 2, "predicate")]
    assert report.problems[0].line == 3


def test_a_bad_row_after_a_quoted_line_break_is_named_by_its_line(tiny):
    """Text, JSON and GitHub name a row by the physical line it starts on."""
    tiny.set_cell("data/claims.csv", 1, "notes", "two\nlines")
    tiny.set_cell("data/claims.csv", 2, "predicate", "sells")
    report = validate_package(tiny.root, tiny.sources)
    assert [(p.code, p.row, p.line) for p in report.problems] == [
        ("control-character", 1, 2), ("constraint-error", 2, 4)]
    runner = CliRunner()
    args = ["validate", str(tiny.root), "--sources-dir", str(tiny.sources)]
    text = runner.invoke(app, args).stdout.splitlines()
    assert [line.split()[0] for line in text[:2]] == ["data/claims.csv:2", "data/claims.csv:4"]
    printed = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert [(p["row"], p["line"]) for p in printed["problems"]] == [(1, 2), (2, 4)]
    github = runner.invoke(app, [*args, "--format", "github"]).stdout
    assert "file=data/claims.csv,line=4,title=constraint-error" in github


def test_an_extra_header_column_is_named_however_long_the_header(tiny):
    tiny.edit_text("data/claims.csv", ",notes\n", ",notes,reviewer_comments_added_later\n")
    report = validate_package(tiny.root, tiny.sources)
    rows = len(tiny.rows("data/claims.csv"))
    assert codes(report) == [("extra-label", "data/claims.csv", None, None)] + [
        ("missing-cell", "data/claims.csv", row, "reviewer_comments_added_later")
        for row in range(1, rows + 1)]
    assert report.problems[0].message == (
        "the header's column 23, 'reviewer_comments_added_later', is beyond the schema's 22 "
        "fields; its cells are not checked, but a row without them has missing cells")
    assert report.problems[1].message == "the row has fewer cells than the header has columns"


def test_a_renamed_a_missing_and_an_extra_label_are_named_and_the_rows_still_checked(tiny):
    """One line each, through the CLI, and the rows' problems besides."""
    tiny.set_cell("data/entity_aliases.csv", 2, "source_id", "")  # required
    tiny.edit_text("data/entity_aliases.csv", "entity_id,source_id,surface_form,notes",
                   "entity_id,source,surface_form")
    tiny.edit_text("data/action_evidence.csv", ",quote_location\n", ",quote_location,checked\n")
    result = CliRunner().invoke(app, ["validate", str(tiny.root), "--sources-dir",
                                      str(tiny.sources), "--format", "github"])
    assert result.exit_code == 1
    aliases, evidence = "file=data/entity_aliases.csv", "file=data/action_evidence.csv"
    assert result.stdout.splitlines()[:6] == [
        f"::error {evidence},line=1,title=extra-label::the header's column 9, 'checked', is "
        "beyond the schema's 8 fields; its cells are not checked, but a row without them has "
        "missing cells",
        f"::error {evidence},line=2,title=missing-cell::checked -: the row has fewer cells than "
        "the header has columns (2 rows: lines 2, 3)",
        f"::error {aliases},line=1,title=missing-label::notes -: the header has no column 4, "
        "where 'notes' belongs (it has 3); the field is not checked, and a row's cells beyond "
        "the header's are extra cells",
        f"::error {aliases},line=1,title=incorrect-label::source_id 'source': the header's "
        "column 2 is 'source' where 'source_id' belongs; its cells are checked as 'source_id'",
        f"::error {aliases},line=2,title=extra-cell::the row has more cells than the header has "
        "columns (8 rows: lines 2, 3, 4, 5, 6, …)",
        f"::error {aliases},line=3,title=constraint-error::source_id '': a value is required "
        "(constraint \"required\")"]


@pytest.mark.parametrize("padding", [0, 300_000])  # in the first megabyte, and far after it
def test_a_latin_1_byte_names_its_line_and_field(tiny, padding):
    rows = tiny.rows("data/claims.csv")
    tiny.write_rows("data/claims.csv", rows + [
        dict(rows[0], claim_id=f"c-{5000 + n}") for n in range(padding // 100)])
    path = tiny.path("data/claims.csv")
    path.write_bytes(path.read_bytes() + path.read_bytes().splitlines()[2].replace(
        b"Denied by", b"D\xe9nied by").replace(b"c-0002", b"c-4999") + b"\n")
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("encoding-error", "data/claims.csv", None, "notes")]
    line = len(path.read_bytes().splitlines())
    assert report.problems[0].line == line
    assert f"line {line}" in report.problems[0].message and "'notes'" in report.problems[0].message


def test_field_names_with_quotes_are_quoted_in_the_sql(tiny):
    """The SQL names every field as an identifier or a literal, never with Python's repr."""
    schema = json.loads(tiny.path("schemas/action_evidence.json").read_text())
    schema["fields"] += [{"name": "reviewer's \"note\"", "type": "string"},
                         {"name": "it's", "type": "integer"}]
    tiny.path("schemas/action_evidence.json").write_text(json.dumps(schema))
    path = tiny.path("data/action_evidence.csv")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",\"reviewer's \"\"note\"\"\",it's",
                               *(line + ",fine,x" for line in lines[1:])]) + "\n")
    report = validate_package(tiny.root, tiny.sources)
    assert codes(report) == [("type-error", "data/action_evidence.csv", row, "it's")
                             for row in range(1, len(lines))]
