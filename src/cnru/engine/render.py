"""One report, three renderings: aligned text lines, JSON (the report as data), and GitHub
workflow commands for pull-request annotations.

All three name a row by its line: the physical line of the file it starts on, the header being
line 1, as frictionless, editors and GitHub count (`Problem.line`). All three are bounded the
same way: the same problem on many rows (same file, field, code, value and message) is one
entry with its count and first lines, and only the first LIMIT entries are shown, with a last
line saying how many problems are left out. `everything=True` (`--all`) shows every problem
as its own entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from .problems import ERROR, WARNING, Problem, Report

TEXT_VALUE = 60
VALUE_COLUMN = 40  # values are padded to this width at most, so messages mostly align
LIMIT = 1000  # entries shown, as frictionless stops at 1,000 errors
FIRST_LINES = 5  # lines named in an entry of a repeated problem
ANNOTATIONS = 10  # per severity: GitHub shows 10 error and 10 warning annotations per step
ALL_HINT = "run with --all to see every problem"


def line_of(problem: Problem) -> int | None:
    """The physical line the problem's row starts on; the data row + 1 if it was not set."""
    if problem.line is not None:
        return problem.line
    return problem.row + 1 if problem.row else None


@dataclass(frozen=True)
class Entry:
    """A problem and how many rows have it: the first's `problem`, the first lines."""

    problem: Problem
    count: int
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Shown:
    entries: list[Entry]
    omitted: int  # problems in no shown entry
    omitted_entries: int


def entries(report: Report, everything: bool = False, limit: int = LIMIT) -> Shown:
    """The report's problems as entries, in report order (by file, then row)."""
    if everything:
        return Shown([Entry(p, 1, (line,) if (line := line_of(p)) else ())
                      for p in report.problems], 0, 0)
    groups: dict[tuple, list] = {}
    for problem in report.problems:
        group = groups.get(key := problem.group_key())
        if group is None:
            groups[key] = [problem, 1, [line_of(problem)]]
        else:
            group[1] += 1
            if len(group[2]) < FIRST_LINES:
                group[2].append(line_of(problem))
    shown = [Entry(p, n, tuple(x for x in lines if x)) for p, n, lines
             in list(groups.values())[:limit]]
    omitted = len(report.problems) - sum(e.count for e in shown)
    return Shown(shown, omitted, len(groups) - len(shown))


def repeated(entry: Entry) -> str:
    """What a message adds for a problem on several rows."""
    if entry.count == 1:
        return ""
    lines = ", ".join(map(str, entry.lines)) + (", …" if entry.count > len(entry.lines) else "")
    return f" ({entry.count:,} rows: lines {lines})"


def omitted_line(shown: Shown) -> str | None:
    if not shown.omitted:
        return None
    return (f"… and {shown.omitted:,} more problem(s) on {shown.omitted_entries:,} more "
            f"line(s) not shown; {ALL_HINT}")


def as_json(report: Report, everything: bool = False) -> str:
    return "".join(json_chunks(report, everything))


def json_chunks(report: Report, everything: bool = False) -> Iterator[str]:
    """The report as JSON, an entry at a time (a large report is never one string in memory):
    `problems` holds the entries, each a problem with `count` and `lines`; `omitted` counts
    the problems left out (0 with `everything`)."""
    shown = entries(report, everything)
    head = {"valid": report.valid, "errors": report.errors, "warnings": report.warnings}
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "problems": ['
    for index, entry in enumerate(shown.entries):
        record = {**entry.problem.to_dict(), "line": line_of(entry.problem),
                  "count": entry.count, "lines": list(entry.lines)}
        text = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ("," if index else "") + "\n    " + text
    sources = (f',\n  "sources": {json.dumps(report.sources, ensure_ascii=False)}'
               if report.sources else "")
    yield ("\n  " if shown.entries else "") + f'],\n  "omitted": {shown.omitted}{sources}\n}}'


def shown_value(value: str | None) -> str:
    if value is None:
        return "-"
    text = value if len(value) <= TEXT_VALUE else value[:TEXT_VALUE] + "…"
    return repr(text)


def where(problem: Problem) -> str:
    line = line_of(problem)
    return f"{problem.file}:{line}" if line else problem.file


def as_text(report: Report, color: bool = False, everything: bool = False) -> list[str]:
    """One line per entry, in aligned columns: where, field, code, value, message."""
    result = entries(report, everything)
    rows = [(where(e.problem), e.problem.field or "-", e.problem.code,
             shown_value(e.problem.value), e.problem.message + repeated(e), e.problem.severity)
            for e in result.entries]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
    widths[3] = min(widths[3], VALUE_COLUMN)
    if color:  # rich's markup, for a terminal only: its import is a twentieth of a second
        from rich.markup import escape
    lines = []
    for row in rows:
        cells = [text.ljust(width) for text, width in zip(row[:4], widths, strict=True)]
        message, severity = row[4], row[5]
        if color:
            style = "red" if severity == ERROR else "yellow"
            cells = [f"[bold]{escape(cells[0])}[/]", escape(cells[1]),
                     f"[{style}]{escape(cells[2])}[/]", escape(cells[3])]
            message = f"[dim]{escape(message)}[/]"
        lines.append("  ".join([*cells, message]))
    if more := omitted_line(result):
        lines.append(escape(more) if color else more)
    lines.append(verdict(report))
    return lines


def sources_lines(report: Report, shown_names: int = 5) -> list[str]:
    """Which archived texts were checked, where, and which could not be (texts absent)."""
    checked = report.sources.get("checked", {})
    absent = report.sources.get("not_checked", [])
    lines = []
    if checked:
        places = ", ".join(f"{len(names)} in {folder}" for folder, names in checked.items())
        lines.append(f"sources: {sum(map(len, checked.values()))} archived text(s) checked "
                     f"({places})")
    if absent:
        more = f" and {len(absent) - shown_names} more" if len(absent) > shown_names else ""
        lines.append(f"sources: {len(absent)} not checked (texts absent): "
                     f"{', '.join(absent[:shown_names])}{more}")
    return lines


def verdict(report: Report) -> str:
    return f"{'valid' if report.valid else 'invalid'}: {report.summary()}"


def github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(report: Report, everything: bool = False) -> list[str]:
    """Annotations for the first ANNOTATIONS entries of each severity (all GitHub shows for a
    step), a notice that sums up, then the text report (bounded as text is) for the log."""
    result = entries(report, everything)
    lines, annotated = [], {ERROR: 0, WARNING: 0}
    for entry in result.entries:
        p = entry.problem
        if annotated[p.severity] == ANNOTATIONS:
            continue
        annotated[p.severity] += 1
        properties = [f"file={github_escape(p.file, property_value=True)}"]
        if line := line_of(p):
            properties.append(f"line={line}")
        properties.append(f"title={github_escape(p.code, property_value=True)}")
        subject = f"{p.field} {shown_value(p.value)}: " if p.field else ""
        lines.append(f"::{p.severity} {','.join(properties)}::"
                     f"{github_escape(subject + p.message + repeated(entry))}")
    annotations = sum(annotated.values())
    listed = len(result.entries) + result.omitted_entries
    note = (f"{verdict(report)}; {annotations} of {listed:,} problem line(s) annotated, "
            "the log lists them" + ("" if everything or not result.omitted else
                                    f" up to {LIMIT:,}; {ALL_HINT}"))
    lines.append(f"::notice title=cnru validate::{github_escape(note)}")
    return [*lines, *as_text(report, everything=everything)]
