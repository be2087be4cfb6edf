"""Entity names that look the same: equal after NFKC, case folding, spacing and folding of
look-alike characters (Unicode's confusables, via confusable-homoglyphs), such as a Cyrillic "а" in
"Rаytheon". Python, because neither SQL nor pandera knows Unicode's confusables."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib.resources import files

import duckdb

from .problems import Problem


@cache
def lookalikes() -> dict[str, list[str]]:
    data = files("confusable_homoglyphs") / "confusables.json"
    table = json.loads(data.read_text(encoding="utf-8"))
    return {char: [glyph["c"] for glyph in glyphs] for char, glyphs in table.items()}


@cache
def fold_char(char: str) -> str:
    """The smallest ASCII character `char` can be confused with, or `char` itself."""
    ascii_twins = [glyph for glyph in lookalikes().get(char, []) if glyph.isascii()]
    return min([char, *ascii_twins]) if ascii_twins or char.isascii() else char


def fold(name: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return "".join(fold_char(char) for char in text).casefold()


def duplicate_names(con: duckdb.DuckDBPyConnection, path: str) -> list[Problem]:
    first_seen: dict[str, tuple[int, str]] = {}
    problems = []
    rows = con.execute("SELECT _row, name FROM typed.entities WHERE name IS NOT NULL ORDER BY _row")
    while batch := rows.fetchmany(10_000):
        for row, name in batch:
            key = fold(name)
            if key in first_seen:
                earlier_row, earlier = first_seen[key]
                problems.append(Problem.of(
                    "duplicate-entity-name", path,
                    f"looks the same as {earlier!r} in row {earlier_row}", row=row, field="name",
                    value=name))
            else:
                first_seen[key] = (row, name)
    return problems
