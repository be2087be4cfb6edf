"""The rules' count queries as ibis compiles them from rules.py, kept in `store.json` beside
this module so that a run on the shipped package imports neither ibis nor pandera unless a rule
fails. They are stored under a key of everything the SQL depends
on: rules.py and context.sql as they are, the ibis version, whether quotes are checked, and the
columns and types of every typed and context table. Any other key (a schema edited, a rule
changed) means the queries are compiled again.

`python -m cnru.store` writes the store for the shipped package; a test checks it is current.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.metadata import version
from importlib.resources import files

import duckdb

from ..engine.store import read

STORE = files("cnru.dataset") / "store.json"
Counts = list[tuple[str, list[str]]]


@functools.cache
def stored() -> dict:
    return read(STORE)


def rules_key(con: duckdb.DuckDBPyConnection, with_texts: bool) -> str:
    columns = con.execute("""
        SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
        WHERE table_catalog = current_database() AND table_schema IN ('typed', 'context')
              AND NOT ends_with(table_name, '$rows')  -- the loads' tables: the views say it
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

