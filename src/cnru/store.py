"""What is computed once from the shipped package and stored, so that a run on it imports
nothing of frictionless's validation unless it needs it: `cnru/engine/store.json`
(engine/store.py) holds frictionless's verdict on the descriptor with its schemas inlined.

A test checks that it holds the shipped package's entry as frictionless makes it now. After a
change to the schemas or the descriptor, write it again:

    python -m cnru.store
"""

from __future__ import annotations

import json
from pathlib import Path

from .engine import store as engine_store


def compiled(package: Path) -> dict:
    """The store's entries for a package, made by frictionless now: its descriptor's verdict."""
    from frictionless import Package as FrictionlessPackage

    from .engine.descriptor import inlined, load_package

    loaded = load_package(package)
    descriptor = inlined(loaded)
    report = FrictionlessPackage.validate_descriptor(descriptor, basepath=str(loaded.root))
    return {"valid_descriptors": [engine_store.descriptor_key(descriptor)] if report.valid
            else []}


def write(entries: dict, to: Path) -> None:
    to.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write(compiled(Path(__file__).resolve().parents[2]), Path(str(engine_store.STORE)))
    print(f"wrote {engine_store.STORE}")
