"""Load a resource's CSV into DuckDB, after the checks a file must pass first.

Every cell is read as text and cast in the same scan that checks it (schema_sql.load_table), so
one bad date is one problem, not a dropped row. Rows keep their data-row number (`_row`,
1-based, as frictionless counts them less the header), and `Lines` gives the physical line
each starts on, which reports show.

Every physical line is a row or a problem: a file whose line ends DuckDB does not read (CR
alone, or LF and CRLF mixed) is parsed by Python's csv module, as frictionless reads it, and
DuckDB reads a copy with LF line ends; a file in which DuckDB stored fewer rows than Python's
csv module counts (DuckDB drops a line longer than its buffer without a word) is a problem.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from dataclasses import field as default
from pathlib import Path

import duckdb

from ..errors import first_line
from . import readers
from .descriptor import DIALECT, Resource, as_list, encoding_of
from .patterns import re2_compiles, re2_problem
from .problems import Problem
from .schema_sql import (
    EMPTY_KEY,
    EXTRA,
    RAW,
    ROWS,
    SHOWN,
    TYPED,
    ident,
    listed_problems,
    literal,
    load_table,
    table,
    typed_view,
)

SNIFF_BYTES = 1 << 20
ROW_GROUP_ROWS = 122_880  # DuckDB's row group
DEFAULT_PIECE = 8 << 20  # about what DuckDB's default reads at a time (measured)
LARGEST_BUFFER = 64 << 20
NO_NULL = "\x01cnru-no-null\x01"  # empty cells stay '' (missing), padded cells become NULL
REJECT_CODES = {"INVALID ENCODING": "encoding-error"}
FIELD_LIMIT = (1 << 31) - 1  # Python's csv module stops at 128 KB a cell by default


@dataclass(frozen=True)
class FileFacts:
    lines: int  # the last line counted even without a line end
    plain: bool  # no control bytes but line ends (LF)
    mixed: bool = False  # a CR not before an LF, or LF and CRLF line ends both


@dataclass(frozen=True)
class Lines:
    """The physical line each data row starts on: row + 1 (the header is line 1), plus the
    offset of the last shift at or before the row (lines of quoted line breaks before it)."""

    shifts: tuple[tuple[int, int], ...] = ()  # (first data row, offset from it on)

    def line(self, row: int) -> int:
        at = bisect.bisect_right(self.shifts, (row, float("inf"))) - 1
        return row + 1 + (self.shifts[at][1] if at >= 0 else 0)


@dataclass
class Loaded:
    problems: list[Problem]
    lines: Lines = default(default_factory=Lines)
    created: bool = False  # whether `typed."<name>"` was created, so its rows can be checked
    # the resource as its rows are checked (as_read: without the fields its header lacks)
    resource: Resource | None = None
    flagged: bool = False  # whether some row has cell problems, listed in its `_problems`


def load_resource(con: duckdb.DuckDBPyConnection, resource: Resource,
                  facts: Callable[[], FileFacts] | None = None,
                  scratch: Path | None = None) -> Loaded:
    """Create `typed."<name>"`; return the problems of the file (row None: the table was not
    created) or of its blank lines, which DuckDB skips, and where its rows start.
    `facts` gives the file's `scan_file` (run in another thread, say); by default it is run
    here. `scratch`: a directory DuckDB may read, for the copy of a file with other line ends
    (by default, beside nothing: such a file is a problem). `con` must have the readers
    registered (readers.register, or readers.register_on_demand)."""
    declared, problems = resource, check_patterns(con, resource)
    layout, copied = layout_of(resource), None
    if not problems and ((dialect := python_dialect(resource)) is not None or layout):
        # another encoding or dialect: Python's csv module reads it (as frictionless does) into
        # a UTF-8 copy in the default dialect, which the rest reads; with header rows other
        # than the first, or comment rows, the copy has the header's labels and the data rows
        if scratch is None:
            return Loaded([Problem.of("csv-error", resource.relpath, "the file's encoding or "
                                      "dialect needs a copy, and there is nowhere to write it")])
        copy = scratch / f"{resource.name}.utf-8.csv"
        parsed = (parse_layout(resource, copy, dialect or csv.excel(), layout) if layout
                  else parse_rows(resource, copy_to=copy, dialect=dialect))
        if parsed.problem:
            return Loaded([parsed.problem])
        copied = parsed if layout else None
        item = {k: v for k, v in resource.item.items() if k not in ("dialect", "encoding")}
        resource, facts = replace(resource, path=copy, item=item), None
    labels: list[str] | None = None
    if not problems:
        problems, labels = check_file(resource, declared.item.get("dialect") or {},
                                      copied.labels if copied else None)
    if labels is None or len(problems) > sum(p.code in LABEL_CODES for p in problems):
        return Loaded(problems)
    label_faults = problems  # the rows are read all the same, by position
    reading = read_fields(resource.fields, labels) if label_faults else None
    checked = as_read(declared, labels)
    scanned = facts() if facts else scan_file(resource.path)
    path, parsed = resource.path, copied
    if scanned.mixed:
        if scratch is None:
            return Loaded([Problem.of("csv-error", resource.relpath, "the line ends are not all "
                                      "LF or all CRLF; the file is not checked")])
        path = scratch / f"{resource.name}.csv"
        parsed = parse_rows(resource, copy_to=path)
        if parsed.problem:
            return Loaded([parsed.problem])
    buffer = buffer_size(path.stat().st_size, scanned.lines)
    plain = scanned.plain and parsed is None
    problems = read_csv(con, resource, plain, buffer, path, reading)
    if problems:
        return Loaded(problems)
    flagged = list_problems(con, resource, plain, reading)
    stored = con.execute(f"SELECT count(*) FROM {table(TYPED, resource.name + ROWS)}").fetchone()[0]
    if parsed is None and scanned.lines != stored + 1:
        parsed = parse_rows(resource)
        if parsed.problem:
            con.execute(f"DROP TABLE {table(TYPED, resource.name + ROWS)}")
            return Loaded([parsed.problem])
    if parsed is not None and parsed.rows - len(parsed.blanks) - len(parsed.skipped) != stored:
        con.execute(f"DROP TABLE {table(TYPED, resource.name + ROWS)}")
        return Loaded([lost_rows(resource, parsed, stored)])
    blanks = parsed.blanks if parsed else []
    number_rows(con, resource, sorted(blanks + parsed.skipped) if parsed else blanks)
    return Loaded(label_faults + [problem for row in blanks
                                  for problem in blank_line(checked, row)],
                  Lines(parsed.shifts) if parsed else Lines(), created=True,
                  resource=checked if checked is not declared else None, flagged=flagged)


def python_dialect(resource: Resource) -> csv.Dialect | None:
    """Python's csv dialect for a file DuckDB cannot read as it is (an encoding other than UTF-8,
    a dialect other than the default), built as frictionless builds it; None for the others."""
    options = {**DIALECT, **(resource.item.get("dialect") or {})}
    codec = encoding_of(resource.item)
    read = ("delimiter", "quoteChar", "doubleQuote", "escapeChar", "skipInitialSpace")
    if codec in ("utf-8", "utf-8-sig") and all(options[o] == DIALECT[o] for o in read):
        return None

    class Declared(csv.excel):
        delimiter = options["delimiter"]
        quotechar = options["quoteChar"] or None
        escapechar = options["escapeChar"]
        doublequote = options["doubleQuote"] if options["escapeChar"] else True
        quoting = csv.QUOTE_NONE if options["quoteChar"] == "" else csv.QUOTE_MINIMAL
        skipinitialspace = options["skipInitialSpace"]

    return Declared()


def lost_rows(resource: Resource, parsed: Parsed, stored: int) -> Problem:
    """DuckDB stored fewer rows than the file has: it drops a line longer than its buffer."""
    line, size = parsed.longest
    return Problem.of("csv-error", resource.relpath,
                      f"line {line}: the row is {size:,} characters long, more than the "
                      f"{MAX_LINE_BYTES:,} bytes a row may have (the file has "
                      f"{parsed.rows - len(parsed.blanks):,} rows, {stored:,} could be read); "
                      "the rest of the file is not checked", line=line)


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
    patterns = [field.get("constraints", {}).get("pattern") for field in resource.fields]
    if re2_compiles(con, [pattern for pattern in patterns if pattern is not None]):
        return problems  # the common case: no pattern to look at one by one
    for field, pattern in zip(resource.fields, patterns, strict=True):
        if pattern is not None and (why := re2_problem(con, pattern)):
            problems.append(Problem.of("schema-error", resource.schema_label,
                                       f"field {field['name']!r}: the pattern {why}",
                                       field=field["name"], value=pattern))
    return problems


def check_file(resource: Resource, dialect: dict, labels: list[str] | None = None,
               ) -> tuple[list[Problem], list[str] | None]:
    """The problems that stop the file, or those of its header's labels (the rows are read
    all the same), and the labels (None if the header was not read). `dialect`: the one the
    resource declares; `labels`: the header's, read already (parse_layout)."""
    def problem(code, message, **where):
        return [Problem.of(code, resource.relpath, message, **where)], None

    if not resource.path.is_file():
        return problem("file-missing", "the data file does not exist")
    with open(resource.path, "rb") as file:
        head = file.read(SNIFF_BYTES)
    if not head:
        return problem("file-empty", "the file is empty; it needs at least the header row")
    if b"\x00" in head[:65536]:
        return problem("file-binary", "the file contains NUL bytes; it is not a text CSV")
    cut = len(head) == SNIFF_BYTES  # the text is the start of the file
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            line, column = where_in(head, error.start, resource.field_names)
            return problem("encoding-error", f"the file is not valid UTF-8 (line {line}"
                           + (f", field {column!r})" if column else ")"),
                           value=repr(head[error.start: error.start + 4]), field=column,
                           line=line)
        text, cut = head[: error.start].decode("utf-8-sig"), True
    if labels is not None:
        if not labels:
            return problem("header-mismatch", "the header rows the dialect declares are blank, "
                           "comments or beyond the end of the file", line=1)
        return label_problems(resource, labels), labels
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as error:
        return problem("csv-error", f"line 1: the header cannot be read as CSV: {error}", line=1)
    labels = [label.strip() for label in header]  # as frictionless reads them
    if not labels:
        return problem("header-mismatch", "line 1: the header row is blank; the first line "
                       "must be the schema's field names", line=1)
    if "header" not in dialect and "headerRows" not in dialect and \
            (guess := guessed_header(text, cut)) != 1:
        return problem("header-mismatch", f"line 1: the header has {len(header)} columns, too "
                       f"far from the rows' average width: frictionless would take row {guess} "
                       "for the header, which cnru does not guess; make the header the schema's "
                       "field names, or declare the dialect's headerRows [1]",
                       value=",".join(header), line=1)
    return label_problems(resource, labels), labels


def guessed_header(text: str, cut: bool) -> int:
    """The row frictionless takes for the header when the dialect declares none: the first of
    its first 100 rows whose width is within a tenth (at least 1) of their average width, or
    the first if none is. `cut`: the text is the start of a longer file (its last row is not
    counted)."""
    try:
        rows = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), 101))
    except csv.Error:
        return 1  # a row that cannot be read is reported when the file is read
    if cut and len(rows) <= 100:
        rows = rows[:-1] or rows
    widths = [len(row) for row in rows[:100]]
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    return next((n for n, w in enumerate(widths, 1) if abs(w - width) <= drift), 1)


LABEL_CODES = {"blank-label", "duplicate-label", "incorrect-label", "missing-label",
               "extra-label"}


def label_problems(resource: Resource, labels: list[str]) -> list[Problem]:
    """A header's labels against the schema's fields, by position, as frictionless compares
    them: a label blank, repeating an earlier one or naming another field where a field
    belongs (its cells are checked as that field); a field beyond the last label (it is not
    checked); a label beyond the last field (its cells are read as a field of its own)."""
    fields, problems = resource.field_names, []

    def problem(code, message, **where):
        problems.append(Problem.of(code, resource.relpath, message, line=1, **where))

    for at, (label, name) in enumerate(zip(labels, fields, strict=False), start=1):
        if label == "":
            problem("blank-label", f"the header's column {at} is blank where {name!r} belongs; "
                    f"its cells are checked as {name!r}", field=name, value=label)
        elif label in labels[:at - 1]:
            problem("duplicate-label", f"the header's column {at} repeats {label!r} (column "
                    f"{labels.index(label) + 1}) where {name!r} belongs; its cells are checked "
                    f"as {name!r}", field=name, value=label)
        elif label != name:
            problem("incorrect-label", f"the header's column {at} is {label!r} where {name!r} "
                    f"belongs; its cells are checked as {name!r}", field=name, value=label)
    for at, name in enumerate(fields[len(labels):], start=len(labels) + 1):
        problem("missing-label", f"the header has no column {at}, where {name!r} belongs (it "
                f"has {len(labels)}); the field is not checked, and a row's cells beyond the "
                "header's are extra cells", field=name)
    for at, label in enumerate(labels[len(fields):], start=len(fields) + 1):
        problem("extra-label", f"the header's column {at}, {label!r}, is beyond the schema's "
                f"{len(fields)} fields; its cells are not checked, but a row without them has "
                "missing cells", value=label)
    return problems


def read_fields(fields: list[dict], labels: list[str]) -> list[dict]:
    """The fields a file's columns are read as, by position, as frictionless reads them: the
    schema's, as many as the header has labels, then a field of type `any` for each label
    beyond them, shown under the label's name (with 2, 3 ... added to a name taken)."""
    taken = {field["name"] for field in fields[:len(labels)]}
    extra = []
    for at, label in enumerate(labels[len(fields):], start=len(fields) + 1):
        name, suffix = label, 2
        while name in taken:
            name, suffix = f"{label}{suffix}", suffix + 1
        taken.add(name)
        extra.append({"name": f"$column{at}", "type": "any", SHOWN: name})
    return fields[:len(labels)] + extra


def as_read(resource: Resource, labels: list[str]) -> Resource:
    """The resource as its rows are checked when the header lacks labels at the end: without
    the fields beyond them, and without a key or a foreign key over any of them (frictionless
    checks neither)."""
    if len(labels) >= len(resource.fields):
        return resource
    present = set(resource.field_names[:len(labels)])
    schema = {**resource.schema, "fields": resource.fields[:len(labels)]}
    if not set(as_list(schema.get("primaryKey") or [])) <= present:
        schema.pop("primaryKey")
    if "foreignKeys" in schema:
        schema["foreignKeys"] = [key for key in schema["foreignKeys"]
                                 if set(as_list(key["fields"])) <= present]
    return replace(resource, schema=schema)


def where_in(head: bytes, at: int, fields: list[str]) -> tuple[int, str | None]:
    """The line of byte `at`, and the field it falls in (counting the commas before it on
    its line, as CSV reads them; None beyond the schema's fields)."""
    start = max(head.rfind(b"\n", 0, at), head.rfind(b"\r", 0, at)) + 1
    line = len(LINE_END.findall(head[:start])) + 1
    prefix = head[start:at].decode("utf-8", "replace") + "x"  # the field being read
    try:
        cells = next(csv.reader([prefix]))
    except csv.Error:
        return line, None
    return line, (fields[len(cells) - 1] if line > 1 and len(cells) <= len(fields) else None)


REJECTS = "cnru_rejects"
UNQUOTED = "UNQUOTED VALUE"  # DuckDB's name for a misplaced quote
SURPLUS = "TOO MANY COLUMNS"  # more than one surplus cell (the first fits in `_extra`)


def buffer_size(file_bytes: int, lines: int) -> int | None:
    """read_csv's buffer for a large file: room for a row group of its rows and a quarter more.
    DuckDB reads a file in pieces, in parallel, and numbers them to store the rows in file
    order; pieces of fewer rows than a row group are merged into full row groups, which is slow
    (on a table of a million rows, DuckDB's default pieces made loading 1.5 times slower).
    None keeps the default: for narrow rows, whose default pieces hold a row group already, and
    for a file of fewer than two such pieces, which the default reads in more of them."""
    needed = int(1.25 * ROW_GROUP_ROWS * file_bytes / max(lines, 1))
    if needed <= DEFAULT_PIECE or file_bytes < 2 * needed:
        return None
    return min(needed, LARGEST_BUFFER)


def csv_options(resource: Resource, strict: bool, buffer: int | None = None,
                path: Path | None = None, reading: list[dict] | None = None) -> str:
    """read_csv's arguments: every cell as text, short rows padded, rejected lines recorded
    (one longer than MAX_LINE_BYTES too; but one longer than the buffer is dropped without a
    word, whatever `max_line_size` says, and setting it loses rows at the edges of pieces:
    load_resource counts the rows)."""
    names = [f["name"] for f in reading] if reading is not None else resource.field_names
    columns = ", ".join(f"{literal(name)}: 'VARCHAR'" for name in [*names, EXTRA])
    return (f"{literal(str(path or resource.path))}, auto_detect = false, header = true, "
            f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}}, "
            f"null_padding = true, "
            f"strict_mode = {literal(strict)}, nullstr = {literal(NO_NULL)}, store_rejects = true, "
            f"rejects_table = '{REJECTS}', rejects_scan = '{REJECTS}_scan'"
            + (f", buffer_size = {buffer}" if buffer else ""))


def read_csv(con: duckdb.DuckDBPyConnection, resource: Resource, plain: bool,
             buffer: int | None = None, path: Path | None = None,
             reading: list[dict] | None = None) -> list[Problem]:
    """Strictly first: a lenient reader would cut a value short at a misplaced quote (`"a"b`
    is `a` to it, `ab` to Python) or run it on over the next rows, without a word. Only a file
    whose one fault is rows with several surplus cells is read again, leniently, so that each
    is a row with `_extra` set, its other cells checked. `reading`: the fields the columns are
    read as, when the header's labels are not the schema's fields (read_fields)."""
    problems, rejected = load_rows(con, resource, plain, buffer, strict=True, path=path,
                                   reading=reading)
    if rejected == {SURPLUS}:
        con.execute(f"DROP TABLE {table(TYPED, resource.name + ROWS)}")
        problems, _ = load_rows(con, resource, plain, buffer, strict=False, path=path,
                                reading=reading)
    return problems


def list_problems(con: duckdb.DuckDBPyConnection, resource: Resource, plain: bool,
                  reading: list[dict] | None) -> bool:
    """The problems of the rows the load flagged, if it flagged any (and whether it did)."""
    rows = table(TYPED, resource.name + ROWS)
    if con.execute(f"SELECT count(*) FROM {rows} WHERE {ident(RAW)} IS NOT NULL").fetchone()[0]:
        con.execute(listed_problems(resource.name, resource.schema, plain, reading))
        return True
    return False


def load_rows(con: duckdb.DuckDBPyConnection, resource: Resource, plain: bool,
              buffer: int | None, strict: bool, path: Path | None = None,
              reading: list[dict] | None = None) -> tuple[list[Problem], set[str]]:
    """The rows as `typed."<name>$rows"`; the problems that stop the file, and the kinds of
    lines DuckDB rejected (none stops it if they are all surplus cells in a strict reading:
    the caller reads the file again)."""
    for parallel in ("true", "false"):  # quoted newlines need the single-threaded reader
        try:
            source = (f"read_csv({csv_options(resource, strict, buffer, path, reading)}, "
                      f"parallel = {parallel})")
            try:
                con.execute(load_table(resource.name, resource.schema, source, plain, reading))
            except duckdb.InvalidInputException as error:
                if not readers.needed(error, con):  # else: the readers are there now
                    raise
                con.execute(f"DROP TABLE IF EXISTS {REJECTS}; "
                            f"DROP TABLE IF EXISTS {REJECTS}_scan")
                con.execute(load_table(resource.name, resource.schema, source, plain, reading))
            break
        except (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException,
                duckdb.OutOfMemoryException):
            raise  # a bug in the generated SQL, or too little memory: not a problem of the file
        except duckdb.Error as error:
            if parallel == "false":
                return [Problem.of("csv-error", resource.relpath,
                                   f"the file cannot be read as CSV: {first_line(error)}")], set()
    rejected = con.execute(f"SELECT line, error_type, error_message, column_name FROM {REJECTS} "
                           f"ORDER BY error_type = '{SURPLUS}', line").fetchall()
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}; DROP TABLE IF EXISTS {REJECTS}_scan")
    if not rejected:
        return [], set()
    kinds = {kind for _, kind, _, _ in rejected}
    if strict and kinds == {SURPLUS}:
        return [], kinds
    line, kind, message, column = rejected[0]
    column = column if column in resource.field_names else None
    con.execute(f"DROP TABLE {table(TYPED, resource.name + ROWS)}")
    if kind == UNQUOTED:
        message = (f"{message.rstrip('.')}: a quote inside a quoted value is written twice "
                   f"(\"\"), and nothing follows the closing quote but a comma or the line end")
    if column and kind in REJECT_CODES:
        message = f"{message.rstrip('.')} in field {column!r}"
    return [Problem.of(REJECT_CODES.get(kind, "csv-error"), resource.relpath,
                       f"line {line}: {message}; the rest of the file is not checked",
                       field=column if kind in REJECT_CODES else None, line=line)], kinds


CONTROL_BYTES = bytes([*range(0x20), 0x7F])
SCAN_CHUNK = 1 << 24
NUMPY_FROM = 4 << 20  # numpy pays its import (0.15 s) only on files at least this large


def scan_file(path: Path) -> FileFacts:
    """One pass over the bytes: the line count, whether any control byte but LF occurs, and
    whether the line ends are other than all LF or all CRLF (then counted as lines too).
    For a large file numpy counts bytes several times faster than `bytes.count` and
    `bytes.translate`, which count a small file's before numpy would be imported."""
    count = numpy_counts if path.stat().st_size >= NUMPY_FROM else byte_counts
    lfs, controls, crs, crlfs, last = 0, 0, 0, 0, b"\n"
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(SCAN_CHUNK), b""):
            chunk_lfs, chunk_controls, chunk_crs, chunk_crlfs = count(chunk)
            lfs += chunk_lfs
            controls += chunk_controls
            crs += chunk_crs
            crlfs += chunk_crlfs + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    mixed = crs > 0 and not crs == crlfs == lfs
    lines = lfs + crs - crlfs if mixed else lfs  # CR alone ends a line too
    return FileFacts(lines + (last not in (b"\n", b"\r") if mixed else last != b"\n"),
                     plain=controls == lfs, mixed=mixed)  # LF is a control byte


def byte_counts(chunk: bytes) -> tuple[int, int, int, int]:
    """LFs, control bytes (LF among them), CRs and CRLFs in the chunk."""
    crs = chunk.count(b"\r")
    return (chunk.count(b"\n"), len(chunk) - len(chunk.translate(None, CONTROL_BYTES)), crs,
            chunk.count(b"\r\n") if crs else 0)


def numpy_counts(chunk: bytes) -> tuple[int, int, int, int]:
    import numpy as np

    data = np.frombuffer(chunk, np.uint8)
    crs = int(np.count_nonzero(data == 0x0D))
    return (int(np.count_nonzero(data == 0x0A)),
            int(np.count_nonzero(data < 0x20) + np.count_nonzero(data == 0x7F)), crs,
            int(np.count_nonzero((data[:-1] == 0x0D) & (data[1:] == 0x0A))) if crs else 0)


LINE_END = re.compile(rb"\r\n|\r|\n")
MAX_LINE_BYTES = 2_000_000  # DuckDB's default limit, which it does not keep for the longest lines


@dataclass
class Parsed:
    """A file as Python's csv module reads it (as frictionless does)."""

    rows: int = 0  # data rows, blank ones included
    blanks: list[int] = default(default_factory=list)  # data-row numbers of blank lines
    shifts: tuple[tuple[int, int], ...] = ()  # see Lines
    longest: tuple[int, int] = (0, 0)  # (line, characters) of the longest row
    problem: Problem | None = None  # the file cannot be read
    # parse_layout: data-row numbers of rows not copied (comments), and the header's labels
    skipped: list[int] = default(default_factory=list)
    labels: list[str] | None = None


def parse_rows(resource: Resource, copy_to: Path | None = None,
               dialect: csv.Dialect | None = None) -> Parsed:
    """Parse the file with Python's csv module, strictly: its blank rows (which DuckDB skips
    but frictionless counts), the line each row starts on, its longest row. Called when the
    file has more lines than header and rows (blank lines, quoted newlines, a dropped line),
    and for a file with other line ends, of which it writes a copy with LF ones to `copy_to`."""
    csv.field_size_limit(FIELD_LIMIT)
    parsed, shifts, offset = Parsed(), [], 0
    errors = "surrogateescape" if copy_to else "strict"
    codec = "utf-8-sig" if dialect is None else encoding_of(resource.item)
    encoding = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(codec, resource.item.get("encoding"))
    with open(resource.path, encoding=codec, errors=errors, newline="") as file, \
            open(copy_to or os.devnull, "w", encoding="utf-8", newline="") as copy:
        reader = csv.reader(file, dialect or "excel", strict=True)
        write = csv.writer(copy, lineterminator="\n").writerow if copy_to else None
        try:
            header = next(reader, [])
            if write:
                if undecodable(header, resource.field_names):
                    parsed.problem = Problem.of(
                        "encoding-error", resource.relpath, f"line 1: the header is not valid "
                        f"{encoding}; the file is not checked", line=1)
                    return parsed
                write(header)
            start = reader.line_num + 1
            for number, row in enumerate(reader, start=1):
                if start - number - 1 != offset:
                    offset = start - number - 1
                    shifts.append((number, offset))
                if not row:
                    parsed.blanks.append(number)
                size = sum(map(len, row)) + len(row)
                if size > parsed.longest[1]:
                    parsed.longest = (start, size)
                if write:
                    if bad := undecodable(row, resource.field_names):
                        parsed.problem = undecodable_cell(resource, start, encoding, bad)
                        return parsed
                    write(row)
                parsed.rows = number
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as error:
            parsed.problem = read_fault(error, resource, reader.line_num, encoding)
    parsed.shifts = tuple(shifts)
    return parsed


@dataclass(frozen=True)
class Layout:
    """Where a file's header and comments are, as its dialect declares them."""

    header_rows: list[int] | None  # None: not declared, frictionless guesses (guessed_header)
    join: str
    comment_char: str | None
    comment_rows: frozenset[int]

    def comment(self, number: int, row: list[str]) -> bool:
        """Whether row `number` (the header's first row is 1) is a comment, as frictionless
        tells: listed in commentRows, or its first cell starts with commentChar."""
        return number in self.comment_rows or bool(
            self.comment_char and row and row[0].startswith(self.comment_char))


def layout_of(resource: Resource) -> Layout | None:
    """The dialect's header rows and comments, if they are other than one header row first."""
    dialect = resource.item.get("dialect") or {}
    rows = dialect.get("headerRows")
    if rows in (None, [1]) and not dialect.get("commentChar") and not dialect.get("commentRows"):
        return None
    return Layout(list(rows) if rows is not None else None, dialect.get("headerJoin", " "),
                  dialect.get("commentChar") or None, frozenset(dialect.get("commentRows", [])))


def header_labels(rows: list[list[str]], join: str) -> list[str]:
    """The labels of header rows, joined column by column as frictionless joins them (a cell
    that repeats the one above it is not joined again)."""
    labels: list[str] = []
    above: dict[int, str] = {}
    for row in rows:
        for at, cell in enumerate(label.strip() for label in row):
            if above.get(at) == cell:
                continue
            above[at] = cell
            if len(labels) <= at:
                labels.append(cell)
            else:
                labels[at] = join.join([labels[at], cell])
    return labels


def parse_layout(resource: Resource, copy_to: Path, dialect: csv.Dialect,
                 layout: Layout) -> Parsed:
    """Copy a file whose dialect declares header rows other than the first, or comments: the
    header's labels on the first line, then the data rows but comments, numbered as
    frictionless numbers them (the first row of the file is 1, and a problem's row is one
    less). Rows before the header and comment rows are `skipped`; blank rows are copied."""
    csv.field_size_limit(FIELD_LIMIT)
    parsed, shifts, offset = Parsed(), [], 0
    codec = encoding_of(resource.item)
    codec = "utf-8-sig" if codec == "utf-8" else codec
    encoding = {"utf-8-sig": "UTF-8"}.get(codec, resource.item.get("encoding"))
    with open(resource.path, encoding=codec, errors="surrogateescape", newline="") as file, \
            open(copy_to, "w", encoding="utf-8", newline="") as copy:
        reader = csv.reader(file, dialect, strict=True)
        write = csv.writer(copy, lineterminator="\n").writerow

        def records():
            start = 1
            for number, row in enumerate(reader, start=1):
                yield number, start, row
                start = reader.line_num + 1

        try:
            stream = records()
            sample = list(itertools.islice(stream, 100))
            header_rows = layout.header_rows
            if header_rows is None:  # frictionless guesses it, passing over comments
                widths = [len(row) for _, _, row in sample] or [0]
                width = round(sum(widths) / len(widths))
                drift = max(round(width * 0.1), 1)
                guess = next((n for n, _, row in sample if not layout.comment(n, row)
                              and abs(len(row) - width) <= drift), 1)
                if any(not layout.comment(n, row) for n, _, row in sample[:guess - 1]):
                    parsed.problem = Problem.of(
                        "header-mismatch", resource.relpath, f"frictionless would take row "
                        f"{guess} for the header, which cnru does not guess; declare the "
                        "dialect's headerRows", line=1)
                    return parsed
                header_rows = [guess]
            first, lists, written = header_rows[-1] + 1, [], False
            for number, start, row in itertools.chain(sample, stream):
                if bad := undecodable(row, resource.field_names):
                    parsed.problem = undecodable_cell(resource, start, encoding, bad)
                    return parsed
                if number < first:
                    if number in header_rows and not layout.comment(number, row):
                        lists.append(row)
                    continue
                if not written:
                    parsed.labels, written = header_labels(lists, layout.join), True
                    write(parsed.labels)
                data = number - 1
                if start - data - 1 != offset:
                    offset = start - data - 1
                    shifts.append((data, offset))
                parsed.rows = data
                if layout.comment(number, row):
                    parsed.skipped.append(data)
                    continue
                if not row:
                    parsed.blanks.append(data)
                size = sum(map(len, row)) + len(row)
                if size > parsed.longest[1]:
                    parsed.longest = (start, size)
                write(row)
            if not written:
                parsed.labels = header_labels(lists, layout.join)
                write(parsed.labels)
            parsed.skipped = sorted(set(range(1, first - 1)) | set(parsed.skipped))
            parsed.rows = max(parsed.rows, first - 2)
        except (csv.Error, UnicodeDecodeError) as error:
            parsed.problem = read_fault(error, resource, reader.line_num, encoding)
    parsed.shifts = tuple(shifts)
    return parsed


def read_fault(error: Exception, resource: Resource, line: int, encoding: str) -> Problem:
    """What stops Python's reading of a file: a CSV fault, or bytes not in its encoding."""
    if isinstance(error, csv.Error):
        return Problem.of("csv-error", resource.relpath, f"line {line}: {error}; the rest of "
                          "the file is not checked", line=line)
    return Problem.of("encoding-error", resource.relpath, f"the file is not valid {encoding} "
                      f"after line {line}; the rest of the file is not checked")


def undecodable_cell(resource: Resource, line: int, encoding: str, field: str) -> Problem:
    return Problem.of("encoding-error", resource.relpath, f"line {line}: the file is not valid "
                      f"{encoding} in field {field!r}; the rest of the file is not checked",
                      field=field, line=line)


def undecodable(row: list[str], fields: list[str]) -> str | None:
    """The field of the first cell that held bytes not UTF-8 (read as surrogates)."""
    for at, cell in enumerate(row):
        if not cell.isascii():
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError:
                return fields[at] if at < len(fields) else f"column {at + 1}"
    return None


def number_rows(con: duckdb.DuckDBPyConnection, resource: Resource, blanks: list[int]) -> None:
    """`typed."<name>"` with `_row`, counting the blank rows DuckDB skipped: the k-th stored row
    (rowid k) is data row k + 1 + #{blank j : blank_j - j <= k}."""
    shifts = [blank - rank for rank, blank in enumerate(blanks, start=1)]
    offset = f" + len(list_filter({shifts}, lambda s: s <= rowid))" if shifts else ""
    con.execute(typed_view(resource.name, resource.schema, offset))
