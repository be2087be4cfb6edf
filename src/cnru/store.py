"""What is computed once from the shipped package and stored, so that a run on it imports
neither frictionless's validation, ibis nor pandera unless it needs them (about half a second
of imports and work on a package of any size). Each cache lives with the code that reads it:

- `cnru/engine/store.json` (engine/store.py): frictionless's verdict on the descriptor with its
  schemas inlined;
- `cnru/dataset/store.json` (dataset/store.py): the rules' count queries as ibis compiles them,
  with and without the archived texts.

A test checks that both hold the shipped package's entries as frictionless and ibis make them
now. After a change to the schemas, the descriptor or the rules, write them again:

    python -m cnru.store
"""

from __future__ import annotations

import json
from pathlib import Path

from .dataset import store as dataset_store
from .engine import store as engine_store

STORES = {"engine": engine_store.STORE, "dataset": dataset_store.STORE}


def compiled(package: Path, sources_dir: Path | None) -> dict[str, dict]:
    """Each store's entries for a package (by its name in STORES), made by frictionless and ibis
    now: its descriptor's verdict, and the rules' queries with and without its texts."""
    from frictionless import Package as FrictionlessPackage

    from .dataset import rules
    from .engine.descriptor import inlined, load_package
    from .validate import check_package

    loaded = load_package(package)
    descriptor = inlined(loaded)
    report = FrictionlessPackage.validate_descriptor(descriptor, basepath=str(loaded.root))
    verdicts = {"valid_descriptors":
                [engine_store.descriptor_key(descriptor)] if report.valid else []}
    queries: dict = {}
    for with_texts in (True, False):
        with check_package(package, sources_dir, check_sources=with_texts) as checked:
            con = checked.con
            targets = rules.build_targets(con, with_texts)
            queries[dataset_store.rules_key(con, with_texts)] = {
                "codes": list(targets),
                "counts": [list(pair) for pair in rules.compile_counts(targets)]}
    return {"engine": verdicts, "dataset": {"rules": queries}}


def write(entries: dict, to: Path) -> None:
    to.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    for name, entries in compiled(Path(__file__).resolve().parents[2], None).items():
        write(entries, Path(str(STORES[name])))
        print(f"wrote {STORES[name]}")
