"""The archived texts behind the `sources` table: present, unchanged (SHA-256), and loaded into
`context.source_texts` so that quotes can be checked against them."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .problems import Problem

BATCH_BYTES = 16 << 20  # texts held in Python at once, on their way to DuckDB
MAX_TEXT_BYTES = 50_000_000  # a larger file is refused, not read into memory


@dataclass(frozen=True)
class Archived:
    """A `sources` row whose archived file is present."""

    row: int
    source_id: str
    name: str
    expected: str | None  # archive_sha256
    file: Path


def load_source_texts(con: duckdb.DuckDBPyConnection, sources_dir: Path | None,
                      path: str) -> tuple[list[Problem], bool]:
    """Check each archived file and load its text; returns the problems and whether quotes can
    be checked at all (False when the sources directory is missing)."""
    # the only copy of the texts, which can be the largest thing held in memory
    con.execute("CREATE OR REPLACE TABLE context.source_texts (source_id VARCHAR, text VARCHAR)")
    if sources_dir is None:  # the user said not to check them (--no-sources)
        return [Problem.of("sources-not-checked", path, "quotes and hashes were not checked "
                           "(--no-sources)")], False
    if not sources_dir.is_dir():
        return [Problem.of("sources-dir-missing", path,
                           f"no sources directory at {sources_dir}, so no quote or hash can be "
                           "checked; point --sources-dir at the archived texts, or pass "
                           "--no-sources to validate without them")], False
    files = archived_files(sources_dir.resolve())
    problems, present = [], []
    rows = con.execute("SELECT _row, source_id, archive_file, archive_sha256 FROM typed.sources "
                       "WHERE source_id IS NOT NULL AND archive_file IS NOT NULL ORDER BY _row")
    for row, source_id, name, expected in rows.fetchall():
        if name in files:
            present.append(Archived(row, source_id, name, expected, files[name]))
        else:
            problems.append(Problem.of("source-file-missing", path,
                                       f"{name} is not in {sources_dir}", row=row,
                                       field="archive_file", value=name))
    if not present:
        return problems, True
    unreadable: list[tuple[Archived, OSError]] = []
    for batch in batches(present, unreadable):
        insert_texts(con, batch)
        problems += changed_texts(batch, path)
    problems += [Problem.of("source-file-missing", path,
                            f"{archived.name} cannot be read: {error.strerror or error}",
                            row=archived.row, field="archive_file", value=archived.name)
                 for archived, error in unreadable]
    return problems, True


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
    """A text that is not UTF-8 is empty: none of its quotes is found."""
    con.execute("""
        INSERT INTO context.source_texts
        SELECT source_id, coalesce(try(decode(content)), '')
        FROM (SELECT unnest($1::VARCHAR[]) AS source_id, unnest($2::BLOB[]) AS content)
    """, [[archived.source_id for archived, _ in batch], [content for _, content in batch]])
