"""`validate_package(path, sources_dir) -> Report`: every check, every problem, in one run.

1. the descriptor and its paths (descriptor.py), checked before anything is opened;
2. each CSV read once into DuckDB (load.py): its cells cast and checked in that scan by SQL
   generated from the Table Schema (schema_sql.py) and by the cell rules (cell_rules.py); then
   unique, primary and foreign keys;
3. the archived texts (sources.py), the rules across columns and tables (rules.py, pandera),
   look-alike entity names (names.py) and the minimum row counts of cnru.toml (assertions.py).

While DuckDB loads the files, a second thread (background.py) scans their bytes, reads the
archive and compares the names; while DuckDB checks the keys, it makes the rules' context
views (and for small files counts the rows breaking each rule). Each task is given what it
needs as a value and its result is collected from its Future: no task waits for another. For
small files DuckDB runs on one thread. pandera (with pandas), frictionless's readers and numpy
are imported only when a run needs them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from .dataset.assertions import check_minimums
from .dataset.layout import layout_problems
from .dataset.names import duplicate_names
from .dataset.sources import ARCHIVE, default_sources_dir, load_source_texts
from .engine import readers
from .engine.background import background
from .engine.db import Limits, cursor, sandbox
from .engine.descriptor import Package, Resource, load_package
from .engine.load import Lines, load_resource, scan_file
from .engine.problems import Problem, Report
from .engine.schema_sql import TYPED, schema_problems

Progress = Callable[[str], None]


@dataclass
class Checked:
    """A validated package, with its tables loaded in `con` (schemas typed and context)."""

    package: Package
    con: duckdb.DuckDBPyConnection
    report: Report
    loaded: list[Resource]


SMALL_BYTES = 8 << 20  # files that load in a few tenths of a second: DuckDB's threads do not
# pay (a tenth of the time of a package this small goes to them)


def validate_package(path: str | os.PathLike, sources_dir: str | os.PathLike | None = None,
                     progress: Progress | None = None, *, check_sources: bool = True) -> Report:
    with check_package(path, sources_dir, progress=progress,
                       check_sources=check_sources) as checked:
        return checked.report


@contextmanager
def check_package(path, sources_dir=None, *, writable: tuple[Path, ...] = (),
                  progress: Progress | None = None, check_sources: bool = True,
                  limits: Limits | None = None,
                  spill_in: Path | None = None) -> Iterator[Checked]:
    """Validate, and keep the loaded tables open for whoever builds from them.
    `check_sources=False` checks no quote and no hash, and the report says so. A descriptor
    the store does not know is judged by frictionless in a process of its own meanwhile; if
    frictionless does not find it valid, the package is checked again with its verdict."""
    options = dict(writable=writable, progress=progress, check_sources=check_sources,
                   limits=limits, spill_in=spill_in)
    package = load_package(path, judge_beside=True)
    try:
        with checked_package(package, sources_dir, **options) as checked:
            if package.judge is None or package.judge.found_valid():
                yield checked
                return
    finally:
        if package.judge is not None:
            package.judge.stop()
    if progress:
        progress("frictionless does not find the descriptor valid: checking again")
    with checked_package(load_package(path), sources_dir, **options) as checked:
        yield checked


@contextmanager
def checked_package(package: Package, sources_dir=None, *, writable: tuple[Path, ...] = (),
                    progress: Progress | None = None, check_sources: bool = True,
                    limits: Limits | None = None,
                    spill_in: Path | None = None) -> Iterator[Checked]:
    step = progress or (lambda message: None)
    sources = None if not check_sources else (
        Path(sources_dir) if sources_dir else default_sources_dir(package.root))
    allowed = [package.root, *writable]
    if sources is not None and sources.is_dir():
        allowed.append(sources.resolve())
    problems: list[Problem] = [*package.problems, *layout_problems(package)]
    lines: dict[str, Lines] = {}
    small = sum(r.path.stat().st_size for r in package.resources if r.path.is_file()) < SMALL_BYTES
    # DuckDB's threads, and its allocator's cache of what it frees, pay only on larger files
    if limits is None and small:
        limits = Limits.from_environment(threads=1, return_freed=True)
    with tempfile.TemporaryDirectory(prefix="cnru-lines-", dir=spill_in) as scratch, \
            sandbox(*allowed, Path(scratch), limits=limits, spill_in=spill_in,
                    lock=False) as con, \
            background("cnru-validate") as worker:
        con.execute(f"CREATE SCHEMA {TYPED}; CREATE SCHEMA context")
        readers.register_on_demand(con)
        # in the order the loads below wait for them
        scans = {r.name: worker.submit(scan_file, r.path)
                 for r in package.resources if r.path.is_file()}
        loaded, flagged, archive, look_alikes = [], set(), None, None
        for resource in package.resources:
            step(f"reading {resource.relpath}")
            scanned = scans.get(resource.name)
            read = load_resource(con, resource, scanned.result if scanned else None,
                                 Path(scratch))
            file_problems = read.problems
            lines[resource.relpath] = read.lines
            problems.extend(file_problems)
            if read.created:  # its problems are of rows, blank lines or header labels
                loaded.append(read.resource or resource)
                if read.flagged:
                    flagged.add(resource.name)
                if resource.name == "sources":
                    archive = worker.submit(load_source_texts, cursor(con), sources,
                                                resource.relpath, package.root / ARCHIVE)
                if resource.name == "entities":
                    look_alikes = worker.submit(duplicate_names, cursor(con),
                                                    resource.relpath, read.lines.line)
        names = {r.name for r in loaded}
        # the texts the rules match quotes against: the archive is read by now, or nearly
        texts_read = archive.result() if archive is not None else None
        # on small files the second thread counts the rows breaking the rules too; on large
        # ones that waits for the keys, whose queries would hold their memory meanwhile
        planned = worker.submit(rules_planned, cursor(con), names,
                                texts_read[1] if texts_read else None, small)
        for resource in loaded:
            step(f"checking {resource.relpath} against its schema")
            problems.extend(schema_checks(con, resource, names, resource.name in flagged))
        paths = {r.name: r.relpath for r in loaded}
        if texts_read is not None:
            step("checking the archived sources")
            problems.extend(texts_read[0])
        if look_alikes is not None:
            problems.extend(look_alikes.result())
        problems.extend(check_minimums(con, package.root, paths,
                                       {r.name for r in package.resources}))
        if (plan := planned.result()) is not None:
            step("checking the rules across tables")
            from .dataset import rules

            problems.extend(rules.run_rules(plan, paths))
        texts = {}
        if texts_read is not None:
            located = texts_read[2]
            texts = {"checked": located.found, "not_checked": located.not_checked}
        report = Report.of(with_lines(without_cascades(problems), lines), texts)
        yield Checked(package, con, report, loaded)


def rules_planned(con: duckdb.DuckDBPyConnection, names: set[str], texts, count: bool):
    """The context views made and the rules that apply (`count`: the rows breaking each
    counted too), if every table they read is loaded and the archived texts were read
    (`texts`, from `load_source_texts`). Runs in the second thread while the main thread
    checks the keys."""
    from .dataset import rules

    if not set(rules.MODEL) <= names or texts is None:
        return None
    return rules.plan_rules(con, with_texts=texts, count=count)


CELL_CODES = {"type-error", "constraint-error", "missing-cell"}


def with_lines(problems: list[Problem], lines: dict[str, Lines]) -> list[Problem]:
    """Each problem of a row with the physical line the row starts on, which reports show."""
    return [replace(p, line=lines.get(p.file, Lines()).line(p.row))
            if p.row is not None and p.line is None else p for p in problems]


def without_cascades(problems: list[Problem]) -> list[Problem]:
    """A cell the schema already rejects is not reported again by the rules, which see it as
    empty: one bad date is one problem."""
    from .dataset import rules

    bad_cells = {(p.file, p.row, p.field) for p in problems if p.code in CELL_CODES}
    return [p for p in problems
            if p.code in CELL_CODES or p.code not in rules.RULES
            or (p.file, p.row, p.field) not in bad_cells]


def schema_checks(con: duckdb.DuckDBPyConnection, resource: Resource, resolvable: set[str],
                  flagged: bool) -> list[Problem]:
    """The problems of the rows the load flagged (`flagged`: it flagged some) and the keys'."""
    query = schema_problems(resource.name, resource.schema, resolvable, flagged)
    problems = []
    if query is None:
        return problems
    result = con.execute(f"SELECT * FROM ({query})")
    while batch := result.fetchmany(10_000):
        for code, row, field, value, detail in batch:
            problems.append(Problem.of(code, resource.relpath, schema_message(code, detail),
                                       row=row, field=field, value=value))
    return problems


def schema_message(code: str, detail: str | None) -> str:
    return detail or {
        "blank-row": "the row is blank",
        "missing-cell": "the row has fewer cells than the schema has fields",
        "extra-cell": "the row has more cells than the schema has fields",
    }.get(code, code)

