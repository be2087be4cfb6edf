"""The archived texts behind the `sources` table: present, unchanged (SHA-256), and loaded into
`context.source_texts` so that quotes can be checked against them. They are looked up in the
package's `archive/` (the public-domain texts it ships) first, then in the sources directory."""

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
    # the only copy of the texts, which can be the largest thing held in memory
    con.execute("CREATE OR REPLACE TABLE context.source_texts (source_id VARCHAR, text VARCHAR)")
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
    """A text that is not UTF-8 is empty: none of its quotes is found."""
    con.execute("""
        INSERT INTO context.source_texts
        SELECT source_id, coalesce(try(decode(content)), '')
        FROM (SELECT unnest($1::VARCHAR[]) AS source_id, unnest($2::BLOB[]) AS content)
    """, [[archived.source_id for archived, _ in batch], [content for _, content in batch]])
