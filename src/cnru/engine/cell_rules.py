"""Checks of single cells that no Table Schema states: spreadsheet formula injection, control
characters, stray whitespace and invisible characters in names. One rule per problem code: the
SQL that flags a cell, and a cheap test of a whole row that is true whenever one of its cells
would be flagged. They run in the scan that types the cells (load.py); checking each cell only
in the rows the row test flags is several times faster at a million rows than a pass of their
own.

They apply to free text: string fields without an `enum` or a `pattern`. A value in a field
with a vocabulary, a pattern or a type cannot start a formula or hold a control character
without also failing that constraint, which is reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# `=` always starts a formula; `+`, `-` and `@` do unless a digit follows (-5, +44 ...).
FORMULA = r"^(=|[+\-@]([^0-9]|$)|[\t\r])"
FORMULA_STARTS = "(61, 43, 45, 64, 9, 13)"  # code points of = + - @ TAB CR
CONTROL = r"[\x00-\x1f\x7f]"
SPACE = r"^[ \t\n\r\f\v]|[ \t\n\r\f\v]$|\xa0"
SPACE_IN_JOINED = r"\x1f[ \t\n\r\f\v]|[ \t\n\r\f\v]\x1f|\xa0"  # cells joined by \x1f
# invisible and bidirectional control characters: soft hyphen, combining grapheme joiner,
# Arabic letter mark, Hangul fillers, Mongolian vowel separator, zero-width space, joiners and
# marks, embeddings and overrides, word joiner and invisible operators, isolates, variation
# selectors, byte-order mark, tags
INVISIBLE = (r"[\x{00AD}\x{034F}\x{061C}\x{115F}\x{1160}\x{180E}\x{200B}-\x{200F}"
             r"\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{206F}\x{3164}\x{FE00}-\x{FE0F}"
             r"\x{FEFF}\x{FFA0}\x{E0000}-\x{E007F}\x{E0100}-\x{E01EF}]")


@dataclass(frozen=True)
class CellRule:
    applies: Callable[[str], bool]  # to a free-text field, by name
    cell: Callable[[str], str]  # SQL: this cell breaks the rule
    row: Callable[[list[str]], str]  # SQL: some of these cells may break it
    message: str
    # SQL: the same, in a file whose only control bytes are its line ends (load.scan_file)
    row_in_plain_file: Callable[[list[str]], str] | None = None


def every_field(field: str) -> bool:
    return True


def is_free_text(field: dict) -> bool:
    constraints = field.get("constraints", {})
    return field.get("type", "string") == "string" and not {"enum", "pattern"} & set(constraints)


def is_name_or_id(field: str) -> bool:
    return field == "name" or field.endswith("_id")


def joined(columns: list[str]) -> str:
    return f"(chr(31) || concat_ws(chr(31), {', '.join(columns)}) || chr(31))"


CELL_RULES: dict[str, CellRule] = {
    "formula-injection": CellRule(
        every_field,
        lambda column: f"regexp_matches({column}, '{FORMULA}')",
        # ord() reads one code point; left() builds a string (twice as slow at 1M rows)
        lambda columns: " OR ".join(f"ord({c}) IN {FORMULA_STARTS}" for c in columns),
        "spreadsheets would run this cell as a formula"),
    "control-character": CellRule(
        every_field,
        lambda column: f"regexp_matches({column}, '{CONTROL}')",
        lambda columns: f"regexp_matches(concat({', '.join(columns)}), '{CONTROL}')",
        "the cell contains a control character",
        # only a quoted line break can be one; a byte search is far cheaper than the regex
        lambda columns: " OR ".join(f"contains({c}, chr(10))" for c in columns)),
    "bad-whitespace": CellRule(
        is_name_or_id,
        lambda column: f"regexp_matches({column}, '{SPACE}')",
        lambda columns: f"regexp_matches({joined(columns)}, '{SPACE_IN_JOINED}')",
        "leading, trailing or non-breaking space"),
    "invisible-character": CellRule(
        is_name_or_id,
        lambda column: f"regexp_matches({column}, '{INVISIBLE}')",
        lambda columns: f"regexp_matches(concat({', '.join(columns)}), '{INVISIBLE}')",
        "the cell contains an invisible or bidirectional control character"),
}
