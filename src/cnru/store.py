"""What is computed once from the shipped package and kept in `store.json`, so that a run on it
imports neither frictionless's validation, ibis nor pandera unless it needs them (about half a
second of imports and work on a package of any size):

- frictionless's verdict on the descriptor with its schemas inlined: the SHA-256 of each
  descriptor it found valid (with frictionless's version). Any other descriptor is judged by
  frictionless, as before, and its problems reported.
- the rules' count queries as ibis compiles them from rules.py, under a key of everything the
  SQL depends on: rules.py and context.sql as they are, the ibis version, whether quotes are
  checked, and the columns and types of every typed and context table. Any other key (a schema
  edited, a rule changed) means the queries are compiled again.

A test checks that the store holds the shipped package's entries as frictionless and ibis make
them now. After a change to the schemas, the descriptor or the rules, write it again:

    python -m cnru.store
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import duckdb

STORE = files("cnru") / "store.json"
Counts = list[tuple[str, list[str]]]


@functools.cache
def stored() -> dict:
    try:
        return json.loads(STORE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def descriptor_key(descriptor: dict) -> str:
    text = json.dumps([version("frictionless"), descriptor], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def known_valid(descriptor: dict) -> bool:
    """Whether frictionless found exactly this descriptor valid when the store was written."""
    return descriptor_key(descriptor) in stored().get("valid_descriptors", [])


def rules_key(con: duckdb.DuckDBPyConnection, with_texts: bool) -> str:
    columns = con.execute("""
        SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
        WHERE table_catalog = current_database() AND table_schema IN ('typed', 'context')
        ORDER BY table_schema, table_name, ordinal_position""").fetchall()
    digest = hashlib.sha256()
    dataset = files("cnru.dataset")
    for part in (dataset / "rules.py", dataset / "sql" / "context.sql"):
        digest.update(part.read_bytes())
    digest.update(json.dumps([version("ibis-framework"), with_texts, columns]).encode())
    return digest.hexdigest()


def rule_counts(key: str) -> tuple[list[str], Counts] | None:
    """The rules that apply and their count queries, if the store holds the key."""
    entry = stored().get("rules", {}).get(key)
    if entry is None:
        return None
    return entry["codes"], [(query, codes) for query, codes in entry["counts"]]


def compiled(package: Path, sources_dir: Path | None) -> dict:
    """The store's entries for a package, made by frictionless and ibis now: its descriptor's
    verdict, and the rules' queries with and without its texts."""
    from frictionless import Package as FrictionlessPackage

    from .dataset import rules
    from .engine.descriptor import inlined, load_package
    from .validate import check_package

    loaded = load_package(package)
    descriptor = inlined(loaded)
    report = FrictionlessPackage.validate_descriptor(descriptor, basepath=str(loaded.root))
    entries: dict = {"valid_descriptors": [descriptor_key(descriptor)] if report.valid else [],
                     "rules": {}}
    for with_texts in (True, False):
        with check_package(package, sources_dir, check_sources=with_texts) as checked:
            con = checked.con
            targets = rules.build_targets(con, with_texts)
            entries["rules"][rules_key(con, with_texts)] = {
                "codes": list(targets),
                "counts": [list(pair) for pair in rules.compile_counts(targets)]}
    return entries


def write(entries: dict, to: Path) -> None:
    to.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write(compiled(Path(__file__).resolve().parents[2], None), Path(str(STORE)))
    print(f"wrote {STORE}")
