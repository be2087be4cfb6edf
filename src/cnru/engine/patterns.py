"""A Table Schema `pattern` as frictionless matches it (Python's `re`), for DuckDB's RE2.

The two engines share their syntax but not the meaning of the class shorthands: Python's `\\s`,
`\\d` and `\\w` are Unicode classes, RE2's are ASCII, so `https?://[^\\s]+` would accept a URL
holding a no-break space that frictionless rejects. `to_re2` spells them as the Unicode classes
Python means (tests/test_patterns.py compares every code point); `problem` and `re2_problem`
say why a pattern cannot be checked at all (Python rejects it, or RE2 lacks the syntax, as for
lookarounds).
"""

from __future__ import annotations

import re

import duckdb

from ..errors import first_line

# Python's whitespace: the separators (Z) and the control characters str.isspace() counts.
SPACE = r"\t\n\v\f\r\x1c-\x1f\x85\pZ"
WORD = r"\p{L}\p{N}_"
# shorthand -> (outside a [...] class, inside one; None where RE2 cannot say it there)
SHORTHANDS = {
    "s": (f"[{SPACE}]", SPACE), "S": (f"[^{SPACE}]", None),
    "d": (r"\p{Nd}", r"\p{Nd}"), "D": (r"\P{Nd}", r"\P{Nd}"),
    "w": (f"[{WORD}]", WORD), "W": (f"[^{WORD}]", None),
}


class Untranslatable(ValueError):
    pass


def to_re2(pattern: str) -> str:
    """`pattern` with Python's meaning of `\\s \\S \\d \\D \\w \\W`, in RE2's syntax."""
    out, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped in SHORTHANDS:
                spelled = SHORTHANDS[escaped][in_class]
                if spelled is None:
                    raise Untranslatable(f"\\{escaped} inside [...]")
                out.append(spelled)
            else:
                out.append(pattern[index: index + 2])
            index += 2
            continue
        out.append(char)
        index += 1
        if not in_class and char == "[":
            in_class = True
            # a ']' right after '[' or '[^' is a literal, not the end of the class
            for prefix in ("^", "]"):
                if pattern.startswith(prefix, index):
                    out.append(prefix)
                    index += 1
        elif in_class and char == "]":
            in_class = False
    return "".join(out)


def problem(pattern) -> str | None:
    """Why `pattern` cannot be checked, as far as Python can tell (see `re2_problem`)."""
    if not isinstance(pattern, str):
        return "is not text"
    try:
        re.compile(pattern)
        to_re2(pattern)
    except re.error as error:
        return f"is not a regular expression: {error}"
    except Untranslatable as error:
        return f"uses {error}, which RE2 cannot match"
    return None


COMPILED: set[str] = set()  # RE2 patterns seen to compile in this process


def re2_compiles(con: duckdb.DuckDBPyConnection, patterns: list[str]) -> bool:
    """Whether RE2 compiles every pattern: one query for those of a schema not seen before."""
    unseen = list({to_re2(pattern) for pattern in patterns} - COMPILED)
    if unseen:
        try:
            con.execute("SELECT regexp_matches('', pattern) FROM unnest($1::VARCHAR[]) "
                        "AS t(pattern)", [unseen]).fetchall()
        except duckdb.Error:
            return False
        COMPILED.update(unseen)
    return True


def re2_problem(con: duckdb.DuckDBPyConnection, pattern: str) -> str | None:
    """Why RE2 cannot compile `pattern` (lookarounds, backreferences ...), or None."""
    try:
        con.execute("SELECT regexp_matches('', $1)", [to_re2(pattern)])
    except duckdb.Error as error:
        return f"uses what DuckDB's RE2 engine cannot match ({first_line(error)})"
    return None
