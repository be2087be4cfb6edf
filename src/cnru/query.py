"""`run_query(database, sql)`: a user's SQL against the built database, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .errors import QueryError, first_line


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def run_query(database: Path, sql: str) -> QueryResult:
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    with duckdb.connect(str(database), read_only=True, config=config) as con:
        try:
            result = con.execute(sql)
            columns = [d[0] for d in result.description] if result.description else []
            rows = result.fetchall() if result.description else []
        except duckdb.Error as error:
            raise QueryError(first_line(error)) from None
    return QueryResult(columns, rows)


def markdown(result: QueryResult) -> str:
    """The result as a Markdown table (as the README shows results)."""
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(result.columns) + " |",
             "|" + "|".join("---" for _ in result.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in result.rows]
    return "\n".join(lines)
