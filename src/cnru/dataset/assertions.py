"""Dataset assertions from `cnru.toml`: a table with fewer rows than its minimum has lost rows
(a bad merge, a broken export), which no single row shows. Checked by `cnru validate`, so a
pull request that loses rows fails there."""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb

from ..engine.problems import Problem
from ..engine.schema_sql import TYPED, table

ASSERTIONS = "cnru.toml"
CATEGORY = ("claims", "item_category")  # the table and field of minimum_claims_per_category


def check_minimums(con: duckdb.DuckDBPyConnection, root: Path, paths: dict[str, str],
                   resources: set[str]) -> list[Problem]:
    """The assertions of `root/cnru.toml` (none if it is absent) over the loaded tables:
    `paths` maps each loaded resource to its file (one that was not loaded has its own
    problem already); `resources` are all the package's."""
    config = root / ASSERTIONS
    if not config.is_file():
        return []
    try:
        with open(config, "rb") as file:
            minimums = tomllib.load(file)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [Problem.of("assertions-error", ASSERTIONS, f"cannot be read: {error}")]
    problems = []

    def minimum_of(section: str, key: str, value) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        problems.append(Problem.of("assertions-error", ASSERTIONS,
                                   f"[{section}] {key}: the minimum must be a whole number",
                                   value=str(value)))
        return None

    rows = minimums.get("minimum_rows", {})
    for resource, value in rows.items() if isinstance(rows, dict) else ():
        if (minimum := minimum_of("minimum_rows", resource, value)) is None:
            continue
        if resource not in paths:
            if resource not in resources:
                problems.append(Problem.of("assertions-error", ASSERTIONS,
                                           f"[minimum_rows] {resource}: no such resource",
                                           value=resource))
            continue
        count = con.execute(f"SELECT count(*) FROM {table(TYPED, resource)}").fetchone()[0]
        if count < minimum:
            problems.append(Problem.of(
                "too-few-rows", paths[resource],
                f"{count:,} rows, fewer than the minimum of {minimum:,} ([minimum_rows] in "
                f"{ASSERTIONS}): rows were lost, or the minimum is to be lowered"))
    categories = minimums.get("minimum_claims_per_category", {})
    name, field = CATEGORY
    if name in paths and isinstance(categories, dict):
        counts = dict(con.execute(f"SELECT CAST({field} AS VARCHAR), count(*) FROM "
                                  f"{table(TYPED, name)} GROUP BY ALL").fetchall())
        for category, value in categories.items():
            minimum = minimum_of("minimum_claims_per_category", category, value)
            if minimum is not None and counts.get(category, 0) < minimum:
                problems.append(Problem.of(
                    "too-few-rows", paths[name],
                    f"{counts.get(category, 0):,} claims in this category, fewer than the "
                    f"minimum of {minimum:,} ([minimum_claims_per_category] in {ASSERTIONS})",
                    field=field, value=category))
    return problems

