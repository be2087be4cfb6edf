"""The CLI through typer's CliRunner: exit codes, exact lines, JSON parity with the library."""

from __future__ import annotations

import csv
import json
import re
import shutil

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
    with open(ROOT / "data" / "sources.csv", encoding="utf-8", newline="") as file:
        count = len(list(csv.DictReader(file)))
    assert result.stderr.startswith(f"sources: {count} archived text(s) checked (")


def test_validate_prints_one_aligned_line_per_problem(tiny):
    result = invoke("validate", broken(tiny).root, "--sources-dir", tiny.sources)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [  # data rows 1 and 2, on lines 2 and 3
        "data/claims.csv:2  period_start  type-error        '2023-10-32'  "
        'not a date (YYYY-MM-DD) (type "date")',
        "data/claims.csv:3  predicate     constraint-error  'sells'       "
        'not an allowed value (see the data dictionary) (constraint "enum")',
        "invalid: 2 error(s), 0 warning(s)",
    ]
    assert result.stderr == f"sources: 3 archived text(s) checked (3 in {tiny.sources})\n"


def test_json_output_is_the_library_report_with_lines(tiny):
    broken(tiny)
    result = invoke("validate", tiny.root, "--sources-dir", tiny.sources, "--format", "json")
    assert result.exit_code == 1
    report = validate_package(tiny.root, tiny.sources).to_dict()
    printed = json.loads(result.stdout)
    assert printed["omitted"] == 0
    assert [{k: v for k, v in p.items() if k not in ("count", "lines")}
            for p in printed["problems"]] == report["problems"]
    assert [(p["line"], p["count"], p["lines"]) for p in printed["problems"]] == [
        (2, 1, [2]), (3, 1, [3])]
    assert {k: printed[k] for k in ("valid", "errors", "warnings")} == {
        k: report[k] for k in ("valid", "errors", "warnings")}


def test_github_output_annotates_the_lines(tiny):
    result = invoke("validate", broken(tiny).root, "--sources-dir", tiny.sources,
                    "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "::error file=data/claims.csv,line=2,title=type-error::period_start '2023-10-32': "
        'not a date (YYYY-MM-DD) (type "date")',
        "::error file=data/claims.csv,line=3,title=constraint-error::predicate 'sells': "
        'not an allowed value (see the data dictionary) (constraint "enum")',
        "::notice title=cnru validate::invalid: 2 error(s), 0 warning(s); 2 of 2 problem "
        "line(s) annotated, the log lists them",
    ]
    text = invoke("validate", tiny.root, "--sources-dir", tiny.sources).stdout
    assert result.stdout.splitlines()[3:] == text.splitlines()


def flooded(tiny, copies: int):
    """A bad merge: the last row of claims.csv repeated `copies` times."""
    path = tiny.path("data/claims.csv")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + lines[-1] * copies, encoding="utf-8")
    return tiny


def test_the_same_problem_on_many_rows_is_one_line_with_its_count(tiny):
    result = invoke("validate", flooded(tiny, 3000).root, "--sources-dir", tiny.sources)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "data/claims.csv:4  claim_id  primary-key   'c-0002'  the same as in an earlier row "
        "(3,000 rows: lines 4, 5, 6, 7, 8, …)",
        "data/claims.csv:4  claim_id  unique-error  'c-0002'  the same as in an earlier row "
        "(3,000 rows: lines 4, 5, 6, 7, 8, …)",
        "invalid: 6000 error(s), 0 warning(s)",
    ]
    printed = json.loads(invoke("validate", tiny.root, "--sources-dir", tiny.sources,
                                "--format", "json").stdout)
    assert [(p["code"], p["count"], p["lines"]) for p in printed["problems"]] == [
        ("primary-key", 3000, [4, 5, 6, 7, 8]), ("unique-error", 3000, [4, 5, 6, 7, 8])]
    every = invoke("validate", tiny.root, "--sources-dir", tiny.sources, "--all")
    assert every.exit_code == 1
    lines = every.stdout.splitlines()
    assert len(lines) == 6001
    assert lines[-2].startswith("data/claims.csv:3003  claim_id  unique-error  'c-0002'")


def many_problems(tiny, count: int):
    """Rows with different problems: `count` rows, each with a date of its own that is no date
    (and no evidence)."""
    rows = tiny.rows("data/claims.csv")
    tiny.write_rows("data/claims.csv", rows + [
        dict(rows[0], claim_id=f"c-{9000 + n}", period_start=f"day {n}") for n in range(count)])
    return tiny


def test_the_report_stops_after_a_thousand_lines_and_says_how_to_see_the_rest(tiny):
    many_problems(tiny, 600)  # 1,200 problems or more, all different
    result = invoke("validate", tiny.root, "--sources-dir", tiny.sources)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert len(lines) == 1002
    errors = int(lines[-1].split()[1])
    assert errors >= 1200
    assert lines[-2] == (f"… and {errors - 1000:,} more problem(s) on {errors - 1000:,} more "
                         "line(s) not shown; run with --all to see every problem")
    printed = json.loads(invoke("validate", tiny.root, "--sources-dir", tiny.sources,
                                "--format", "json").stdout)
    assert len(printed["problems"]) == 1000
    assert printed["omitted"] == errors - 1000
    every = json.loads(invoke("validate", tiny.root, "--sources-dir", tiny.sources,
                              "--format", "json", "--all").stdout)
    assert len(every["problems"]) == errors and every["omitted"] == 0


def test_github_annotations_stay_under_the_limit_of_a_step(tiny):
    many_problems(tiny, 30)
    result = invoke("validate", tiny.root, "--sources-dir", tiny.sources, "--no-sources",
                    "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 1  # sources-not-checked
    notice = [line for line in lines if line.startswith("::notice ")]
    assert len(notice) == 1 and "11 of " in notice[0] and "annotated" in notice[0]


def test_a_package_that_lost_rows_fails_validation_with_one_line(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(ROOT / "data", package / "data")
    shutil.copytree(ROOT / "schemas", package / "schemas")
    shutil.copy(ROOT / "datapackage.json", package)
    config = (ROOT / "cnru.toml").read_text(encoding="utf-8")
    (package / "cnru.toml").write_text(re.sub(r"(?m)^optics = \d+$", "optics = 5000", config))
    result = invoke("validate", package, "--sources-dir", SOURCES)
    assert result.exit_code == 1
    [line, verdict] = result.stdout.splitlines()
    assert line.startswith("data/claims.csv  item_category  too-few-rows  'optics'  ")
    assert line.endswith("fewer than the minimum of 5,000 ([minimum_claims_per_category] in "
                         "cnru.toml)")
    assert verdict == "invalid: 1 error(s), 0 warning(s)"


def test_a_missing_package_is_a_usage_error(tmp_path):
    result = invoke("validate", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == f"Error: no datapackage.json at {tmp_path / 'nowhere'}\n"


def test_a_bad_option_is_a_usage_error():
    result = invoke("validate", ROOT, "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_a_warning_alone_exits_zero(tiny):
    result = invoke("validate", tiny.root, "--no-sources")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "data/sources.csv  -  sources-not-checked  -  quotes and hashes were not checked "
        "(--no-sources)",
        "valid: 0 error(s), 1 warning(s)"]


def test_a_missing_sources_directory_is_an_error_naming_it(tiny):
    missing = tiny.root / "no-such-dir"
    result = invoke("validate", tiny.root, "--sources-dir", missing)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"data/sources.csv  -  sources-dir-missing  -  no sources directory at {missing}, so no "
        "quote or hash can be checked; point --sources-dir at the archived texts, or pass "
        "--no-sources to validate without them",
        "invalid: 1 error(s), 0 warning(s)"]


@pytest.mark.parametrize("output", ["json", "github"])
def test_every_output_says_the_sources_were_not_checked(tiny, output):
    result = invoke("validate", tiny.root, "--no-sources", "--format", output)
    assert result.exit_code == 0
    assert "quotes and hashes were not checked (--no-sources)" in result.stdout
    assert "sources-not-checked" in result.stdout


def test_the_default_sources_are_those_in_the_package(tiny):
    """The tiny package, like one `tools/synth.py` writes, has its texts in sources/."""
    result = invoke("validate", tiny.root)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "valid: 0 error(s), 0 warning(s)\n"


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
    monkeypatch.setenv("CNRU_MEMORY_LIMIT", "1MB")
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
def built(shipped_build):
    """The shared build of the shipped package, made by `cnru build`, and what it printed."""
    result, out = shipped_build
    files = sum(1 for path in out.rglob("*") if path.is_file())
    assert result.stdout.startswith(f"built {out}: {files} files; rows: sources ")
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


@pytest.mark.parametrize("name", ["datapackage.json", "data/claims.csv"])
def test_query_of_a_file_that_is_no_database_is_one_line_and_changes_nothing(name, tmp_path):
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / name, target)
    before = target.read_bytes()
    result = invoke("query", "SELECT 1", "--db", target, "--package", ROOT)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {target} is not a DuckDB database: give the cnru.duckdb "
                             "that `cnru build` writes, or leave out --db\n")
    assert target.read_bytes() == before
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == sorted(
        {name, *(["data"] if "/" in name else [])})


def test_query_of_a_missing_database_builds_nothing(tmp_path):
    database = tmp_path / "fresh" / "cnru.duckdb"
    result = invoke("query", "SELECT count(*) AS n FROM claims", "--db", database,
                    "--package", ROOT, "--format", "csv")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: no database at {database}: run `cnru build` first")
    assert list(tmp_path.iterdir()) == []


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


def test_a_reader_that_closes_stdout_ends_the_command_quietly(tiny, tmp_path):
    """`cnru validate . | head -1`: no error line, exit 141 as a process that SIGPIPE ends."""
    import subprocess
    import sys

    import duckdb

    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()
    commands = {  # the reader closes at once; the reader reads a line of a long output first
        "validate": ([sys.executable, "-m", "cnru", "validate", str(broken(tiny).root),
                      "--sources-dir", str(tiny.sources)], 0),
        "query": ([sys.executable, "-m", "cnru", "query", "--db", str(database), "--format",
                   "csv", "SELECT range FROM range(300000)"], 1),
    }
    for name, (command, lines) in commands.items():
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        read = [process.stdout.readline() for _ in range(lines)]
        process.stdout.close()
        stderr = process.stderr.read()
        process.stderr.close()
        assert (name, process.wait(timeout=60), stderr) == (name, 141, b"")
        assert read == ([b"range\n"] if lines else [])
