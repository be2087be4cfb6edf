"""The store (cnru.engine.store, written by cnru.store) holds what frictionless makes of the
shipped package's descriptor now, and a run whose descriptor is not in it is judged alike."""

from __future__ import annotations

import json

from conftest import ROOT, SOURCES

from cnru import store
from cnru.engine import store as engine_store
from cnru.validate import validate_package


def test_the_store_holds_the_shipped_descriptor_as_frictionless_judges_it_now():
    held = json.loads(engine_store.STORE.read_text(encoding="utf-8"))
    assert held == store.compiled(ROOT), (
        "src/cnru/engine/store.json is out of date: run `python -m cnru.store`")
    assert held["valid_descriptors"], "frictionless finds the shipped descriptor invalid"


def test_without_the_store_the_same_problems_are_found(tiny, monkeypatch):
    tiny.set_cell("data/claims.csv", 1, "period_end", "2000-01-01")

    def problems():
        return {(p.code, p.file, p.row, p.field, p.message)
                for p in validate_package(tiny.root, tiny.sources).problems}

    found = problems()
    monkeypatch.setattr(engine_store, "stored", lambda: {})
    assert problems() == found
    assert any(code == "period-order" for code, *_ in found)


def test_a_valid_edited_descriptor_is_judged_by_frictionless(tiny, monkeypatch):
    tiny.set_cell("data/claims.csv", 1, "period_end", "2000-01-01")
    found = {(p.code, p.file, p.row, p.field)
             for p in validate_package(tiny.root, tiny.sources).problems}
    assert ("period-order", "data/claims.csv", 1, "period_end") in found
    judged = []
    monkeypatch.setattr(engine_store, "known_valid", lambda descriptor: judged.append(1) or False)
    assert {(p.code, p.file, p.row, p.field)
            for p in validate_package(tiny.root, tiny.sources).problems} == found
    assert judged


def test_small_and_large_packages_take_the_same_path_on_one_duckdb_thread_or_many(
        tiny, monkeypatch):
    from cnru import validate

    tiny.set_cell("data/claims.csv", 1, "period_end", "2000-01-01")
    tiny.set_cell("data/entities.csv", 1, "country", "XX")
    small = validate_package(tiny.root, tiny.sources)
    monkeypatch.setattr(validate, "SMALL_BYTES", 0)  # as if large: DuckDB on every core,
    # the rules counted after the keys rather than beside them
    large = validate_package(tiny.root, tiny.sources)
    assert small.problems == large.problems
    assert {p.code for p in small.problems} >= {"period-order", "constraint-error"}


def test_validating_the_shipped_package_imports_none_of_what_the_store_spares():
    """frictionless, pandera (and pandas and numpy under it) stay unimported."""
    import subprocess
    import sys

    script = ("import sys; from cnru.validate import validate_package; "
              f"assert validate_package({str(ROOT)!r}, {str(SOURCES)!r}).valid; "
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'frictionless', 'pandera', "
              "'pandas', 'numpy', 'pyarrow'}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_piped_validation_imports_neither_rich_nor_pydantic():
    """A report written to a pipe or a file needs no rich, and typer reads the arguments
    without pydantic: together about a seventh of a validation of the shipped package."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "cnru", "validate",
                           str(ROOT), "--sources-dir", str(SOURCES)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("valid:")
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "duckdb" in imported  # the scan saw the imports
    assert not imported & {"rich", "pydantic"}


def cli_in_a_process(*args: str):
    """`cnru` as a contributor runs it: a process of its own, frictionless not imported."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-X", "importtime", "-m", "cnru", *args],
                          capture_output=True, text=True)


def imported_by(done) -> set[str]:
    return {line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_a_piped_query_imports_neither_rich_nor_the_validation_stack(built):
    """`cnru query --format csv` opens the built database and prints: rich only draws the
    table of the default format."""
    done = cli_in_a_process("query", "SELECT count(*) AS n FROM claims", "--db",
                            str(built / "cnru.duckdb"), "--format", "csv")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("n\n")
    imported = imported_by(done)
    assert "duckdb" in imported  # the scan saw the imports
    assert not imported & {"rich", "pydantic", "frictionless", "pandera", "pandas"}


def test_a_descriptor_the_store_does_not_know_is_judged_in_a_process_of_its_own(tiny):
    """A run in its own process leaves frictionless to the judge's process, and reports what
    a run that judges in-process reports: nothing for a valid edited descriptor, and for a
    schema frictionless rejects, its problem, with the other files still checked."""
    from typer.testing import CliRunner

    from cnru.cli import app

    descriptor = json.loads(tiny.path("datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "An edited title"
    tiny.path("datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    args = ["validate", str(tiny.root), "--sources-dir", str(tiny.sources)]
    done = cli_in_a_process(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("valid:")
    assert "frictionless" not in imported_by(done)

    schema = json.loads(tiny.path("schemas/actions.json").read_text(encoding="utf-8"))
    schema["fields"][2]["title"] = 5
    tiny.path("schemas/actions.json").write_text(json.dumps(schema), encoding="utf-8")
    tiny.set_cell("data/claims.csv", 1, "period_start", "tomorrow")
    done = cli_in_a_process(*args, "--format", "json")
    in_process = CliRunner().invoke(app, [*args, "--format", "json"])
    assert done.returncode == in_process.exit_code == 1
    problems = json.loads(done.stdout)["problems"]
    assert problems == json.loads(in_process.stdout)["problems"]
    assert {(p["code"], p["file"]) for p in problems} == {
        ("type-error", "data/claims.csv"), ("schema-error", "datapackage.json")}


def test_the_judge_says_whether_frictionless_finds_a_descriptor_valid(tiny):
    from cnru.engine.descriptor import inlined, load_package
    from cnru.engine.judge import Judge

    descriptor = inlined(load_package(tiny.root))
    assert Judge(descriptor, str(tiny.root)).found_valid()
    descriptor["resources"][0]["schema"]["fields"][0]["title"] = 5
    assert not Judge(descriptor, str(tiny.root)).found_valid()
    stopped = Judge(descriptor, str(tiny.root))
    stopped.stop()  # validation stopped before the verdict: the process is ended
    assert stopped.process.returncode is not None
