"""`build(package, out) -> BuildResult`: the validated package as users download it.

Writes, into a work folder beside `out` that replaces it only when every step has succeeded
(output.py: `out` must be absent, empty or an earlier build): typed Parquet per resource with a
descriptor, a DuckDB database (typed tables, ENUMs, comments, the views and summaries of
`scripts/NN_<output>.sql`), the summaries as CSV and JSON, the explorer page, the build's marker
and SHA256SUMS. The same input builds byte-identical files: the database is written by a
DuckDB of its own, on one thread, from the Parquet files (a database file written in parallel,
or from tables loaded in parallel, differed between builds in its column statistics at a
million claims). Of its work only the scripts run on every core, in a sandbox that can only
create, into a scratch database whose tables are then copied into the database on one thread.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from ..dataset.sources import default_sources_dir
from ..engine.background import Handoff, background
from ..engine.db import Limits, sandbox
from ..engine.descriptor import Package, Resource, find_descriptor
from ..engine.schema_sql import (
    comments,
    create_table,
    create_types,
    enum_types,
    export_table,
    fill_table,
    ident,
    literal,
    undeclared_keys,
)
from ..errors import BuildError, DiskFull, InvalidPackage, first_line
from ..validate import Checked, Progress, check_package
from . import croissant, excel, ftm, page
from .output import MARKER, check_out, marker_text, swap, work_folder

DATABASE = "cnru.duckdb"
DIST = "dist"  # the attached output database
SCRATCH = "scratch"  # the scripts' own database, in the work folder
# The storage format whose files are byte-identical for identical input (newer formats carry a
# random database identifier); DuckDB 1.3 and later read it.
STORAGE_VERSION = "v1.3.0"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


@dataclass
class BuildResult:
    out: Path
    package: Package
    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    summaries: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # exports not written, and why


def build(package: str | os.PathLike, out: str | os.PathLike = "build",
          sources_dir: str | os.PathLike | None = None,
          progress: Progress | None = None, limits: Limits | None = None) -> BuildResult:
    """Validate `package` and build it into `out`, which must be absent, empty or an earlier
    build (see output.py)."""
    step = progress or (lambda message: None)
    limits = limits or Limits.from_environment()
    out = checked_out(package, out, sources_dir)
    try:
        with work_folder(out) as work:
            staging = work / "build"
            staging.mkdir(mode=0o755)
            return build_into(package, out, staging, work, sources_dir, step, limits)
    except (OSError, duckdb.IOException) as error:
        if no_space(error):
            raise DiskFull(f"no space left in {out.parent}") from error
        raise


def checked_out(package: str | os.PathLike, out: str | os.PathLike,
                sources_dir: str | os.PathLike | None = None) -> Path:
    """The package's build folder `out`, resolved, if a build may write it (output.check_out)."""
    root = find_descriptor(package).parent.resolve()
    return check_out(out, root, sources_dir or default_sources_dir(root))


def build_into(package, out: Path, staging: Path, work: Path, sources_dir, step: Progress,
               limits: Limits) -> BuildResult:
    planned = checked_scripts(find_descriptor(package).parent)  # before the long work
    with check_package(package, sources_dir, writable=(staging,), progress=step, limits=limits,
                       spill_in=work) as checked:
        if not checked.report.valid:
            raise InvalidPackage(checked.report)
        result = BuildResult(out, checked.package)
        with background("cnru-database") as worker:
            step("writing Parquet and the database")
            # the database is filled from each Parquet file as soon as it is written
            written: Handoff[tuple[Resource, Path]] = Handoff()
            database = worker.submit(write_database, checked, staging, work, result, written,
                                     limits)
            try:
                write_parquet(checked, staging, written)
            finally:
                written.close()  # if a file was not written, the database stops waiting
            database.result()
        step("running the scripts")
        run_scripts(planned, staging, work, result, limits, field_descriptions(checked))
        checked.con.execute(f"ATTACH {literal(str(staging / DATABASE))} AS {DIST} "
                            f"(READ_ONLY)")
        step("writing the summaries")
        export_summaries(checked.con, staging, result)
        content = page.collect(checked.con, DIST)
        write_descriptor(checked, staging, result)
        checked.con.execute(f"DETACH {DIST}")
        step("writing the exports")
        # the exports: one call each (see each module)
        excel.write(checked.con, checked.loaded, staging)
        if ftm.write(checked.con, staging) is None:
            result.skipped.append(f"{ftm.FOLDER}/{ftm.FILE}: followthemoney is not "
                                  f"installed (pip install -e \".[{ftm.EXTRA}]\")")
        croissant.write(checked.package, staging, parquet_checksums(staging))
    step("writing the explorer page")
    (staging / "index.html").write_text(page.render(checked.package, content, result),
                                        encoding="utf-8")
    (staging / MARKER).write_text(marker_text(checked.package), encoding="utf-8")
    write_checksums(staging, result)
    swap(out, staging)
    return result


def no_space(error: BaseException) -> bool:
    """Whether a write failed for want of disk space (DuckDB says so only in its message)."""
    return (getattr(error, "errno", None) == errno.ENOSPC
            or "No space left on device" in str(error))


@dataclass
class Script:
    path: Path
    where: Path  # the path in the package, as errors name it
    output: str  # the table or view it creates
    sql: str


def scripts(root: Path) -> list[Path]:
    return sorted((root / "scripts").glob("[0-9][0-9]_*.sql"))


def checked_scripts(root: Path) -> list[Script]:
    """The package's scripts, each read and each of its statements a CREATE (else BuildError):
    checked before validation, so that a script a build would refuse is refused at once."""
    found = [Script(path, path.relative_to(root), output_name(path),
                    path.read_text(encoding="utf-8")) for path in scripts(root)]
    if not found:
        return found
    parser = duckdb.connect()
    try:
        for script in found:
            try:
                only(parser, script.sql, CREATE, str(script.where))
            except duckdb.Error as error:
                raise BuildError(f"{script.where}: {first_line(error)}") from error
    finally:
        parser.close()
    return found


def output_name(script: Path) -> str:
    """`scripts/20_claims_by_category.sql` produces `claims_by_category`."""
    return script.stem.split("_", 1)[1]


def leading_comment(script: Path) -> tuple[list[str], list[str]]:
    """The script's leading comment, as its description's lines and, after a bare `--` line,
    the lines that describe its columns."""
    description: list[str] = []
    columns: list[str] | None = None
    for line in script.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        text = line.removeprefix("--")
        if columns is None and not text.strip():
            columns = []
        elif columns is None:
            description.append(text.strip())
        else:
            columns.append(text)
    return description, columns or []


def script_description(script: Path) -> str:
    """The script's leading comment, after `-- <output>:`, up to a bare `--` line."""
    return " ".join(leading_comment(script)[0]).split(":", 1)[-1].strip()


def script_columns(script: Path) -> dict[str, str]:
    """The column comments after the description: `-- <column>: <text>` lines, continued by
    lines indented further."""
    described: dict[str, str] = {}
    name = None
    for line in leading_comment(script)[1]:
        match = re.match(r" (\w+): (.*)", line)
        if match:
            name = match.group(1)
            described[name] = match.group(2).strip()
        elif name and line.startswith("   "):
            described[name] += " " + line.strip()
    return described


def field_descriptions(checked: Checked) -> dict[str, str]:
    """Column name -> the description a summary's column of that name takes from the Table
    Schemas: the one description all tables give it, or else that of the table whose primary
    key it is."""
    given: dict[str, set[str]] = {}
    keys: dict[str, str] = {}
    for resource in checked.loaded:
        for item in resource.fields:
            if item.get("description"):
                given.setdefault(item["name"], set()).add(item["description"])
        key = resource.schema.get("primaryKey")
        key = [key] if isinstance(key, str) else key or []
        if len(key) == 1:
            keys[key[0]] = next((f.get("description", "") for f in resource.fields
                                 if f["name"] == key[0]), "")
    return {name: next(iter(texts)) if len(texts) == 1 else keys.get(name, "")
            for name, texts in given.items()}


def write_parquet(checked: Checked, staging: Path, written: Handoff) -> None:
    """A Parquet file per table, each handed to `written` (with its resource) once written."""
    (staging / "parquet").mkdir()
    for resource in checked.loaded:
        target = staging / "parquet" / f"{resource.name}.parquet"
        checked.con.execute(export_table(resource.name, resource.schema, str(target),
                                         parquet_metadata(checked.package, resource)))
        written.put((resource, target))


def parquet_metadata(package: Package, resource) -> dict[str, str]:
    """What a Parquet file says of itself, for readers that never see the descriptor."""
    descriptor = package.descriptor
    licenses = ", ".join(str(item.get("name", "")) for item in descriptor.get("licenses", []))
    return {"title": str(resource.item.get("title", resource.name)),
            "description": str(resource.item.get("description", "")),
            "package": package.name, "version": package.version, "license": licenses,
            "table_schema": json.dumps(resource.schema, ensure_ascii=False, sort_keys=True)}


def write_database(checked: Checked, staging: Path, work: Path, result: BuildResult,
                   written: Handoff, limits: Limits) -> None:
    """The database's tables, from the Parquet files as they are written, by a DuckDB of its
    own that writes on one thread (see above)."""
    with sandbox(staging, limits=replace(limits, threads=1), spill_in=work) as con:
        con.execute(f"ATTACH {literal(str(staging / DATABASE))} AS {DIST} "
                    f"(STORAGE_VERSION '{STORAGE_VERSION}')")
        write_tables(con, checked, written, result)
        write_about(con, checked.package)
        con.execute(f"DETACH {DIST}")


def write_tables(con: duckdb.DuckDBPyConnection, checked: Checked, written: Handoff,
                 result: BuildResult) -> None:
    types = enum_types({r.name: r.schema for r in checked.loaded})
    in_one_transaction(con, create_types(types, DIST))
    created: set[str] = set()
    for resource, path in written:  # in the order of checked.loaded
        rows = literal(str(path))
        con.execute(create_table(resource.name, resource.schema, types, DIST, created))
        con.execute(fill_table(resource.name, resource.schema, DIST, f"read_parquet({rows})"))
        in_one_transaction(con, comments(resource.name, resource.item.get("description", ""),
                                         resource.schema, DIST,
                                         undeclared_keys(resource.name, resource.schema, created)))
        created.add(resource.name)
        result.rows[resource.name] = con.execute(
            f"SELECT count(*) FROM {DIST}.{ident(resource.name)}").fetchone()[0]


def run_scripts(planned: list[Script], staging: Path, work: Path, result: BuildResult,
                limits: Limits, described: dict[str, str] | None = None) -> None:
    """Each `scripts/NN_<output>.sql` (`planned`, from checked_scripts) creates the table or
    view <output>, commented with the script's leading comment, and each column with its line
    there or else with the Table Schemas' description of a field of its name (`described`).

    The scripts run on every core in a sandbox of their own: the built database attached read
    only, a scratch database of theirs as the default, no file, no setting they can change,
    and statements that only create (so no ATTACH, COPY, SET or INSTALL). What they created is
    then put into the database on one thread, by a connection that runs none of their SQL: a
    table copied, a view created from its definition."""
    outputs = []
    scratch = work / "scratch.duckdb"
    with sandbox(limits=limits, spill_in=work,
                 attach=[(DIST, staging / DATABASE, True), (SCRATCH, scratch, False)]) as con:
        con.execute(f"USE {SCRATCH}")
        con.execute(f"SET search_path = {literal(f'{SCRATCH}.main,{DIST}.main')}")
        taken = {row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = $1",
            [DIST]).fetchall()}
        for script in planned:
            name = script.output
            if name in taken:
                raise BuildError(f"{script.where}: its output {name} is already a "
                                 "table of the database or the output of another script")
            taken.add(name)
            run_script(con, script)
            kind = con.execute("SELECT table_type FROM information_schema.tables "
                               "WHERE table_catalog = $1 AND table_name = $2",
                               [SCRATCH, name]).fetchone()
            if kind is None:
                raise BuildError(f"{script.where} must create a table or view named {name}")
            if kind[0] == "VIEW":
                definition = con.execute("SELECT sql FROM duckdb_views() WHERE database_name = $1 "
                                         "AND view_name = $2", [SCRATCH, name]).fetchone()[0]
                outputs.append((script, name, "VIEW", definition))
            else:
                outputs.append((script, name, "TABLE", None))
    with sandbox(staging, work, limits=replace(limits, threads=1), spill_in=work) as con:
        con.execute(f"ATTACH {literal(str(staging / DATABASE))} AS {DIST}")
        con.execute(f"ATTACH {literal(str(scratch))} AS {SCRATCH} (READ_ONLY)")
        con.execute(f"USE {DIST}")
        for script, name, kind, definition in outputs:
            if kind == "TABLE":
                con.execute(f"CREATE TABLE {DIST}.{ident(name)} AS FROM {SCRATCH}.{ident(name)}")
                result.summaries.append(name)
            else:
                con.execute(f"SET search_path = {literal(f'{DIST}.main')}")
                try:
                    con.execute(only(con, definition, CREATE, f"the view {name}"))
                except duckdb.Error as error:  # it read what its script made besides
                    raise BuildError(f"{script.where}: the view {name} reads what "
                                     f"only its script had: {first_line(error)}") from error
            given = {**(described or {}), **script_columns(script.path)}
            columns = con.execute("SELECT column_name FROM duckdb_columns() "
                                  "WHERE database_name = $1 AND table_name = $2 "
                                  "ORDER BY column_index", [DIST, name]).fetchall()
            in_one_transaction(con, [
                f"COMMENT ON {kind} {DIST}.{ident(name)} IS "
                f"{literal(script_description(script.path))}",
                *(f"COMMENT ON COLUMN {DIST}.{ident(name)}.{ident(column)} IS "
                  f"{literal(given.get(column, ''))}" for (column,) in columns)])
        con.execute(f"USE {SCRATCH}")
        con.execute(f"DETACH {DIST}")


CREATE = frozenset({duckdb.StatementType.CREATE})


def in_one_transaction(con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    """Run `statements` and commit them once (a commit to the database file each, as a
    comment on each column was, took twice as long)."""
    con.execute("BEGIN TRANSACTION")
    try:
        for statement in statements:
            con.execute(statement)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def only(con: duckdb.DuckDBPyConnection, sql: str, allowed: frozenset, what: str) -> str:
    """`sql`, if each of its statements is of an allowed type; else BuildError. `con` only
    parses it (a connection of its own would cost more than the parsing)."""
    for number, statement in enumerate(con.extract_statements(sql), 1):
        if statement.type not in allowed:
            raise BuildError(f"{what}: statement {number} is {statement.type.name}; a script "
                             "may only CREATE its table or view")
    return sql


def run_script(con: duckdb.DuckDBPyConnection, script: Script) -> None:
    """Run the script (checked_scripts checked its statements); Ctrl-C interrupts it at once."""
    try:
        interruptible(con, script.sql)
    except duckdb.Error as error:
        if no_space(error):
            raise
        raise BuildError(f"{script.where}: {first_line(error)}") from error


def interruptible(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run `sql` in a thread of its own, so that Ctrl-C (KeyboardInterrupt in this thread)
    interrupts DuckDB at once instead of when the query ends."""
    with background("cnru-script") as worker:
        running = worker.submit(con.execute, sql)
        try:
            running.result()
        except KeyboardInterrupt:
            con.interrupt()
            raise


def write_about(con: duckdb.DuckDBPyConnection, package) -> None:
    """A one-row table naming the dataset, its version and licence."""
    descriptor = package.descriptor
    licenses = ", ".join(str(item.get("name", "")) for item in descriptor.get("licenses", []))
    con.execute(f"CREATE TABLE {DIST}.about AS SELECT $1 AS name, $2 AS title, $3 AS version, "
                f"$4 AS license", [package.name, descriptor.get("title", ""), package.version,
                                   licenses])
    in_one_transaction(con, [
        f"COMMENT ON TABLE {DIST}.about IS 'The dataset this database was built from.'",
        *(f"COMMENT ON COLUMN {DIST}.about.{column} IS {literal(comment)}" for column, comment in (
            ("name", "The data package's name (datapackage.json name)."),
            ("title", "Its title."),
            ("version", "Its version (datapackage.json version)."),
            ("license", "The licence of the data, by its SPDX identifier.")))])


def export_summaries(con: duckdb.DuckDBPyConnection, staging: Path, result: BuildResult) -> None:
    (staging / "summaries").mkdir()
    for name in result.summaries:
        for suffix, options in (("csv", "HEADER"), ("json", "FORMAT json, ARRAY true")):
            target = staging / "summaries" / f"{name}.{suffix}"
            con.execute(f"COPY {DIST}.{ident(name)} TO {literal(str(target))} ({options})")


FRICTIONLESS_TYPES = {"VARCHAR": "string", "BIGINT": "integer", "INTEGER": "integer",
                      "DOUBLE": "number", "BOOLEAN": "boolean", "DATE": "date",
                      "HUGEINT": "integer"}


def write_descriptor(checked: Checked, staging: Path, result: BuildResult) -> None:
    """`datapackage.json` for the Parquet files and the summary CSVs (their columns read from
    the database, attached to the validator's connection as DIST)."""
    source = checked.package.descriptor
    resources = [{
        "name": r.name, "type": "table", "path": f"parquet/{r.name}.parquet", "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE, "title": r.item.get("title", r.name),
        "description": r.item.get("description", ""),
        # readers that go through pandas (frictionless does) see nulls as NaN and NaT
        "schema": {**r.schema, "missingValues": ["", "nan", "NaT"]},
    } for r in checked.loaded]
    con = checked.con
    for name in result.summaries:
        columns = con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() "
                              "WHERE database_name = $1 AND table_name = $2 "
                              "ORDER BY column_index", [DIST, name]).fetchall()
        description = con.execute("SELECT comment FROM duckdb_tables() "
                                  "WHERE database_name = $1 AND table_name = $2",
                                  [DIST, name]).fetchone()[0]
        resources.append({
            "name": name, "type": "table", "path": f"summaries/{name}.csv", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": description,
            "schema": {"fields": [
                {"name": column, "type": FRICTIONLESS_TYPES.get(kind, "string"),
                 **({"description": comment} if comment else {})}
                for column, kind, comment in columns]},
        })
    descriptor = {key: source[key] for key in ("$schema", "name", "title", "description",
                                               "version", "licenses", "contributors", "sources")
                  if key in source}
    descriptor["resources"] = resources
    (staging / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def checksums(files: dict[str, Path]) -> str:
    """SHA256SUMS for archive names -> files, sorted by name; hashing releases the GIL, so the
    files are hashed one per core."""
    names = sorted(files)
    with ThreadPoolExecutor() as pool:
        digests = pool.map(sha256, [files[name] for name in names])
        return "".join(f"{digest}  {name}\n" for digest, name in zip(digests, names, strict=True))


def parquet_checksums(directory: Path) -> dict[str, str]:
    return {f"parquet/{path.name}": sha256(path)
            for path in sorted((directory / "parquet").glob("*.parquet"))}


def write_checksums(directory: Path, result: BuildResult) -> None:
    files = {p.relative_to(directory).as_posix(): p for p in directory.rglob("*")
             if p.is_file() and p.name != "SHA256SUMS"}
    (directory / "SHA256SUMS").write_text(checksums(files), encoding="utf-8")
    result.files = [*sorted(files), "SHA256SUMS"]
