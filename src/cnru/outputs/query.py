"""`run_query(database, sql)`: a user's SQL against the built database, read only.

Only SELECT statements (and EXPLAIN of them) run: no ATTACH, USE, DETACH, COPY, SET, INSTALL,
on a connection opened read only with its settings locked: a query reads the database (and any file
it names: that is the user's own business) and changes nothing, the build least of all.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..engine.descriptor import find_descriptor
from ..errors import DatabaseMissing, QueryError, UnsafeSQL, UsageError, first_line

DATABASE = "cnru.duckdb"
DEFAULT_BUILD = "build"
EXPLAIN = duckdb.StatementType.EXPLAIN
EXPLAINED = re.compile(r"\s*EXPLAIN\s+(ANALYZE\s+)?(?P<statement>.*)", re.IGNORECASE | re.DOTALL)


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def locate_database(package: str | os.PathLike, database: str | os.PathLike | None) -> Path:
    """The database to query: `database` if it exists; else the package's default build's
    (`<package>/build/cnru.duckdb`, which the caller builds if it is missing). A missing
    database anywhere else is `DatabaseMissing`: nothing is built because of a mistyped path."""
    if database is not None and Path(database).is_file():
        if not is_duckdb_file(Path(database)):
            raise UsageError(f"{database} is not a DuckDB database: give the cnru.duckdb that "
                             "`cnru build` writes, or leave out --db")
        return Path(database)
    default = find_descriptor(package).parent.resolve() / DEFAULT_BUILD / DATABASE
    if database is None or Path(database).resolve() == default:
        return default
    raise DatabaseMissing(f"no database at {database}: run `cnru build` first, or leave out "
                          f"--db to query (and if need be build) {default}")


def is_duckdb_file(path: Path) -> bool:
    """Whether the file starts as a DuckDB database does (`DUCK` at byte 8), read without
    DuckDB, which would take any other file for a database to open."""
    try:
        with open(path, "rb") as file:
            return file.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def check_reading(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """`sql` is one or more statements that only read; else UsageError. `con` parses it (a
    connection of its own if None)."""
    parser = con or duckdb.connect()
    try:
        kinds = statement_kinds(parser, sql)
    finally:
        if con is None:
            parser.close()
    if not kinds:
        raise UsageError("the SQL is empty: give a query such as \"SELECT count(*) FROM claims\"")
    for number, kind in enumerate(kinds, 1):
        if kind is not duckdb.StatementType.SELECT:
            raise UnsafeSQL(f"statement {number} is {kind.name}: cnru query runs only "
                            "SELECT statements, and EXPLAIN of them (the database is read only)")


def statement_kinds(parser: duckdb.DuckDBPyConnection, sql: str) -> list:
    """Each statement's type; an EXPLAIN's is that of the one statement it explains, since
    EXPLAIN ANALYZE runs it (EXPLAIN itself if that does not parse as one statement)."""
    try:
        statements = parser.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryError(first_line(error)) from None
    kinds = []
    for statement in statements:
        kind = statement.type
        explained = EXPLAINED.fullmatch(statement.query) if kind is EXPLAIN else None
        if explained:
            try:
                inner = parser.extract_statements(explained["statement"])
            except duckdb.Error:
                inner = []
            kind = inner[0].type if len(inner) == 1 else kind
        kinds.append(kind)
    return kinds


def run_query(database: Path, sql: str) -> QueryResult:
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
              "lock_configuration": True}
    with duckdb.connect(str(database), read_only=True, config=config) as con:
        check_reading(sql, con)
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
