"""`build(package, out) -> BuildResult`: the validated package as users download it.

Writes, into a temporary directory beside `out` that replaces it only when every step has
succeeded: typed Parquet per resource with a descriptor, a DuckDB database (typed tables,
ENUMs, comments, the views and summaries of `scripts/NN_<output>.sql`), the summaries as CSV
and JSON, a summary page, and SHA256SUMS. The same input builds byte-identical files: the
database is written by a DuckDB of its own, on one thread, from the Parquet files (a database
file written in parallel, or from tables loaded in parallel, differed between builds in its
column statistics at a million claims). Of its work only the summaries' queries run on every
core, into scratch tables in memory that are then copied into the database on one thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import croissant, excel, ftm, page
from .db import sandbox
from .descriptor import Package
from .errors import BuildError, InvalidPackage, first_line
from .schema_sql import (
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
from .validate import Checked, Progress, check_package

DATABASE = "cnru.duckdb"
DIST = "dist"  # the attached output database
SCRATCH = "memory"  # the database writer's own in-memory database
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
          progress: Progress | None = None) -> BuildResult:
    step = progress or (lambda message: None)
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))
    staging.chmod(0o755)
    try:
        with check_package(package, sources_dir, writable=(staging,), progress=step) as checked:
            if not checked.report.valid:
                raise InvalidPackage(checked.report)
            result = BuildResult(out, checked.package)
            with ThreadPoolExecutor(max_workers=2) as background:
                step("writing Parquet and the database")
                # the database is filled from each Parquet file as soon as it is written
                written = {resource.name: Future() for resource in checked.loaded}
                database = background.submit(write_database, checked, staging, result, written)
                try:
                    write_parquet(checked, staging, written)
                finally:
                    for file in written.values():
                        file.cancel()  # if it was not written: the database stops waiting
                database.result()
                checked.con.execute(f"ATTACH {literal(str(staging / DATABASE))} AS {DIST} "
                                    f"(READ_ONLY)")
                step("writing the summaries")
                export_summaries(checked.con, staging, result)
            content = page.collect(checked.con, DIST)
            checked.con.execute(f"DETACH {DIST}")
            step("writing the exports")
            # the exports: one call each (see each module)
            excel.write(checked.con, checked.loaded, staging)
            if ftm.write(checked.con, staging) is None:
                result.skipped.append(f"{ftm.FOLDER}/{ftm.FILE}: followthemoney is not "
                                      f"installed (pip install -e \".[{ftm.EXTRA}]\")")
            croissant.write(checked.package, staging, parquet_checksums(staging))
        step("writing the summary page")
        (staging / "index.html").write_text(page.render(checked.package, content, result),
                                            encoding="utf-8")
        write_descriptor(checked, staging, result)
        write_checksums(staging, result)
        replace(out, staging)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def scripts(root: Path) -> list[Path]:
    return sorted((root / "scripts").glob("[0-9][0-9]_*.sql"))


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


def write_parquet(checked: Checked, staging: Path, written: dict[str, Future]) -> None:
    """A Parquet file per table; `written[name]` is done with its path once it is written."""
    (staging / "parquet").mkdir()
    for resource in checked.loaded:
        target = staging / "parquet" / f"{resource.name}.parquet"
        checked.con.execute(export_table(resource.name, resource.schema, str(target),
                                         parquet_metadata(checked.package, resource)))
        written[resource.name].set_result(target)


def parquet_metadata(package: Package, resource) -> dict[str, str]:
    """What a Parquet file says of itself, for readers that never see the descriptor."""
    descriptor = package.descriptor
    licenses = ", ".join(str(item.get("name", "")) for item in descriptor.get("licenses", []))
    return {"title": str(resource.item.get("title", resource.name)),
            "description": str(resource.item.get("description", "")),
            "package": package.name, "version": package.version, "license": licenses,
            "table_schema": json.dumps(resource.schema, ensure_ascii=False, sort_keys=True)}


def write_database(checked: Checked, staging: Path, result: BuildResult,
                   written: dict[str, Future]) -> None:
    """The database, from the Parquet files as they are written, by a DuckDB of its own that
    writes on one thread (see above)."""
    with sandbox(staging) as con:
        con.execute(f"ATTACH {literal(str(staging / DATABASE))} AS {DIST} "
                    f"(STORAGE_VERSION '{STORAGE_VERSION}')")
        with one_thread(con):
            write_tables(con, checked, written, result)
            write_about(con, checked.package)
        run_scripts(con, checked.package.root, result, field_descriptions(checked))
        con.execute(f"DETACH {DIST}")


@contextmanager
def one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Whatever `con` writes meanwhile, it writes on one thread: the same bytes every time."""
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")


def write_tables(con: duckdb.DuckDBPyConnection, checked: Checked, written: dict[str, Future],
                 result: BuildResult) -> None:
    types = enum_types({r.name: r.schema for r in checked.loaded})
    for statement in create_types(types, DIST):
        con.execute(statement)
    created: set[str] = set()
    for resource in checked.loaded:
        rows = literal(str(written[resource.name].result()))
        con.execute(create_table(resource.name, resource.schema, types, DIST, created))
        con.execute(fill_table(resource.name, resource.schema, DIST, f"read_parquet({rows})"))
        for statement in comments(resource.name, resource.item.get("description", ""),
                                  resource.schema, DIST,
                                  undeclared_keys(resource.name, resource.schema, created)):
            con.execute(statement)
        created.add(resource.name)
        result.rows[resource.name] = con.execute(
            f"SELECT count(*) FROM {DIST}.{ident(resource.name)}").fetchone()[0]


def run_scripts(con: duckdb.DuckDBPyConnection, root: Path, result: BuildResult,
                described: dict[str, str] | None = None) -> None:
    """Each `scripts/NN_<output>.sql` creates the table or view <output>, commented with the
    script's leading comment, and each column with its line there or else with the Table
    Schemas' description of a field of its name (`described`). A script runs on every core in
    the scratch database, reading the database's tables; a table it creates is then copied into
    the database on one thread, and a view is created there again (views cost nothing to
    create)."""
    for script in scripts(root):
        name = output_name(script)
        kind = run_script(con, root, script, SCRATCH)
        if kind is None:
            raise BuildError(f"{script.name} must create a table or view named {name}")
        if kind == "TABLE":
            with one_thread(con):
                con.execute(f"CREATE TABLE {DIST}.{ident(name)} AS FROM {SCRATCH}.{ident(name)}")
            result.summaries.append(name)
        con.execute(f"DROP {kind} {SCRATCH}.{ident(name)}")
        if kind == "VIEW":
            run_script(con, root, script, DIST)
        con.execute(f"COMMENT ON {kind} {DIST}.{ident(name)} IS "
                    f"{literal(script_description(script))}")
        given = {**(described or {}), **script_columns(script)}
        columns = con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = $1 "
                              "AND table_name = $2 ORDER BY column_index", [DIST, name]).fetchall()
        for (column,) in columns:
            con.execute(f"COMMENT ON COLUMN {DIST}.{ident(name)}.{ident(column)} IS "
                        f"{literal(given.get(column, ''))}")


def run_script(con: duckdb.DuckDBPyConnection, root: Path, script: Path,
               database: str) -> str | None:
    """Run the script with `database` as the default, reading names there first and then in
    the built database; 'TABLE' or 'VIEW', what it created under its output's name, or None."""
    con.execute(f"USE {database}")
    con.execute(f"SET search_path = {literal(f'{database}.main,{DIST}.main')}")
    try:
        con.execute(script.read_text(encoding="utf-8"))
    except duckdb.Error as error:
        raise BuildError(f"{script.relative_to(root)}: {first_line(error)}") from error
    finally:
        con.execute(f"USE {SCRATCH}")
    kind = con.execute("SELECT table_type FROM information_schema.tables "
                       "WHERE table_catalog = $1 AND table_name = $2",
                       [database, output_name(script)]).fetchone()
    return None if kind is None else ("VIEW" if kind[0] == "VIEW" else "TABLE")


def write_about(con: duckdb.DuckDBPyConnection, package) -> None:
    """A one-row table naming the dataset, its version and licence."""
    descriptor = package.descriptor
    licenses = ", ".join(str(item.get("name", "")) for item in descriptor.get("licenses", []))
    con.execute(f"CREATE TABLE {DIST}.about AS SELECT $1 AS name, $2 AS title, $3 AS version, "
                f"$4 AS license", [package.name, descriptor.get("title", ""), package.version,
                                   licenses])
    con.execute(f"COMMENT ON TABLE {DIST}.about IS 'The dataset this database was built from.'")
    for column, comment in (("name", "The data package's name (datapackage.json name)."),
                            ("title", "Its title."),
                            ("version", "Its version (datapackage.json version)."),
                            ("license", "The licence of the data, by its SPDX identifier.")):
        con.execute(f"COMMENT ON COLUMN {DIST}.about.{column} IS {literal(comment)}")


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
    """`datapackage.json` for the Parquet files and the summary CSVs."""
    source = checked.package.descriptor
    resources = [{
        "name": r.name, "type": "table", "path": f"parquet/{r.name}.parquet", "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE, "title": r.item.get("title", r.name),
        "description": r.item.get("description", ""),
        # readers that go through pandas (frictionless does) see nulls as NaN and NaT
        "schema": {**r.schema, "missingValues": ["", "nan", "NaT"]},
    } for r in checked.loaded]
    with duckdb.connect(str(staging / DATABASE), read_only=True) as con:
        for name in result.summaries:
            columns = con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() "
                                  "WHERE table_name = $1 ORDER BY column_index", [name]).fetchall()
            description = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = $1",
                                      [name]).fetchone()[0]
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


def replace(out: Path, staging: Path) -> None:
    """Put the new build in place of the old one."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        out.rename(old / out.name)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)
