"""The matching rule (cnru.dataset.matching) on the archived texts themselves: Markdown reader
text with offsets back to the raw file, JSON string values, whitespace folded alike in Python and
DuckDB, and `cnru locate`."""

from __future__ import annotations

import json
import random
import re
import unicodedata

import duckdb
import pytest
from conftest import ROOT, SOURCES
from typer.testing import CliRunner

from cnru.cli import app
from cnru.dataset import matching
from cnru.dataset.sources import locate

TREASURY = SOURCES / "treasury-2024-05-01-jy2318.md"
READOUT = SOURCES / "wh-2024-04-02-readout-biden-xi-call.md"
ENTITY_LIST = SOURCES / "ecfr-entity-list-2026-07-09.json"
needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason="no archived texts")


def raw(path) -> str:
    return path.read_text(encoding="utf-8")


@needs_sources
@pytest.mark.parametrize(("quote", "span"), [
    # across **emphasis**: the span takes in the markers around the name
    ("Tulun International Holding Limited (Tulun International) is a Hong Kong-based",
     "**Tulun International Holding Limited** (Tulun International) is a Hong Kong-based"),
    # across a [link](url)
    ("LLC RM Design and Development, which was designated by OFAC in July 2022.",
     "LLC RM Design and Development, which was [designated by OFAC]"
     "(https://home.treasury.gov/news/press-releases/jy1636) in July 2022."),
])
def test_a_treasury_sentence_is_found_across_its_markup(quote, span):
    start, end = locate(TREASURY, quote)
    assert raw(TREASURY)[start:end] == span
    assert quote not in raw(TREASURY)  # not a substring of the file: the rule is needed


@needs_sources
def test_a_hard_wrapped_white_house_sentence_is_found_and_its_offsets_are_raw():
    quote = ("He raised concerns over the PRC’s support for Russia’s defense industrial base and "
             "its impact on European and transatlantic security")
    start, end = locate(READOUT, quote)
    text = raw(READOUT)
    assert text[start:end] == ("He raised concerns over the PRC’s\nsupport for Russia’s defense "
                               "industrial base and its impact on European\nand transatlantic "
                               "security")
    assert matching.span_matches("md", text, quote, start, end)
    assert not matching.span_matches("md", text, quote, start + 1, end)


@needs_sources
def test_a_no_break_space_folds_like_a_space():
    text = raw(READOUT)
    assert "(PRC).\xa0 The call" in text
    assert locate(READOUT, "(PRC). The call follows") is not None


@needs_sources
def test_unicode_is_compared_as_is():
    assert locate(READOUT, "the PRC’s unfair trade policies") is not None
    assert locate(READOUT, "the PRC's unfair trade policies") is None  # a straight apostrophe
    assert locate(READOUT, "THE PRC’S UNFAIR TRADE POLICIES") is None


@needs_sources
def test_front_matter_is_kept_as_is():
    assert locate(TREASURY, "url: /news/press-releases/jy2318") == (
        raw(TREASURY).index("url: /news"), raw(TREASURY).index("url: /news") + 32)


@needs_sources
@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.md")), ids=lambda p: p.name)
def test_the_reader_text_keeps_every_word_and_its_offsets(path):
    """Only markup goes: the words of the body, folded, are those of the raw text without
    the characters the reader text drops; and each reader character is its raw character."""
    text = raw(path)
    reader = matching.markdown_reader(text)
    assert reader.text == matching.fold(matching.reader_text(text))
    assert reader.text == matching.match_text("md", text)
    for index in range(0, len(reader.text), 97):
        char, start = reader.text[index], reader.starts[index]
        assert char == text[start] or (char == " " and text[start].isspace())
    assert list(reader.starts) == sorted(reader.starts)


@needs_sources
def test_the_json_values_are_the_decoded_string_values_and_not_the_keys():
    text = raw(ENTITY_LIST)

    def values(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from values(value)
        elif isinstance(node, list):
            for value in node:
                yield from values(value)
        elif isinstance(node, str):
            yield matching.fold(node)

    assert matching.match_text("json", text).split(matching.SEPARATOR) == list(
        values(json.loads(text)))
    reader = matching.json_reader(text)
    assert reader.text == matching.match_text("json", text)
    assert_same_reader(reader, scanned_reader(text))
    start, end = locate(ENTITY_LIST, "88 FR 70353, 10/11/23")
    assert text[start:end] == "88 FR 70353, 10/11/23"
    assert locate(ENTITY_LIST, "federal_register") is None  # a key, not a value


def scanned_reader(raw: str) -> matching.Reader:
    """The JSON reader done the plain way, as the reference: JSON_STRING scans the text, and
    each value's characters are added one by one with their raw spans."""
    text, starts, ends, last = [], [], [], None
    for match in matching.json_values(raw):
        content, at = match.group(1), match.start(1)
        if matching.decoded(match.group(0)) is None:
            continue
        value = matching.folded(*matching.decode_with_offsets(content, at))
        if last is not None:
            text.append(matching.SEPARATOR)
            starts.append(last)
            ends.append(last + 1)
        text.append(value.text)
        starts.extend(value.starts)
        ends.extend(value.ends)
        last = match.end(1)
    return matching.Reader("".join(text), starts, ends)


def assert_same_reader(reader: matching.Reader, expected: matching.Reader) -> None:
    assert reader.text == expected.text
    assert list(reader.starts) == list(expected.starts)
    assert list(reader.ends) == list(expected.ends)
    assert [reader.starts[i] for i in range(len(reader.text))] == list(expected.starts)


def test_the_json_reader_reads_any_text_as_a_scan_for_strings_does():
    """Splitting at quotes finds what scanning for JSON strings finds, in JSON and in texts
    that are not: escaped quotes, keys, values left open, invalid escapes, folded spaces."""
    pieces = ['"', "\\", "a", " ", "  ", ":", "\n", "\t", '\\"', "\\n", "\\u00e9",
              "\\ud83d\\ude00", "\\u12", "{", "}", ",", "\xe9", "\xa0", "\x01", "\\\\"]
    generator = random.Random(7)
    for _ in range(4000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 24)))
        assert_same_reader(matching.json_reader(text), scanned_reader(text))
    for _ in range(300):
        document = {f"k{i}": generator.choice(["a b", "a  b", 'say "x"', "\n", "é\u2028", ""])
                    for i in range(generator.randint(0, 6))}
        text = json.dumps([document, "tail"], indent=generator.choice([None, 1]),
                          ensure_ascii=generator.random() < 0.5)
        assert_same_reader(matching.json_reader(text), scanned_reader(text))


def test_the_json_match_text_and_spans_read_from_the_document_are_the_readers():
    """json_text (from json.loads) is the reader's text, and a span inside one string is
    judged from that string alone as the whole reader judges it, on documents with repeated
    keys, escapes and whitespace to fold; a text that is not JSON is left to the reader."""
    generator = random.Random(13)

    def node(depth=0):
        if depth > 3 or generator.random() < 0.4:
            return "".join(generator.choice(["a", " ", "  ", "\n", '"', "\\", "é", "\u2028",
                                             "\x85", "\U0001f600"])
                           for _ in range(generator.randint(0, 8)))
        if generator.random() < 0.5:
            return [node(depth + 1) for _ in range(generator.randint(0, 4))]
        return {node(4): node(depth + 1) for _ in range(generator.randint(0, 4))}

    texts = [json.dumps(node(), indent=generator.choice([None, 1]),
                        ensure_ascii=generator.random() < 0.5) for _ in range(400)]
    texts += ['{"k": "a", "k": "b  c"}', '["open', '{"a": "b"} trailing']
    for text in texts:
        reader = matching.json_reader(text)
        assert matching.json_text(text) in (reader.text, None)
        for _ in range(20):
            start = generator.randrange(len(text))
            end = start + generator.randint(1, 10)
            quote = text[start:end] if generator.random() < 0.5 else reader.text[:8]
            text_sought = matching.needle("json", quote)
            if not text_sought or end > len(text):
                continue
            assert matching.span_matches("json", text, quote, start, end) == \
                matching.span_in(reader, text_sought, start, end)
    assert matching.json_text('["open') is None


@pytest.mark.parametrize(("name", "plain"), [
    ("UNFOLDED", f"(?! (?!{matching.SPACE_PATTERN[:-1]})){matching.SPACE_PATTERN}"),
    ("LINK", r"(?<!\\)\[([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)"),
    ("EMPHASIS", r"(?<!\\)(?:\*+|_+)"),
])
def test_the_patterns_that_begin_with_a_character_match_as_their_plain_forms(name, plain):
    """Written to begin with a character rather than a lookaround (which the engine tries at
    every position), each pattern finds what its plain form finds."""
    pieces = ["\\", "*", "_", "[", "]", "(", ")", " ", "  ", "\n", "\t", "a", "](u)", "\xa0",
              "\u2028", "\r"]
    generator = random.Random(11)
    pattern, reference = getattr(matching, name), re.compile(plain)
    for _ in range(5000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 30)))
        assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == [
            (m.span(), m.groups()) for m in reference.finditer(text)]


def test_json_escapes_map_back_to_their_raw_span():
    text = '{"a": "caf\\u00e9 \\"x\\"\\n\\ud83d\\ude00 end", "b": "next"}'
    assert json.loads(text)["a"] == 'café "x"\n😀 end'
    start, end = matching.locate_in("json", text, 'café "x" 😀')
    assert text[start:end] == 'caf\\u00e9 \\"x\\"\\n\\ud83d\\ude00'
    assert matching.locate_in("json", text, "end next") is None  # not across two values
    assert matching.span_matches("json", text, 'café "x" 😀', start, end)


def test_markdown_markup_goes_and_intraword_underscores_stay():
    text = ("---\ntitle: a_b *c*\n---\n# Heading\n> quoted *em* and __strong__ and snake_case\n"
            "- a [link text](https://x.test/a_(b)) here\n")
    assert matching.fold(matching.reader_text(text)) == (
        "--- title: a_b *c* --- Heading quoted em and strong and snake_case a link text here ")


def test_a_plain_text_is_matched_exactly():
    assert matching.locate_in("txt", "a  b", "a b") is None
    assert matching.locate_in("txt", "a  b", "a  b") == (0, 4)


def test_whitespace_folds_the_same_in_python_and_in_duckdb():
    candidates = [chr(code) for code in range(0x3001)
                  if chr(code).isspace() or unicodedata.category(chr(code)).startswith("Z")]
    text = "x" + "x".join(candidates) + "x  y\xa0\n z"
    con = duckdb.connect()
    [(folded,)] = con.execute("SELECT regexp_replace($1, $2, ' ', 'g')",
                              [text, matching.SPACE_PATTERN_RE2]).fetchall()
    assert folded == matching.fold(text)
    sql = (ROOT / "src" / "cnru" / "dataset" / "sql" / "context.sql").read_text(encoding="utf-8")
    [macro] = re.findall(r"CREATE OR REPLACE MACRO context\.fold_space.*?;", sql, flags=re.S)
    con.execute("CREATE SCHEMA context")
    con.execute(macro)
    assert con.execute("SELECT context.fold_space($1)", [text]).fetchone()[0] == folded


def test_nearest_names_the_longest_prefix_found():
    assert matching.nearest("md", "---\na: b\n---\nThe **quick** fox", "quick fix") == (7, 17)
    assert matching.nearest("txt", "abc", "xyz") == (0, None)


@needs_sources
def test_cnru_locate_prints_the_offsets_and_the_raw_span():
    quote = "Tulun International Holding Limited (Tulun International)"
    runner = CliRunner()
    # a package whose sources table names the Treasury text
    result = runner.invoke(app, ["locate", "ap-foxnews", "china has surged sales to russia",
                                 "--package", str(ROOT), "--sources-dir", str(SOURCES)])
    assert result.exit_code == 0, result.output
    start, end = locate(SOURCES / "000_c96755078a2571f9.txt", "china has surged sales to russia")
    assert result.stdout == f"{start} {end}\nchina has surged sales to russia\n"
    missing = runner.invoke(app, ["locate", "ap-foxnews", "china has surged salez",
                                  "--package", str(ROOT), "--sources-dir", str(SOURCES)])
    assert missing.exit_code == 1
    assert missing.stderr == (
        "Error: the quote is not in 000_c96755078a2571f9.txt under the matching rule for .txt "
        "files: its first 21 of 22 characters are found at offset 18, then the quote has 'z' "
        "where the text has 's to russia of machi'\n")
    unknown = runner.invoke(app, ["locate", "no-such-source", quote, "--package", str(ROOT)])
    assert unknown.exit_code == 2
    assert unknown.stderr == "Error: no source 'no-such-source' in data/sources.csv\n"
