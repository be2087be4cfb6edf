"""Load a resource's CSV into DuckDB, after the checks a file must pass first.

Every cell is read as text and cast in the same scan that checks it (schema_sql.load_table), so
one bad date is one problem, not a dropped row. Rows keep their data-row number (`_row`,
1-based, as frictionless counts them less the header).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from .descriptor import Resource, as_list
from .errors import first_line
from .patterns import re2_problem
from .problems import Problem
from .schema_sql import EMPTY_KEY, EXTRA, ROWS, TYPED, literal, load_table, table, typed_view

SNIFF_BYTES = 1 << 20
ROW_GROUP_ROWS = 122_880  # DuckDB's row group
DEFAULT_PIECE = 8 << 20  # about what DuckDB's default reads at a time (measured)
LARGEST_BUFFER = 64 << 20
NO_NULL = "\x01cnru-no-null\x01"  # empty cells stay '' (missing), padded cells become NULL
REJECT_CODES = {"INVALID ENCODING": "encoding-error"}


@dataclass(frozen=True)
class FileFacts:
    lines: int  # the last line counted even without a line end
    plain: bool  # no control bytes but line ends (LF)


def load_resource(con: duckdb.DuckDBPyConnection, resource: Resource,
                  facts: Callable[[], FileFacts] | None = None) -> list[Problem]:
    """Create `typed."<name>"`; return the problems of the file (row None: the table was not
    created) or of its blank lines, which DuckDB skips.
    `facts` gives the file's `scan_file` (run in another thread, say); by default it is run
    here. `con` must have the readers registered (readers.register)."""
    problems = check_patterns(con, resource) or check_file(resource)
    if problems:
        return problems
    scanned = facts() if facts else scan_file(resource.path)
    buffer = buffer_size(resource.path.stat().st_size, scanned.lines)
    problems = read_csv(con, resource, scanned.plain, buffer)
    if problems:
        return problems
    stored = con.execute(f"SELECT count(*) FROM {table(TYPED, resource.name + ROWS)}").fetchone()[0]
    blanks = blank_rows(resource.path) if scanned.lines != stored + 1 else []
    number_rows(con, resource, blanks)
    return [problem for row in blanks for problem in blank_line(resource, row)]


def blank_line(resource: Resource, row: int) -> list[Problem]:
    """A blank line, which DuckDB skips: a blank row, and a row whose primary key is empty, as
    frictionless reports it (and cnru, for a blank row that has its commas)."""
    problems = [Problem.of("blank-row", resource.relpath, "the row is blank", row=row)]
    if key := as_list(resource.schema.get("primaryKey") or []):
        problems.append(Problem.of("primary-key", resource.relpath, EMPTY_KEY, row=row,
                                   field=", ".join(key)))
    return problems


def check_patterns(con: duckdb.DuckDBPyConnection, resource: Resource) -> list[Problem]:
    """A pattern RE2 cannot compile is a schema problem, not a file that cannot be read."""
    problems = []
    for field in resource.fields:
        pattern = field.get("constraints", {}).get("pattern")
        if pattern is not None and (why := re2_problem(con, pattern)):
            problems.append(Problem.of("schema-error", resource.schema_label,
                                       f"field {field['name']!r}: the pattern {why}",
                                       field=field["name"], value=pattern))
    return problems


def check_file(resource: Resource) -> list[Problem]:
    def problem(code, message, **where):
        return [Problem.of(code, resource.relpath, message, **where)]

    if not resource.path.is_file():
        return problem("file-missing", "the data file does not exist")
    with open(resource.path, "rb") as file:
        head = file.read(SNIFF_BYTES)
    if not head:
        return problem("file-empty", "the file is empty; it needs at least the header row")
    if b"\x00" in head[:65536]:
        return problem("file-binary", "the file contains NUL bytes; it is not a text CSV")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            line = head[: error.start].count(b"\n") + 1
            return problem("encoding-error", f"the file is not valid UTF-8 (line {line})",
                           value=repr(head[error.start: error.start + 4]))
        text = head[: error.start].decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    if header != resource.field_names:
        return problem("header-mismatch",
                       f"the header must be the schema's fields in order: "
                       f"{','.join(resource.field_names)}", value=",".join(header))
    return []


REJECTS = "cnru_rejects"
UNQUOTED = "UNQUOTED VALUE"  # DuckDB's name for a misplaced quote
SURPLUS = "TOO MANY COLUMNS"  # more than one surplus cell (the first fits in `_extra`)


def buffer_size(file_bytes: int, lines: int) -> int | None:
    """read_csv's buffer for a large file: room for a row group of its rows and a quarter more.
    DuckDB reads a file in pieces, in parallel, and numbers them to store the rows in file
    order; pieces of fewer rows than a row group are merged into full row groups, which is slow
    (at a million claims, DuckDB's default pieces made loading `claims.csv` 1.5 times slower).
    None keeps the default: for narrow rows, whose default pieces hold a row group already, and
    for a file of fewer than two such pieces, which the default reads in more of them."""
    needed = int(1.25 * ROW_GROUP_ROWS * file_bytes / max(lines, 1))
    if needed <= DEFAULT_PIECE or file_bytes < 2 * needed:
        return None
    return min(needed, LARGEST_BUFFER)


def csv_options(resource: Resource, strict: bool, buffer: int | None = None) -> str:
    """read_csv's arguments: every cell as text, short rows padded, rejected lines recorded."""
    columns = {name: "VARCHAR" for name in [*resource.field_names, EXTRA]}
    return (f"{literal(str(resource.path))}, auto_detect = false, header = true, delim = ',', "
            f"quote = '\"', escape = '\"', columns = {columns!r}, null_padding = true, "
            f"strict_mode = {literal(strict)}, nullstr = {literal(NO_NULL)}, store_rejects = true, "
            f"rejects_table = '{REJECTS}', rejects_scan = '{REJECTS}_scan'"
            + (f", buffer_size = {buffer}" if buffer else ""))


def read_csv(con: duckdb.DuckDBPyConnection, resource: Resource, plain: bool,
             buffer: int | None = None) -> list[Problem]:
    """Strictly first: a lenient reader would cut a value short at a misplaced quote (`"a"b`
    is `a` to it, `ab` to Python) or run it on over the next rows, without a word. Only a file
    whose one fault is rows with several surplus cells is read again, leniently, so that each
    is a row with `_extra` set, its other cells checked."""
    problems, rejected = load_rows(con, resource, plain, buffer, strict=True)
    if rejected == {SURPLUS}:
        con.execute(f"DROP TABLE {table(TYPED, resource.name + ROWS)}")
        problems, _ = load_rows(con, resource, plain, buffer, strict=False)
    return problems


def load_rows(con: duckdb.DuckDBPyConnection, resource: Resource, plain: bool,
              buffer: int | None, strict: bool) -> tuple[list[Problem], set[str]]:
    """The rows as `typed."<name>$rows"`; the problems that stop the file, and the kinds of
    lines DuckDB rejected (none stops it if they are all surplus cells in a strict reading:
    the caller reads the file again)."""
    for parallel in ("true", "false"):  # quoted newlines need the single-threaded reader
        try:
            source = f"read_csv({csv_options(resource, strict, buffer)}, parallel = {parallel})"
            con.execute(load_table(resource.name, resource.schema, source, plain))
            break
        except (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException,
                duckdb.OutOfMemoryException):
            raise  # a bug in the generated SQL, or too little memory: not a problem of the file
        except duckdb.Error as error:
            if parallel == "false":
                return [Problem.of("csv-error", resource.relpath,
                                   f"the file cannot be read as CSV: {first_line(error)}")], set()
    rejected = con.execute(f"SELECT line, error_type, error_message FROM {REJECTS} "
                           f"ORDER BY error_type = '{SURPLUS}', line").fetchall()
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}; DROP TABLE IF EXISTS {REJECTS}_scan")
    if not rejected:
        return [], set()
    kinds = {kind for _, kind, _ in rejected}
    if strict and kinds == {SURPLUS}:
        return [], kinds
    line, kind, message = rejected[0]
    con.execute(f"DROP TABLE {table(TYPED, resource.name + ROWS)}")
    if kind == UNQUOTED:
        message = (f"{message.rstrip('.')}: a quote inside a quoted value is written twice "
                   f"(\"\"), and nothing follows the closing quote but a comma or the line end")
    return [Problem.of(REJECT_CODES.get(kind, "csv-error"), resource.relpath,
                       f"line {line}: {message}; the rest of the file is not checked")], kinds


def scan_file(path: Path) -> FileFacts:
    """One pass over the bytes: the line count, and whether any control byte but LF occurs.
    numpy counts bytes several times faster than `bytes.count` and `bytes.translate`."""
    lines, controls, last = 0, 0, b"\n"
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 24), b""):
            data = np.frombuffer(chunk, np.uint8)
            lines += int(np.count_nonzero(data == 0x0A))
            controls += int(np.count_nonzero(data < 0x20) + np.count_nonzero(data == 0x7F))
            last = chunk[-1:]
    return FileFacts(lines + (last != b"\n"), plain=controls == lines)  # LF is a control byte


def blank_rows(path: Path) -> list[int]:
    """Data-row numbers of blank lines, which DuckDB skips but frictionless counts. Called only
    when the file has more lines than header and rows (blank lines, or quoted newlines): Python's
    csv module parses it again to find them."""
    with open(path, encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        next(reader, None)
        return [number for number, row in enumerate(reader, start=1) if not row]


def number_rows(con: duckdb.DuckDBPyConnection, resource: Resource, blanks: list[int]) -> None:
    """`typed."<name>"` with `_row`, counting the blank rows DuckDB skipped: the k-th stored row
    (rowid k) is data row k + 1 + #{blank j : blank_j - j <= k}."""
    shifts = [blank - rank for rank, blank in enumerate(blanks, start=1)]
    offset = f" + len(list_filter({shifts}, lambda s: s <= rowid))" if shifts else ""
    con.execute(typed_view(resource.name, resource.schema, offset))
