"""`build/excel/<table>.csv`: each table as a CSV that Excel opens as it is: UTF-8 with a byte
order mark (without one, Excel reads the file in the machine's legacy code page and garbles
every non-ASCII character), CRLF line ends, and no cell that Excel would run as a formula: a
cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with an
apostrophe, unless it is a plain number (`-5`, `+1.5`). DuckDB reads each CSV as text and
writes it again, cell for cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ..engine.diff import csv_source, header_of
from ..engine.schema_sql import ident, literal

FOLDER = "excel"
BOM = b"\xef\xbb\xbf"
FORMULA_START = "^[=+@\\t\\r-]"
NUMBER = "[-+]?[0-9]+(\\.[0-9]+)?"


def safe(column: str) -> str:
    """SQL: the cell, prefixed with an apostrophe if Excel would run it as a formula."""
    return (f"CASE WHEN regexp_matches({column}, {literal(FORMULA_START)}) AND NOT "
            f"regexp_full_match({column}, {literal(NUMBER)}) THEN '''' || {column} "
            f"ELSE {column} END")


def write_table(con: duckdb.DuckDBPyConnection, source: Path, target: Path) -> None:
    columns = ", ".join(f"{safe(ident(name))} AS {ident(name)}" for name in header_of(source))
    body = target.with_name(f".{target.name}.body")
    con.execute(f"COPY (SELECT {columns} FROM {csv_source(source)}) TO {literal(str(body))} "
                f"(HEADER, NEW_LINE '\r\n')")
    with open(target, "wb") as out, open(body, "rb") as rows:
        out.write(BOM)
        shutil.copyfileobj(rows, out, 1 << 20)
    body.unlink()


def write(con: duckdb.DuckDBPyConnection, resources, out: Path) -> list[Path]:
    """One file per resource (its CSV at `resource.path`), named after the resource."""
    folder = out / FOLDER
    folder.mkdir()
    written = []
    for resource in resources:
        target = folder / f"{resource.name}.csv"
        write_table(con, resource.path, target)
        written.append(target)
    return written
