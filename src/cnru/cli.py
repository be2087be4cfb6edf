"""The `cnru` command: parse arguments, call one library function, render, exit.

Exit codes: 0 success (valid), 1 failure (invalid package, failed build or query), 2 usage
error, 141 when the reader of stdout has gone (`cnru validate . | head -1`: quietly, as a
process that SIGPIPE ends). Expected failures are one line, `Error: ...`; `--debug` shows
tracebacks.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .engine.render import LIMIT
from .errors import CnruError, InvalidPackage, first_line

app = typer.Typer(
    name="cnru", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="Validate, build, query and release the cn-ru-military-support data package.",
)
state = {"debug": False}
CLOSED_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process that SIGPIPE ends


class LazyConsole:
    """A rich Console on stdout or stderr, made when first used: a report piped to a file, the
    common case, is written to the stream itself, and rich's import (a twentieth of a second)
    is not needed."""

    def __init__(self, stream: str):
        self.stream, self.console = stream, None

    def __getattr__(self, name: str):
        if self.console is None:
            from rich.console import Console

            self.console = Console(stderr=self.stream == "stderr", highlight=False,
                                   soft_wrap=True)
        return getattr(self.console, name)

    def say(self, text: str) -> None:
        """A line as it is (no markup, no emoji codes): through rich on a terminal only."""
        if self.is_terminal:
            self.print(text, markup=False, emoji=False)
        else:
            self.file.write(text + "\n")

    @property
    def file(self):
        return getattr(sys, self.stream) if self.console is None else self.console.file

    @property
    def is_terminal(self) -> bool:
        """As rich says, which it is only asked when the stream is a TTY or the environment
        says how to treat it (TTY_COMPATIBLE, FORCE_COLOR)."""
        isatty = getattr(getattr(sys, self.stream), "isatty", None)
        if (self.console is None and not {"TTY_COMPATIBLE", "FORCE_COLOR"} & set(os.environ)
                and not (isatty and isatty())):
            return False
        return self.__getattr__("is_terminal")


stdout, stderr = LazyConsole("stdout"), LazyConsole("stderr")

PackageArg = Annotated[Path, typer.Argument(
    help="The package directory (or its datapackage.json).")]
SourcesOption = Annotated[Path | None, typer.Option(
    "--sources-dir",
    help="The archived source texts, looked up after the package's archive/. Default: "
    "sources/ in the package if it exists, else ../shared/sources beside the package.")]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.callback()
def main_options(debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks instead of one-line errors.")] = False) -> None:
    state["debug"] = debug


@contextmanager
def failures():
    """Expected failures become `Error: <message>` and their exit code; anything else too,
    unless --debug."""
    try:
        yield
    except CnruError as error:
        if state["debug"]:
            raise
        stderr.say(f"Error: {error}")
        raise typer.Exit(error.exit_code) from None
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        closed_pipe()
    except Exception as error:  # a bug: still one line, unless asked for the traceback
        if state["debug"]:
            raise
        stderr.say(f"Error: unexpected {type(error).__name__}: {first_line(error)} "
                     "(run with --debug for the traceback)")
        raise typer.Exit(1) from None


def closed_pipe() -> None:
    """The reader of stdout has gone: stop without a word. What is still buffered for stdout
    goes to the null device, so that Python's flush at exit does not fail again."""
    with suppress(AttributeError, OSError, ValueError):  # unless no real file is behind stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise typer.Exit(CLOSED_PIPE)


@contextmanager
def progress():
    """Steps on a TTY (stderr), nothing when piped."""
    if not stderr.is_terminal:
        yield None
        return
    with stderr.status("starting") as status:
        yield lambda message: status.update(message)


def print_report(report, output: ReportFormat, everything: bool = False) -> None:
    """The report on stdout, written as plain text (rich only for colour on a terminal): a
    report of every problem can be hundreds of thousands of lines."""
    from .engine import render

    out = stdout.file
    if output is ReportFormat.json:
        for chunk in render.json_chunks(report, everything):
            out.write(chunk)
        out.write("\n")
    elif output is ReportFormat.github:
        out.writelines(line + "\n" for line in render.as_github(report, everything))
    elif stdout.is_terminal:
        for line in render.as_text(report, color=True, everything=everything):
            stdout.print(line)
    else:
        out.writelines(line + "\n" for line in render.as_text(report, everything=everything))
    out.flush()


@app.command()
def validate(
    package: PackageArg = Path("."),
    sources_dir: SourcesOption = None,
    output: Annotated[ReportFormat, typer.Option(
        "--format", help="text: one aligned line per problem; json: the report as data; "
        "github: pull-request annotations.")] = ReportFormat.text,
    everything: Annotated[bool, typer.Option(
        "--all", help="Every problem on its own line. By default the same problem on many rows "
        f"is one line with its count, and the report stops after {LIMIT:,} lines.")] = False,
    no_sources: Annotated[bool, typer.Option(
        "--no-sources", help="Check no quote and no hash (the report says so). Without it, a "
        "missing sources directory is an error.")] = False,
) -> None:
    """Check the package: schemas, every row, cross-table rules and quotes. Writes nothing.

    Example: cnru validate . --format github
    """
    from .validate import validate_package

    with failures():
        with progress() as step:
            report = validate_package(package, sources_dir, progress=step,
                                      check_sources=not no_sources)
        print_report(report, output, everything)
        if output is not ReportFormat.json:  # which texts were checked; JSON has "sources"
            from .engine.render import sources_lines

            for line in sources_lines(report):
                stderr.say(line)
        raise typer.Exit(0 if report.valid else 1)


OutOption = Annotated[Path, typer.Option("--out", help="Where the build goes.")]


def run_build(package: Path, out: Path, sources_dir: Path | None):
    """Build, printing the validation report first if the package is invalid."""
    from .outputs.build import build

    try:
        with progress() as step:
            return build(package, out, sources_dir, progress=step)
    except InvalidPackage as invalid:
        print_report(invalid.report, ReportFormat.text)
        raise


@app.command("build")
def build_command(package: PackageArg = Path("."), out: OutOption = Path("build"),
                  sources_dir: SourcesOption = None) -> None:
    """Validate, then write Parquet, a DuckDB database, summaries, exports and the explorer page.

    All go to --out: the explorer is index.html. The previous build stays in place unless every
    step succeeds.

    Example: cnru build . --out build
    """
    with failures():
        result = run_build(package, out, sources_dir)
        rows = ", ".join(f"{name} {count}" for name, count in result.rows.items())
        stdout.say(f"built {result.out}: {len(result.files)} files; rows: {rows}")
        for skipped in result.skipped:
            stderr.say(f"not written: {skipped}")


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="The SQL to run.")],
    database: Annotated[Path | None, typer.Option(
        "--db", help="The built database. Default: build/cnru.duckdb in the package.")] = None,
    output: Annotated[QueryFormat, typer.Option("--format", help="How to print the result.")] = (
        QueryFormat.table),
    package: Annotated[Path, typer.Option(
        "--package", help="The package whose build to query (built first if missing).")] = Path(
        "."),
) -> None:
    """Run SQL against the built database: SELECT and EXPLAIN only, read only. Without --db, the
    package's build/cnru.duckdb, built first if it is missing; a missing --db is an error. The SQL
    may also read the CSVs directly, e.g. FROM 'data/claims.csv'.

    Example: cnru query "SELECT item_category, claims FROM claims_by_category"
    """
    import csv
    import json

    from .outputs.query import check_reading, locate_database, markdown, run_query

    with failures():
        database = locate_database(package, database)
        if not database.is_file():
            check_reading(sql)  # a query that would be refused builds nothing
            run_build(package, database.parent, None)
        result = run_query(database, sql)
        if output is QueryFormat.csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(result.columns)
            writer.writerows(result.rows)
        elif output is QueryFormat.markdown:
            stdout.say(markdown(result))
        elif output is QueryFormat.json:
            records = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
            stdout.say(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        else:
            from rich.table import Table  # only to draw the table: csv, json and markdown

            table = Table(*result.columns, show_lines=False)
            for row in result.rows:
                table.add_row(*("" if value is None else str(value) for value in row))
            stdout.print(table)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def diff(
    old: Annotated[str, typer.Argument(
        help="The old version: a package folder, a release zip, or a git revision.")],
    new: Annotated[str, typer.Argument(help="The new version, likewise.")],
    output: Annotated[DiffFormat, typer.Option("--format", help="How to print the changes.")] = (
        DiffFormat.text),
    repo: Annotated[Path, typer.Option(
        "--repo", help="The git repository (and package folder) revisions are read from.")] = (
        Path(".")),
) -> None:
    """The rows added, removed and changed between two versions, by primary key, field by field.

    Example: cnru diff HEAD~1 HEAD --format markdown
    """
    from .engine import diff as diffs

    with failures():
        result = diffs.diff_packages(old, new, repo)
        if output is DiffFormat.json:
            stdout.say(diffs.as_json(result))
        elif output is DiffFormat.markdown:
            stdout.say(diffs.as_markdown(result))
        else:
            for line in diffs.as_text(result):
                stdout.say(line)


@app.command()
def release(package: PackageArg = Path("."), out: OutOption = Path("build"),
            dist: Annotated[Path, typer.Option(
                "--dist", help="Where the zip goes.")] = Path("dist"),
            sources_dir: SourcesOption = None) -> None:
    """Build, then zip the CSVs, Parquet, database, descriptors, summaries, README and checksums
    into dist/cn-ru-military-support-<version>.zip.

    Example: cnru release . --dist dist
    """
    from .outputs.release import check_folders
    from .outputs.release import release as make_release

    with failures():
        check_folders(package, out, dist, sources_dir)  # before building
        built = run_build(package, out, sources_dir)
        target = make_release(built, dist)
        stdout.say(f"released {target}")


@app.command()
def locate(
    source_id: Annotated[str, typer.Argument(help="The source (`sources.source_id`).")],
    quote: Annotated[str, typer.Argument(help="The words to find, as the row will hold them.")],
    package: Annotated[Path, typer.Option("--package", help="The package.")] = Path("."),
    sources_dir: SourcesOption = None,
) -> None:
    """Find a quote in a source's archived text under the matching rule; print its offsets
    (`start end`, for quote_start and quote_end) and the raw text there. Exit 1, naming the
    longest prefix found and where, if the quote is not in the text.

    Example: cnru locate treasury-2024-05-01-jy2318 "Tulun International Holding Limited"
    """
    from .dataset.sources import locate_source

    with failures():
        located = locate_source(package, source_id, quote, sources_dir)
        stdout.say(f"{located.start} {located.end}")
        stdout.say(located.span)


def main() -> None:
    # A run is one short process: young cycles are still collected, but the full collections
    # that walk every imported module's objects again (0.2 s at a million claims) are put off,
    # and so is the one at exit (frozen objects are left to the operating system).
    gc.set_threshold(*gc.get_threshold()[:2], 1000)
    try:
        app()
    except InvalidPackage as invalid:  # raised only under --debug
        raise SystemExit(1) from invalid
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # a write outside a command's failures()
        try:
            closed_pipe()
        except typer.Exit as closed:
            sys.exit(closed.exit_code)
    finally:
        gc.freeze()
