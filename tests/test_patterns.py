"""Schema patterns: Python's meaning (as frictionless matches them), in DuckDB's RE2."""

from __future__ import annotations

import json
import re
import sys
import unicodedata

import duckdb
import pytest

from cnru.engine.patterns import problem, to_re2
from cnru.validate import validate_package


def test_the_class_shorthands_match_what_python_matches_at_every_code_point():
    """Every character Python's Unicode database knows; RE2's tables are newer, so characters
    assigned since then are left out."""
    known = [chr(c) for c in range(sys.maxunicode + 1)
             if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"]
    con = duckdb.connect()
    con.execute("CREATE TABLE chars AS SELECT unnest($1::VARCHAR[]) AS c", [known])
    for shorthand in ("\\s", "\\S", "\\d", "\\D", "\\w", "\\W", "[^\\s]", "[\\d\\s]"):
        ours = {c for (c,) in con.execute("SELECT c FROM chars WHERE regexp_full_match(c, $1)",
                                          [to_re2(shorthand)]).fetchall()}
        python = {c for c in known if re.fullmatch(shorthand, c)}
        assert ours == python, (shorthand, sorted(ours ^ python)[:5])


@pytest.mark.parametrize("pattern, translated", [
    ("[a-z]{2}", "[a-z]{2}"),
    ("https?://[^\\s]+", "https?://[^\\t\\n\\v\\f\\r\\x1c-\\x1f\\x85\\pZ]+"),
    ("\\\\s", "\\\\s"),  # an escaped backslash, then the letter s
    ("[]\\s]", "[]\\t\\n\\v\\f\\r\\x1c-\\x1f\\x85\\pZ]"),  # ']' first in a class is a literal
    ("[\\]]\\d", "[\\]]\\p{Nd}"),
    ("a\\.b", "a\\.b"),
])
def test_patterns_are_translated_token_by_token(pattern, translated):
    assert to_re2(pattern) == translated


@pytest.mark.parametrize("pattern, why", [
    ("[a-z", "is not a regular expression"),
    ("[\\S]", "uses \\S inside [...], which RE2 cannot match"),
    (7, "is not text"),
])
def test_a_pattern_python_or_the_translation_rejects_is_named(pattern, why):
    assert problem(pattern).startswith(why)


@pytest.mark.parametrize("pattern, why", [
    ("[a-z", "the pattern is not a regular expression"),
    ("(?=[a-z])[a-z]{2}", "the pattern uses what DuckDB's RE2 engine cannot match"),
    ("([a-z])\\1", "the pattern uses what DuckDB's RE2 engine cannot match"),
])
def test_a_pattern_that_cannot_be_checked_is_a_schema_error_not_a_file_error(tiny, pattern, why):
    schema = json.loads(tiny.path("schemas/sources.json").read_text())
    next(f for f in schema["fields"] if f["name"] == "language")["constraints"]["pattern"] = pattern
    tiny.path("schemas/sources.json").write_text(json.dumps(schema))
    problems = validate_package(tiny.root, tiny.sources).problems
    assert [(p.code, p.file, p.field) for p in problems] == \
        [("schema-error", "schemas/sources.json", "language")]
    assert f"field 'language': {why}" in problems[0].message


def test_a_url_holding_a_no_break_space_breaks_the_pattern_as_in_frictionless(tiny):
    tiny.set_cell("data/sources.csv", 1, "url", "https://example.org/a\xa0b")
    problems = validate_package(tiny.root, tiny.sources).problems
    assert [(p.code, p.file, p.row, p.field) for p in problems] == \
        [("constraint-error", "data/sources.csv", 1, "url")]
