"""The stores (cnru.engine.store, cnru.dataset.store; written by cnru.store) hold what
frictionless and ibis make of the shipped package now, and a run whose descriptor or tables are
not in them is judged by them alike."""

from __future__ import annotations

import json

from conftest import ROOT, SOURCES

from cnru import store
from cnru.dataset import store as dataset_store
from cnru.engine import store as engine_store
from cnru.validate import validate_package


def test_the_stores_hold_the_shipped_package_as_frictionless_and_ibis_judge_it_now():
    held = {name: json.loads(path.read_text(encoding="utf-8"))
            for name, path in store.STORES.items()}
    now = store.compiled(ROOT, SOURCES)
    for name in ("engine", "dataset"):
        assert held[name] == now[name], (
            f"src/cnru/{name}/store.json is out of date: run `python -m cnru.store`")
    assert held["engine"]["valid_descriptors"], "frictionless finds the shipped descriptor invalid"
    assert len(held["dataset"]["rules"]) == 2  # with and without the archived texts


def test_without_the_store_the_same_problems_are_found(tiny, monkeypatch):
    tiny.set_cell("data/claims.csv", 1, "period_end", "2000-01-01")

    def problems():
        return {(p.code, p.file, p.row, p.field, p.message)
                for p in validate_package(tiny.root, tiny.sources).problems}

    found = problems()
    monkeypatch.setattr(engine_store, "stored", lambda: {})
    monkeypatch.setattr(dataset_store, "stored", lambda: {})
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
    """frictionless, ibis and pandera (and pandas, numpy, pyarrow under them) stay unimported."""
    import subprocess
    import sys

    script = ("import sys; from cnru.validate import validate_package; "
              f"assert validate_package({str(ROOT)!r}, {str(SOURCES)!r}).valid; "
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'frictionless', 'ibis', "
              "'pandera', 'pandas', 'numpy', 'pyarrow'}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
