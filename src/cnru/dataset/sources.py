"""The archived texts behind the `sources` table: present, unchanged (SHA-256), and loaded into
`context.source_texts` so that quotes can be checked against them under the matching rule
(matching.py): each text with its kind, its file and the text a quote is matched against (the
text itself for a plain text, the reader text for Markdown and JSON). They are looked up in the
package's `archive/` (the public-domain texts it ships) first, then in the sources directory.
`locate` gives where a quote stands in an archived file."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..engine.problems import Problem
from ..errors import CnruError, UsageError
from . import matching

BATCH_BYTES = 16 << 20  # texts held in Python at once, on their way to DuckDB
LARGE_TEXT = 1 << 18
MAX_TEXT_BYTES = 50_000_000  # a larger file is refused, not read into memory
ARCHIVE = "archive"  # the texts the package ships, looked up before the sources directory


def default_sources_dir(package_dir: Path) -> Path:
    """`sources/` in the package if it exists (where `tools/synth.py` writes its texts), else
    `../shared/sources` beside it."""
    inside = package_dir.resolve() / "sources"
    return inside if inside.is_dir() else package_dir.resolve().parent / "shared" / "sources"


@dataclass(frozen=True)
class Archived:
    """A `sources` row whose archived file is present."""

    row: int
    source_id: str
    name: str
    expected: str | None  # archive_sha256
    file: Path


@dataclass
class Located:
    """Where the sources' texts were found (folder label -> file names), and the texts that
    could not be checked because no sources directory was searched."""

    found: dict[str, list[str]]
    not_checked: list[str]


def load_source_texts(con: duckdb.DuckDBPyConnection, sources_dir: Path | None,
                      path: str, archive: Path | None = None,
                      ) -> tuple[list[Problem], bool, Located]:
    """Check each archived file and load its text, looking in the package's `archive` first
    and then in `sources_dir` (None: --no-sources); returns the problems, whether quotes can be
    checked at all, and where the texts were found."""
    # the only copy of the match texts, which can be the largest thing held in memory
    con.execute("CREATE OR REPLACE TABLE context.source_texts (source_id VARCHAR, kind VARCHAR, "
                "file VARCHAR, match_text VARCHAR)")
    shipped = archived_files(archive.resolve()) if archive is not None and archive.is_dir() else {}
    outside = sources_dir is not None and sources_dir.is_dir()
    located = Located({}, [])
    rows = con.execute("SELECT _row, source_id, archive_file, archive_sha256 FROM typed.sources "
                       "WHERE source_id IS NOT NULL AND archive_file IS NOT NULL ORDER BY _row"
                       ).fetchall()
    if not outside:
        located.not_checked = [name for _, _, name, _ in rows if name not in shipped]
        if sources_dir is None:  # the user said not to check them (--no-sources)
            problem = Problem.of("sources-not-checked", path, "quotes and hashes were not checked "
                                 "(--no-sources)" + unchecked(located, archive, shipped))
        else:
            problem = Problem.of(
                "sources-dir-missing", path,
                f"no sources directory at {sources_dir}, so no quote or hash can be checked"
                f"{unchecked(located, archive, shipped)}; point --sources-dir at the archived "
                "texts, or pass --no-sources to validate without them")
        if not shipped:
            return [problem], False, located
        problems = [problem] if located.not_checked else []
    else:
        problems = []
    files = {**(archived_files(sources_dir.resolve()) if outside else {}), **shipped}
    present = []
    for row, source_id, name, expected in rows:
        if name in files:
            present.append(Archived(row, source_id, name, expected, files[name]))
            label = f"{archive.name}/" if name in shipped else str(sources_dir)
            located.found.setdefault(label, []).append(name)
        elif outside:
            problems.append(Problem.of("source-file-missing", path,
                                       f"{name} is not in {sources_dir}", row=row,
                                       field="archive_file", value=name))
    if not present:
        return problems, True, located
    unreadable: list[tuple[Archived, OSError]] = []
    for batch in batches(present, unreadable):
        insert_texts(con, batch)
        problems += changed_texts(batch, path)
    problems += [Problem.of("source-file-missing", path,
                            f"{archived.name} cannot be read: {error.strerror or error}",
                            row=archived.row, field="archive_file", value=archived.name)
                 for archived, error in unreadable]
    return problems, True, located


def unchecked(located: Located, archive: Path | None, shipped: dict) -> str:
    """What a missing sources directory leaves unchecked, when the package ships some texts."""
    if not shipped or archive is None:
        return ""
    return (f" (except the texts in {archive.name}/: {len(located.not_checked)} source(s) "
            "not checked)")


def archived_files(root: Path) -> dict[str, Path]:
    """The files directly in `root`, by name; a symbolic link only if it stays inside. One
    listing, not a path lookup per source: ten thousand of those take a third of a second."""
    files = {}
    with os.scandir(root) as entries:
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                if stays_inside(path, root) and path.is_file():
                    files[entry.name] = path
            elif entry.is_file():
                files[entry.name] = path
    return files


def stays_inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop of links
        return False


def batches(present: list[Archived], unreadable: list[tuple[Archived, OSError]],
            ) -> Iterator[list[tuple[Archived, bytes]]]:
    """The present files with their bytes, about BATCH_BYTES at a time; those that cannot be
    read go to `unreadable`. Python reads them: for thousands of small files, DuckDB's
    `read_blob` spends three times the CPU."""
    batch, size = [], 0
    for archived in present:
        try:
            content = read_text(archived.file)
        except OSError as error:
            unreadable.append((archived, error))
            continue
        batch.append((archived, content))
        size += len(content)
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def read_text(file: Path) -> bytes:
    """The file's bytes, never more than MAX_TEXT_BYTES (asking for exactly its size: a read of
    MAX_TEXT_BYTES would allocate that much for every small file)."""
    with open(file, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        content = handle.read(min(size, MAX_TEXT_BYTES) + 1)
    if len(content) > MAX_TEXT_BYTES:
        raise OSError(errno.EFBIG, f"it is larger than {MAX_TEXT_BYTES:,} bytes")
    return content


def changed_texts(batch: list[tuple[Archived, bytes]], path: str) -> list[Problem]:
    """The texts whose SHA-256 is not their `archive_sha256`."""
    problems = []
    for archived, content in batch:
        actual = hashlib.sha256(content).hexdigest()
        if archived.expected is not None and actual != archived.expected:
            problems.append(Problem.of("source-hash-mismatch", path,
                                       f"{archived.name} has SHA-256 {actual}", row=archived.row,
                                       field="archive_sha256", value=archived.expected))
    return problems


def insert_texts(con: duckdb.DuckDBPyConnection, batch: list[tuple[Archived, bytes]]) -> None:
    """Each text's match text (matching.match_text: a plain text as it is) and its file, from
    which the raw text is read again where offsets are judged. A text that is not UTF-8 is
    empty: none of its quotes is found. The batch goes in one statement of list parameters (a
    plain text as its bytes, which DuckDB decodes), except a match text of LARGE_TEXT
    characters or more, which goes alone with scalar parameters: a list parameter costs DuckDB
    several times its size."""
    rows, large = [], []
    for archived, content in batch:
        kind = matching.kind_of(archived.name)
        text = None if kind == "txt" else matching.match_text(kind, decoded(content))
        if text is not None and len(text) >= LARGE_TEXT:
            large.append([archived.source_id, kind, str(archived.file), text])
        else:  # a plain text as its bytes: DuckDB decodes them
            rows.append([archived.source_id, kind, str(archived.file), text,
                         content if text is None else None])
    for row in large:
        con.execute("INSERT INTO context.source_texts VALUES (?, ?, ?, ?)", row)
    if rows:
        con.execute("INSERT INTO context.source_texts SELECT source_id, kind, file, "
                    "coalesce(match_text, try(decode(content)), '') FROM ("
                    "SELECT unnest($1::VARCHAR[]) AS source_id, unnest($2::VARCHAR[]) AS kind, "
                    "unnest($3::VARCHAR[]) AS file, unnest($4::VARCHAR[]) AS match_text, "
                    "unnest($5::BLOB[]) AS content)",
                    [list(column) for column in zip(*rows, strict=True)])


def archived_text(file: str) -> str:
    """An archived text read again, as load_source_texts read it (empty if it cannot be)."""
    try:
        return decoded(read_text(Path(file)))
    except OSError:
        return ""


def decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return ""


# ------------------------------------------------------------------ where a quote stands


class NotFound(CnruError):
    """A quote that is not in the archived text under the matching rule."""


def read_archived(path: str | os.PathLike) -> str:
    """An archived file's decoded text, as validation reads it."""
    try:
        content = read_text(Path(path))
    except OSError as error:
        raise UsageError(f"{path} cannot be read: {error.strerror or error}") from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None


def locate(path: str | os.PathLike, quote: str) -> tuple[int, int] | None:
    """The offsets [start, end) of the first match of `quote` in the archived file's raw
    decoded text (Unicode code points from 0), under the matching rule of its kind; None if
    the quote is not found. In a Markdown file the span takes in the markup around the match."""
    return matching.locate_in(matching.kind_of(path), read_archived(path), quote)


def nearest_place(kind: str, raw: str, quote: str, target: str | None = None,
                  mapped: matching.Reader | None = None) -> str:
    """Where the text comes closest to a quote it does not have: the longest prefix found.
    `target` and `mapped` are the text's match text and reader, if already made."""
    target = matching.match_text(kind, raw) if target is None else target
    length, offset = matching.nearest(kind, raw, quote, target, mapped)
    looked_for = matching.needle(kind, quote)
    if not length:
        return "not even its first character is in the text"
    found = f"its first {length} of {len(looked_for)} characters are found at offset {offset}"
    if offset is None:  # a prefix that ends in a folded space: found, but not located alone
        found = f"its first {length} of {len(looked_for)} characters are found"
    at = target.find(looked_for[:length]) + length
    return (f"{found}, then the quote has {looked_for[length:length + 20]!r} where the text has "
            f"{target[at:at + 20]!r}")


def text_again(con: duckdb.DuckDBPyConnection, source_id: str) -> tuple[str, str]:
    """A loaded source's kind, and its raw text read again from its file."""
    kind, file = con.execute("SELECT kind, file FROM context.source_texts WHERE source_id = $1",
                             [source_id]).fetchone()
    return kind, archived_text(file)


def mapped_text(con: duckdb.DuckDBPyConnection,
                source_id: str) -> tuple[str, str, matching.Reader | None]:
    """text_again, and the reader that maps its match text to raw offsets (None for a plain
    text, which is its own match text)."""
    kind, raw = text_again(con, source_id)
    return kind, raw, matching.reader(kind, raw)


class Nearest:
    """`nearest_place` for many quotes, each text read and mapped once however many of its
    quotes are not found."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.texts: dict[str, tuple[str, str, matching.Reader | None]] = {}

    def __call__(self, source_id: str, quote: str) -> str:
        if source_id not in self.texts:
            with self.con.cursor() as con:  # a connection of its own: others' results stay
                self.texts = {source_id: mapped_text(con, source_id)}
        kind, raw, mapped = self.texts[source_id]
        rule = "exact" if kind == "txt" else f"{kind} reader text, whitespace folded"
        target = raw if mapped is None else mapped.text
        return f"({rule}): {nearest_place(kind, raw, quote, target, mapped)}"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    span: str  # the raw text at [start, end)


def locate_source(package: str | os.PathLike, source_id: str, quote: str,
                  sources_dir: str | os.PathLike | None = None) -> Span:
    """`locate` for a source of a package, by its `source_id`; raises NotFound (naming the
    nearest place) if the quote is not there."""
    import csv

    from ..engine.descriptor import load_package

    loaded = load_package(package)
    resource = next((r for r in loaded.resources if r.name == "sources"), None)
    if resource is None or not resource.path.is_file():
        raise UsageError("the package has no sources table")
    with open(resource.path, encoding="utf-8", newline="") as handle:
        row = next((r for r in csv.DictReader(handle) if r.get("source_id") == source_id), None)
    if row is None:
        raise UsageError(f"no source {source_id!r} in {resource.relpath}")
    directory = Path(sources_dir) if sources_dir else default_sources_dir(loaded.root)
    name = row.get("archive_file") or ""
    shipped = loaded.root / ARCHIVE
    files = {**(archived_files(directory.resolve()) if directory.is_dir() else {}),
             **(archived_files(shipped.resolve()) if shipped.is_dir() else {})}
    if name not in files:
        raise UsageError(f"{name or 'the archive file'} of {source_id} is neither in "
                         f"{ARCHIVE}/ nor in {directory}")
    raw, kind = read_archived(files[name]), matching.kind_of(name)
    located = matching.locate_in(kind, raw, quote)
    if located is None:
        raise NotFound(f"the quote is not in {name} under the matching rule for .{kind} "
                       f"files: {nearest_place(kind, raw, quote)}")
    start, end = located
    return Span(start, end, raw[start:end])


def check_offsets(con: duckdb.DuckDBPyConnection) -> None:
    """Judge each evidence row's `quote_start`/`quote_end` against its archived text into
    `context.quote_offsets`: whether the raw span matches the quote, and where the quote's
    first match is when it does not. Python, because Markdown and JSON offsets need the
    reader text's map; few rows have offsets, and each text is mapped once."""
    con.execute("CREATE OR REPLACE TABLE context.quote_offsets (resource VARCHAR, _row BIGINT, "
                "field VARCHAR, quote_start BIGINT, ok BOOLEAN, found_start BIGINT, "
                "found_end BIGINT)")
    rows = con.execute("""
        SELECT resource, _row, quote, quote_start, quote_end, source_id
        FROM context.evidence_offsets
        WHERE quote_start IS NOT NULL AND quote_end IS NOT NULL AND quote IS NOT NULL
              AND source_id IN (SELECT source_id FROM context.source_texts)
        ORDER BY source_id, resource, _row
    """).fetchall()
    verdicts, text_of = [], None
    for resource, row, quote, start, end, source_id in rows:
        if text_of != source_id:  # one text at a time, read once, not per row (its reader
            text_of, (kind, raw) = source_id, text_again(con, source_id)  # is kept: RECENT)
        ok = matching.span_matches(kind, raw, quote, start, end)
        found = None if ok else matching.locate_in(kind, raw, quote)
        verdicts.append((resource, row, "quote_start", start, ok,
                         *(found if found else (None, None))))
    if verdicts:  # one statement, not one per row
        columns = list(zip(*verdicts, strict=True))
        con.execute("INSERT INTO context.quote_offsets SELECT unnest($1::VARCHAR[]), "
                    "unnest($2::BIGINT[]), unnest($3::VARCHAR[]), unnest($4::BIGINT[]), "
                    "unnest($5::BOOLEAN[]), unnest($6::BIGINT[]), unnest($7::BIGINT[])",
                    [list(column) for column in columns])
