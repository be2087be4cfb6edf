"""The archived texts behind the `sources` table: present, unchanged (SHA-256), and loaded into
`context.archive` (read through the view `context.source_texts`) so that quotes can be checked
against them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .problems import Problem


def load_source_texts(con: duckdb.DuckDBPyConnection, sources_dir: Path | None,
                      path: str) -> tuple[list[Problem], bool]:
    """Check each archived file and load its text; returns the problems and whether quotes can
    be checked at all (False when the sources directory is missing)."""
    con.execute("CREATE OR REPLACE TABLE context.archive (_row BIGINT, source_id VARCHAR, "
                "archive_file VARCHAR, archive_sha256 VARCHAR, actual VARCHAR, text VARCHAR)")
    # a view, not a copy: the texts can be the largest thing held in memory
    con.execute("CREATE OR REPLACE VIEW context.source_texts AS "
                "SELECT source_id, coalesce(text, '') AS text FROM context.archive")
    if sources_dir is None or not sources_dir.is_dir():
        return [Problem.of("sources-dir-missing", path,
                           f"no sources directory at {sources_dir}; quotes and hashes were "
                           "not checked")], False
    root = sources_dir.resolve()
    problems, present = [], []
    rows = con.execute("SELECT _row, source_id, archive_file FROM typed.sources "
                       "WHERE source_id IS NOT NULL AND archive_file IS NOT NULL ORDER BY _row")
    for row, source_id, name in rows.fetchall():
        file = (root / name).resolve()  # the schema's pattern already keeps names plain
        if file.is_relative_to(root) and file.is_file():
            present.append((row, source_id, str(file)))
        else:
            problems.append(Problem.of("source-file-missing", path,
                                       f"{name} is not in the sources directory", row=row,
                                       field="archive_file", value=name))
    if not present:
        return problems, True
    rows, ids, files = (list(column) for column in zip(*present, strict=True))
    # DuckDB reads and hashes the files in parallel; text is NULL if a file is not UTF-8
    con.execute("""
        INSERT INTO context.archive
        WITH listed AS (
            SELECT unnest($1::BIGINT[]) AS _row, unnest($2::VARCHAR[]) AS source_id,
                   unnest($3::VARCHAR[]) AS filename
        )
        SELECT listed._row, listed.source_id, sources.archive_file, sources.archive_sha256,
               sha256(blob.content) AS actual, try(decode(blob.content)) AS text
        FROM listed
        JOIN read_blob($3) AS blob USING (filename)
        JOIN typed.sources AS sources USING (_row)
    """, [rows, ids, files])
    changed = con.execute("SELECT _row, archive_file, archive_sha256, actual FROM context.archive "
                          "WHERE archive_sha256 IS NOT NULL AND actual <> archive_sha256 "
                          "ORDER BY _row").fetchall()
    problems += [Problem.of("source-hash-mismatch", path, f"{name} has SHA-256 {actual}",
                            row=row, field="archive_sha256", value=expected)
                 for row, name, expected, actual in changed]
    return problems, True
