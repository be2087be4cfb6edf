"""The CLI through typer's CliRunner: exit codes, exact lines, JSON parity with the library."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SOURCES
from typer.testing import CliRunner

from cnru.cli import app
from cnru.validate import validate_package

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def broken(tiny):
    tiny.set_cell("data/claims.csv", 1, "period_start", "2023-10-32")
    tiny.set_cell("data/claims.csv", 2, "predicate", "sells")
    return tiny


def test_validate_the_shipped_package():
    result = invoke("validate", ROOT, "--sources-dir", SOURCES)
    assert result.exit_code == 0, result.output
    assert result.stdout == "valid: 0 error(s), 0 warning(s)\n"


def test_validate_prints_one_aligned_line_per_problem(tiny):
    result = invoke("validate", broken(tiny).root, "--sources-dir", tiny.sources)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "data/claims.csv:1  period_start  type-error        '2023-10-32'  "
        'not a date (YYYY-MM-DD) (type "date")',
        "data/claims.csv:2  predicate     constraint-error  'sells'       "
        'not an allowed value (see the data dictionary) (constraint "enum")',
        "invalid: 2 error(s), 0 warning(s)",
    ]


def test_json_output_equals_the_library_report(tiny):
    broken(tiny)
    result = invoke("validate", tiny.root, "--sources-dir", tiny.sources, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == validate_package(tiny.root, tiny.sources).to_dict()


def test_github_output_annotates_the_lines(tiny):
    result = invoke("validate", broken(tiny).root, "--sources-dir", tiny.sources,
                    "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=data/claims.csv,line=2,title=type-error::period_start '2023-10-32': "
        'not a date (YYYY-MM-DD) (type "date")',
        "::error file=data/claims.csv,line=3,title=constraint-error::predicate 'sells': "
        'not an allowed value (see the data dictionary) (constraint "enum")',
    ]


def test_a_missing_package_is_a_usage_error(tmp_path):
    result = invoke("validate", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == f"Error: no datapackage.json at {tmp_path / 'nowhere'}\n"


def test_a_bad_option_is_a_usage_error():
    result = invoke("validate", ROOT, "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_a_warning_alone_exits_zero(tiny):
    result = invoke("validate", tiny.root, "--sources-dir", tiny.root / "no-such-dir")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "valid: 0 error(s), 1 warning(s)"


@pytest.mark.parametrize("message", ["disk on fire",
                                     "disk on fire\n\nPossible solutions:\n* a hint"])
def test_an_unexpected_failure_is_one_line_without_traceback(monkeypatch, tiny, message):
    """One line, the message's first, however many lines the message has."""
    def explode(*args, **kwargs):
        raise RuntimeError(message)

    monkeypatch.setattr("cnru.validate.validate_package", explode)
    result = invoke("validate", tiny.root)
    assert result.exit_code == 1
    assert result.stderr == ("Error: unexpected RuntimeError: disk on fire "
                             "(run with --debug for the traceback)\n")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["validate", "build"])
def test_too_little_memory_is_one_line_not_a_file_problem(monkeypatch, tiny, tmp_path, command):
    monkeypatch.setattr("cnru.db.DEFAULT_MEMORY_LIMIT", "1MB")
    out = tmp_path / "build"
    extra = ["--out", str(out)] if command == "build" else []
    result = invoke(command, tiny.root, "--sources-dir", tiny.sources, *extra)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: DuckDB ran out of memory within its limit of 1MB (")
    assert line.endswith("); set CNRU_MEMORY_LIMIT higher")
    assert "csv-error" not in result.stdout
    assert not out.exists() and list(tmp_path.iterdir()) == [tiny.root]


def test_debug_shows_the_traceback(monkeypatch, tiny):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("cnru.validate.validate_package", explode)
    result = invoke("--debug", "validate", tiny.root)
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


def test_validate_writes_nothing(tiny):
    before = sorted(p for p in tiny.root.rglob("*"))
    invoke("validate", broken(tiny).root, "--sources-dir", tiny.sources)
    assert sorted(p for p in tiny.root.rglob("*")) == before


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "build"
    result = invoke("build", ROOT, "--out", out, "--sources-dir", SOURCES)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"built {out}: 28 files; rows: sources 3,")
    return out


def test_query_prints_csv_and_json(built):
    sql = "SELECT claim_id, figure_as_stated FROM disagreements WHERE claim_id = 'c-0005'"
    result = invoke("query", sql, "--db", built / "cnru.duckdb", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "claim_id,figure_as_stated\nc-0005,more than 70%\nc-0005,nearly 70%\n"
    result = invoke("query", sql, "--db", built / "cnru.duckdb", "--format", "json")
    assert json.loads(result.stdout) == [
        {"claim_id": "c-0005", "figure_as_stated": "more than 70%"},
        {"claim_id": "c-0005", "figure_as_stated": "nearly 70%"}]


def test_a_sql_error_is_one_line(built):
    result = invoke("query", "SELECT * FROM nowhere", "--db", built / "cnru.duckdb")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Catalog Error: Table with name nowhere does not exist")
    assert len(result.stderr.splitlines()) == 1


def test_query_builds_the_database_when_missing(tmp_path):
    database = tmp_path / "fresh" / "cnru.duckdb"
    result = invoke("query", "SELECT count(*) AS n FROM claims", "--db", database,
                    "--package", ROOT, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("n\n140\n")


def test_build_of_an_invalid_package_prints_the_report_and_fails(tiny, tmp_path):
    result = invoke("build", broken(tiny).root, "--out", tmp_path / "build",
                    "--sources-dir", tiny.sources)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "invalid: 2 error(s), 0 warning(s)"
    assert result.stderr == "Error: the package is invalid: 2 error(s), 0 warning(s)\n"
    assert not (tmp_path / "build").exists()


def test_every_command_has_help_with_an_example():
    for command in ("validate", "build", "query", "release"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Example: cnru " in result.stdout, command
