"""Entity names that look the same: equal after dropping what does not show (zero-width
characters, soft hyphens, bidirectional controls, combining overlays), NFKC, case folding,
spacing and folding of look-alike characters (Unicode's confusables, via confusable-homoglyphs),
such as a Cyrillic "а" in "Rаytheon". Python, because neither SQL nor pandera knows Unicode's
confusables."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib.resources import files

import duckdb

from ..engine.problems import Problem


@cache
def folding() -> dict[int, str]:
    """A str.translate table: each non-ASCII character that can be confused with an ASCII one
    maps to it (a Cyrillic "а" to "a"). ASCII look-alikes (0 and O, l and I) are left alone: in
    Latin names they are different letters more often than disguises."""
    data = files("confusable_homoglyphs") / "confusables.json"
    table = {}
    for char, glyphs in json.loads(data.read_text(encoding="utf-8")).items():
        ascii_twins = [glyph["c"] for glyph in glyphs if glyph["c"].isascii()]
        if len(char) == 1 and not char.isascii() and ascii_twins:
            table[ord(char)] = min(ascii_twins)
    return table


# not format characters, but as invisible: the combining grapheme joiner, Hangul fillers,
# variation selectors (with the format characters, what cnru.engine.cell_rules flags as an
# invisible character)
INVISIBLE = [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10),
             *range(0xE0100, 0xE01F0)]


@cache
def unseen() -> dict[int, None]:
    """A str.translate table that drops what a reader does not see in a name: format
    characters (Unicode category Cf: zero-width space and joiners, soft hyphen, word joiner,
    byte-order mark, bidirectional marks, embeddings, overrides and isolates), combining
    overlays (a stroke through a letter) and the other invisible characters."""
    dropped = {code: None for code in range(0x110000)
               if unicodedata.category(chr(code)) == "Cf" or unicodedata.combining(chr(code)) == 1}
    return dropped | dict.fromkeys(INVISIBLE)


def fold(name: str) -> str:
    if name.isascii():  # what fold_unicode gives, four times faster
        return " ".join(name.lower().split())
    return fold_unicode(name)


def fold_unicode(name: str) -> str:
    name = name.translate(unseen())
    text = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return text.translate(folding()).casefold()


def duplicate_names(con: duckdb.DuckDBPyConnection, path: str,
                    line: Callable[[int], int] = lambda row: row + 1) -> list[Problem]:
    """`line`: the physical line a data row starts on (load.Lines.line), for the message."""
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
                    f"looks the same as {earlier!r} on line {line(earlier_row)}", row=row,
                    field="name", value=name))
            else:
                first_seen[key] = (row, name)
    return problems
