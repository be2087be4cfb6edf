"""The archived texts behind the `sources` table: present, unchanged (SHA-256), and loaded into
`context.source_texts` so that quotes can be checked against them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from .problems import Problem

MAX_TEXT_BYTES = 50_000_000


def load_source_texts(con: duckdb.DuckDBPyConnection, sources_dir: Path | None,
                      path: str) -> tuple[list[Problem], bool]:
    """Check each archived file and load its text; returns the problems and whether quotes can
    be checked at all (False when the sources directory is missing)."""
    con.execute("CREATE OR REPLACE TABLE context.source_texts (source_id VARCHAR, text VARCHAR)")
    if sources_dir is None or not sources_dir.is_dir():
        return [Problem.of("sources-dir-missing", path,
                           f"no sources directory at {sources_dir}; quotes and hashes were "
                           "not checked")], False
    root = sources_dir.resolve()
    problems, texts = [], []
    rows = con.execute("SELECT _row, source_id, archive_file, archive_sha256 FROM typed.sources "
                       "WHERE source_id IS NOT NULL AND archive_file IS NOT NULL ORDER BY _row")
    for row, source_id, name, expected in rows.fetchall():
        file = (root / name).resolve()
        if not file.is_relative_to(root) or not file.is_file():
            problems.append(Problem.of("source-file-missing", path,
                                       f"{name} is not in the sources directory", row=row,
                                       field="archive_file", value=name))
            continue
        with open(file, "rb") as handle:
            data = handle.read(MAX_TEXT_BYTES)
        actual = hashlib.sha256(data).hexdigest()
        if expected and actual != expected:
            problems.append(Problem.of("source-hash-mismatch", path,
                                       f"{name} has SHA-256 {actual}", row=row,
                                       field="archive_sha256", value=expected))
        texts.append((source_id, data.decode("utf-8", errors="replace")))
    if texts:
        con.executemany("INSERT INTO context.source_texts VALUES (?, ?)", texts)
    return problems, True
