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


def test_small_and_large_packages_take_the_same_path_in_one_or_two_threads(tiny, monkeypatch):
    from cnru import validate

    tiny.set_cell("data/claims.csv", 1, "period_end", "2000-01-01")
    tiny.set_cell("data/entities.csv", 1, "country", "XX")
    at_once = validate_package(tiny.root, tiny.sources)
    monkeypatch.setattr(validate, "SMALL_BYTES", 0)  # as if large: the second thread
    threaded = validate_package(tiny.root, tiny.sources)
    assert at_once.problems == threaded.problems
    assert {p.code for p in at_once.problems} >= {"period-order", "constraint-error"}


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
