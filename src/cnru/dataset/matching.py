"""The matching rule: when the words of a row are "in" an archived text, by the file's kind.

- `.txt`: an exact substring of the decoded text.
- `.md`: a substring of the file's reader text, whitespace folded on both sides. The reader
  text keeps the YAML front matter as is; in the body, links `[text](url)` become `text`,
  emphasis markers (`**`, `__`, `*`, `_`) go, and so do heading markers, list bullets and `>`
  at the start of a line.
- `.json`: a substring of one of the file's decoded string values (not keys), whitespace
  folded on both sides.

Unicode is compared as is: no case folding, no NFC, curly quotes stay curly. Whitespace is
ASCII whitespace and Unicode's space separators (a no-break space folds like a space).

The reader text is made by hand, not by a Markdown library, because the offsets matter: a
contributor records where a quote stands in the raw file (`quote_start`, `quote_end`), and
Markdown libraries (markdown-it, marko) give line numbers for blocks but no character offsets
for inline text. Every step only drops characters, so each character of the reader text
remembers its offset in the raw text.
"""

from __future__ import annotations

import functools
import json
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import PurePath

# The same class in Python's syntax and in RE2's (DuckDB); a test checks that they agree.
SPACE_PATTERN = "[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
SPACE_PATTERN_RE2 = ("[\\t\\n\\v\\f\\r \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}"
                     "\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+")
SPACES = re.compile(SPACE_PATTERN)
# all but a lone space: two or more, or one that is not a space (each pattern here that can
# begins with a character, not a lookaround, so that the engine skips to where one can start)
UNFOLDED = re.compile(f"{SPACE_PATTERN[:-1]}{{2,}}|{SPACE_PATTERN[:-1].replace(' ', '', 1)}")

FRONT_MATTER = re.compile(r"---[ \t]*\r?\n.*?^---[ \t]*$", re.S | re.M)
LINK = re.compile(r"\[(?<!\\\[)([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
LINE_MARKER = re.compile(r"^[ \t]*(?:(?:>[ \t]?)+|#{1,6}[ \t]+|[-*+][ \t]+)", re.M)
EMPHASIS = re.compile(r"\*(?<!\\\*)\**|_(?<!\\_)_*")  # a run not after a backslash
JSON_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"(\s*:)?', re.S)  # unrolled: twice as fast
CONTROL = re.compile("[\x00-\x1f]")  # never raw in a JSON string
# what keeps a JSON string's content from being its value as it stands, whitespace folded: a
# control byte, an escape, whitespace other than a space, or two spaces (this pattern, and a
# search for two spaces: five times faster than one pattern with a lookahead)
NOT_AS_IS = re.compile("[\x00-\x1f\\\\" + SPACE_PATTERN[1:-2].replace(" ", "") + "]")
KEY_END = re.compile(r"\s*:")  # after the closing quote of a key
QUOTE = re.compile('"')
JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)
KEPT = re.compile(b"\\x00+")  # the runs of characters markdown_kept keeps
SEPARATOR = "\n"  # between JSON values: a folded quote never contains it
KINDS = {".md": "md", ".json": "json"}


def kind_of(name: str | PurePath) -> str:
    """`txt`, `md` or `json`, from the file name's extension (anything else is plain text)."""
    return KINDS.get(PurePath(name).suffix.lower(), "txt")


def fold(text: str) -> str:
    """Runs of whitespace become one space."""
    return SPACES.sub(" ", text)


@dataclass(frozen=True)
class Reader:
    """A text to match against, and for each of its characters the raw span it stands for."""

    text: str
    starts: Sequence[int]  # arrays or runs (JSON) of offsets: a large text has millions
    ends: Sequence[int]


class Runs(Sequence):
    """Raw offsets, one per character of a reader text, stored as runs in which each character
    stands one after the other: a text's million characters are a few thousand runs."""

    def __init__(self):
        self.at, self.base, self.length = array("q"), array("q"), 0

    @classmethod
    def of(cls, at: array, base: array, length: int) -> Runs:
        """Runs from their starts in the reader text (`at`, rising) and their raw offsets."""
        runs = cls()
        runs.at, runs.base, runs.length = at, base, length
        return runs

    def add(self, base: int, count: int = 1) -> None:
        """The next `count` characters stand at base, base + 1, ..."""
        if count <= 0:
            return
        if not self.at or self.base[-1] + self.length - self.at[-1] != base:
            self.at.append(self.length)
            self.base.append(base)
        self.length += count

    def take(self, source: Sequence[int], start: int, end: int) -> None:
        """Add the offsets of `source`'s characters start, ..., end - 1: run by run for Runs."""
        if not isinstance(source, Runs):
            for base in source[start:end]:
                self.add(base)
            return
        run = bisect_right(source.at, start) - 1
        while start < end:
            run_end = source.at[run + 1] if run + 1 < len(source.at) else source.length
            count = min(end, run_end) - start
            self.add(source.base[run] + start - source.at[run], count)
            start += count
            run += 1

    def __len__(self) -> int:
        return self.length

    def __iter__(self):
        for run, (at, base) in enumerate(zip(self.at, self.base, strict=True)):
            end = self.at[run + 1] if run + 1 < len(self.at) else self.length
            yield from range(base, base + end - at)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.length))]
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        run = bisect_right(self.at, index) - 1
        return self.base[run] + index - self.at[run]


# ------------------------------------------------------------------ Markdown


def markdown_kept(raw: str) -> list[tuple[int, int]]:
    """The raw ranges [a, b) that the reader text keeps, in order."""
    front = FRONT_MATTER.match(raw)
    body = front.end() if front else 0
    dropped = bytearray(len(raw))  # 1 where the reader text drops the character
    for match in LINK.finditer(raw, body):
        dropped[match.start()] = 1
        dropped[match.end(1):match.end()] = b"\1" * (match.end() - match.end(1))
    for match in LINE_MARKER.finditer(raw, body):
        dropped[match.start():match.end()] = b"\1" * (match.end() - match.start())
    for match in EMPHASIS.finditer(raw, body):
        start, end = match.span()
        if any(dropped[start:end]) or not is_emphasis(raw, start, end):
            continue
        dropped[start:end] = b"\1" * (end - start)
    return [match.span() for match in KEPT.finditer(dropped)]


def is_emphasis(raw: str, start: int, end: int) -> bool:
    """A run of `*` or `_` that touches a word on one side (CommonMark's flanking, simplified);
    an underscore inside a word (`snake_case`) is not emphasis."""
    before = raw[start - 1] if start else " "
    after = raw[end] if end < len(raw) else " "
    left, right = not after.isspace(), not before.isspace()
    if raw[start] == "_":
        return (left and not before.isalnum()) or (right and not after.isalnum())
    return left or right


def reader_text(raw: str) -> str:
    """The Markdown file's reader text, before whitespace is folded."""
    return "".join(raw[a:b] for a, b in markdown_kept(raw))


def markdown_reader(raw: str) -> Reader:
    kept = markdown_kept(raw)
    starts, ends = Runs(), Runs()
    for a, b in kept:  # each kept range is a run of characters
        starts.add(a, b - a)
        ends.add(a + 1, b - a)
    return folded("".join(raw[a:b] for a, b in kept), starts, ends)


def folded(text: str, starts: Sequence[int], ends: Sequence[int]) -> Reader:
    """Whitespace folded; a folded space stands for its whole run."""
    if not UNFOLDED.search(text):  # every run is one space already: most JSON values
        return Reader(text, starts, ends)
    out, out_starts, out_ends, at = [], Runs(), Runs(), 0
    for match in UNFOLDED.finditer(text):
        out.append(text[at:match.start()])
        out_starts.take(starts, at, match.start())
        out_ends.take(ends, at, match.start())
        out.append(" ")
        out_starts.add(starts[match.start()])
        out_ends.add(ends[match.end() - 1])
        at = match.end()
    out.append(text[at:])
    out_starts.take(starts, at, len(text))
    out_ends.take(ends, at, len(text))
    return Reader("".join(out), out_starts, out_ends)


# ------------------------------------------------------------------ JSON


def json_values(raw: str):
    """Each string value (not a key) of the JSON text: its literal match."""
    for match in JSON_STRING.finditer(raw):
        if match.group(2) is None:
            yield match


def decoded(literal: str) -> str | None:
    content = literal[1:-1]
    if "\\" not in content:  # no escape: the content is the value, if no control byte is raw
        return None if CONTROL.search(content) else content
    try:
        return json.loads(literal)
    except ValueError:  # not a valid JSON string: no value to match
        return None


def json_text(raw: str) -> str | None:
    """The JSON reader's text, from the document json.loads parses (a quarter of the time of
    the reader, which also maps every character to its offsets); None if the text is not
    JSON, which only the reader reads."""
    try:
        # an object as the list of its values, in order, a repeated key's kept
        document = json.loads(raw, object_pairs_hook=lambda pairs: [v for _, v in pairs])
    except (ValueError, RecursionError):
        return None
    values, stack = [], [iter((document,))]
    while stack:  # depth first, in the order of the text
        for node in stack[-1]:
            if isinstance(node, str):
                values.append(node)
            elif isinstance(node, list):
                stack.append(iter(node))
                break
        else:
            stack.pop()
    for number in not_as_is(values):
        values[number] = fold(values[number])
    return SEPARATOR.join(values)


def json_span_matches(raw: str, text: str, start: int, end: int) -> bool | None:
    """span_matches for a span inside one string of a JSON text, from that string alone: None
    if the span is not inside one string, or the text has an escaped quote (then every quote
    is not the end of a string), for the whole reader to answer."""
    quotes = quote_offsets(raw)
    after = bisect_left(quotes, start) if quotes is not None else 0
    if after % 2 == 0 or after == len(quotes) or quotes[after] < end:
        return None
    opening, closing = quotes[after - 1], quotes[after]
    value = value_reader(raw[opening + 1:closing], opening + 1)
    if KEY_END.match(raw, closing + 1) or value is None:
        return False  # a key, or not a JSON string: not in the match text
    return span_in(value, text, start, end)


@functools.lru_cache(maxsize=1)  # for each span of the text
def quote_offsets(raw: str) -> array | None:
    """Where the text's quotes are, if none is escaped: each opens or closes a string."""
    if '\\"' in raw:
        return None
    return array("q", (match.start() for match in QUOTE.finditer(raw)))


def json_reader(raw: str) -> Reader:
    """Each string value (not key) decoded and whitespace folded, one SEPARATOR between. The
    separator stands for the closing quote of the value before it."""
    return joined_values([(match.group(1), match.start(1)) for match in json_values(raw)])


def joined_values(values: list[tuple[str, int]]) -> Reader:
    """The reader text of JSON string values (each content with its raw offset). A value that
    stands as it is (most do) is one run of offsets, the separator after it included, which
    stands for its closing quote; a value that does not (an escape, whitespace to fold) is
    decoded with the offsets of each character, and one that is not a valid JSON string is
    left out."""
    changed = {number: value_reader(*values[number])
               for number in sorted(not_as_is([content for content, _ in values]))}
    # a value that is not a valid JSON string: the text is not JSON; the others, without it
    if invalid := {number for number, value in changed.items() if value is None}:
        return joined_values([value for number, value in enumerate(values)
                              if number not in invalid])
    texts = [content for content, _ in values]
    for number, value in changed.items():
        texts[number] = value.text
    at = array("q", accumulate((len(text) + 1 for text in texts), initial=0))[:-1]
    starts = array("q", (offset for _, offset in values))
    ends = array("q", (offset + 1 for offset in starts))
    length = at[-1] + len(texts[-1]) if texts else 0
    if changed:  # their runs in place of the one run each would have
        at, starts, ends = spliced(values, changed, at, starts, ends)
    return Reader(SEPARATOR.join(texts), Runs.of(at, starts, length), Runs.of(at, ends, length))


def spliced(values, changed, at, starts, ends):
    """The runs of offsets with each changed value's characters in place of its one run."""
    runs, before = (array("q"), array("q"), array("q")), 0
    for number, value in changed.items():
        for kept, part in zip(runs, (at, starts, ends), strict=True):
            kept.extend(part[before:number])
        kept_at, kept_starts, kept_ends = runs
        position = at[number]
        spans = zip(value.starts, value.ends, strict=True)
        if number + 1 < len(values):  # the separator: the closing quote
            closing = values[number][1] + len(values[number][0])
            spans = [*spans, (closing, closing + 1)]
        for start, end in spans:
            along = position - kept_at[-1] if kept_at else 0  # the run before, if it goes on
            if not kept_at or start != kept_starts[-1] + along or end != kept_ends[-1] + along:
                kept_at.append(position)
                kept_starts.append(start)
                kept_ends.append(end)
            position += 1
        before = number + 1
    for kept, part in zip(runs, (at, starts, ends), strict=True):
        kept.extend(part[before:])
    return runs


def value_reader(content: str, offset: int) -> Reader | None:
    """One JSON string's value (its content at raw `offset`), decoded and whitespace folded,
    with the raw span of each character; None if it is not a valid JSON string."""
    if decoded(f'"{content}"') is None:
        return None
    return folded(*decode_with_offsets(content, offset))


def not_as_is(contents: list[str]) -> set[int]:
    """The indexes of the contents that are not their values as they stand, whitespace folded
    (NOT_AS_IS, or two spaces): a search of each, as fast as one of them all joined, without
    a copy of them all."""
    search = NOT_AS_IS.search
    return {number for number, content in enumerate(contents)
            if search(content) or "  " in content}


def decode_with_offsets(content: str, offset: int,
                        ) -> tuple[str, Sequence[int], Sequence[int]]:
    """A JSON string's content decoded, each character with the raw span of its escape."""
    if "\\" not in content:  # no escape: each character is its own span
        return content, range(offset, offset + len(content)), range(
            offset + 1, offset + len(content) + 1)
    chars, starts, ends, at = [], [], [], 0
    for match in JSON_ESCAPE.finditer(content):
        for index in range(at, match.start()):
            chars.append(content[index])
            starts.append(offset + index)
            ends.append(offset + index + 1)
        code = match.group(1)
        char = (chr(int(code, 16)) if code else
                {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(match.group(0)[1],
                                                                          match.group(0)[1]))
        if (code and chars and 0xDC00 <= ord(char) <= 0xDFFF
                and 0xD800 <= ord(chars[-1]) <= 0xDBFF and ends[-1] == offset + match.start()):
            chars[-1] = chr(0x10000 + (ord(chars[-1]) - 0xD800) * 0x400 + ord(char) - 0xDC00)
            ends[-1] = offset + match.end()
        else:
            chars.append(char)
            starts.append(offset + match.start())
            ends.append(offset + match.end())
        at = match.end()
    for index in range(at, len(content)):
        chars.append(content[index])
        starts.append(offset + index)
        ends.append(offset + index + 1)
    return "".join(chars), starts, ends


# ------------------------------------------------------------------ the rule


def match_text(kind: str, raw: str) -> str:
    """What a (folded) quote must be a substring of: the raw text itself for `txt`."""
    if kind == "json" and (text := json_text(raw)) is not None:
        return text
    mapped = reader(kind, raw)
    return raw if mapped is None else mapped.text


def needle(kind: str, quote: str) -> str:
    """The quote as it is looked for in a text of this kind."""
    return quote if kind == "txt" else fold(quote)


def reader(kind: str, raw: str) -> Reader | None:
    """The match text with raw offsets; None for `txt`, whose offsets are its own."""
    if kind not in READERS:
        return None
    return RECENT.get(kind, raw)


READERS = {"md": markdown_reader, "json": json_reader}


class Recent:
    """The readers of the texts mapped last, up to `limit` characters of raw text in all: a
    text is mapped for its match text when it is loaded, and again if its offsets are checked."""

    def __init__(self, limit: int):
        self.limit, self.size, self.held = limit, 0, OrderedDict()

    def get(self, kind: str, raw: str) -> Reader:
        key = (kind, raw)
        if key in self.held:
            self.held.move_to_end(key)
            return self.held[key]
        mapped = self.held[key] = READERS[kind](raw)
        self.size += len(raw)
        while self.size > self.limit and len(self.held) > 1:
            (_, dropped), _ = self.held.popitem(last=False)
            self.size -= len(dropped)
        return mapped


RECENT = Recent(4 << 20)


def locate_in(kind: str, raw: str, quote: str,
              mapped: Reader | None = None) -> tuple[int, int] | None:
    """The raw offsets [start, end) of the first match, or None. In Markdown the span takes in
    the markup the reader text drops around it (`**Name**`, `[text](url)`), up to the next
    character the reader text keeps, so that the raw span reads as a whole."""
    text = needle(kind, quote)
    if not text:
        return None
    mapped = mapped or reader(kind, raw)
    if mapped is None:
        at = raw.find(text)
        return None if at < 0 else (at, at + len(text))
    at = mapped.text.find(text)
    if at < 0:
        return None
    last = at + len(text) - 1
    if kind != "md":
        return mapped.starts[at], mapped.ends[last]
    start = mapped.ends[at - 1] if at else body_start(raw, mapped.starts[at])
    end = mapped.starts[last + 1] if last + 1 < len(mapped.text) else len(raw)
    return start, end


def body_start(raw: str, first: int) -> int:
    """Where the raw span of a match at the reader text's start may begin: after the front
    matter, or at its first kept character inside it."""
    front = FRONT_MATTER.match(raw)
    return front.end() if front and first >= front.end() else first


def span_matches(kind: str, raw: str, quote: str, start: int, end: int,
                 mapped: Reader | None = None) -> bool:
    """Whether the raw span [start, end) matches the quote: its characters, as the match text
    has them, are the quote (folded as the kind requires)."""
    text = needle(kind, quote)
    if not 0 <= start < end <= len(raw) or not text:
        return False
    if kind == "json" and mapped is None and (  # most spans are inside a string: read it alone
            alone := json_span_matches(raw, text, start, end)) is not None:
        return alone
    mapped = mapped or reader(kind, raw)
    if mapped is None:
        return raw[start:end] == text
    return span_in(mapped, text, start, end)


def span_in(mapped: Reader, text: str, start: int, end: int) -> bool:
    """Whether the reader's characters from the raw span [start, end) are `text`."""
    first, last = bisect_left(mapped.starts, start), bisect_left(mapped.starts, end)
    inside = range(first, last)  # the characters whose raw span starts in [start, end)
    if not inside or mapped.ends[inside[-1]] > end:
        return False
    return "".join(mapped.text[index] for index in inside) == text


def nearest(kind: str, raw: str, quote: str, target: str | None = None,
            mapped: Reader | None = None) -> tuple[int, int | None]:
    """The longest prefix of the quote (as looked for) that the text has, and the raw offset
    of its first occurrence: (0, None) if not even the first character is there. `target`
    and `mapped` are the text's match text and reader, if already made."""
    text = needle(kind, quote)
    target = match_text(kind, raw) if target is None else target
    low, high = 0, len(text)  # the prefix of length `low` is found; find the longest
    while low < high:
        middle = (low + high + 1) // 2
        if text[:middle] in target:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return 0, None
    located = locate_in(kind, raw, text[:low], mapped)
    return low, located[0] if located else None
