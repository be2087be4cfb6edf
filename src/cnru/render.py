"""One report, three renderings: aligned text lines, JSON (the report as data), and GitHub
workflow commands for pull-request annotations."""

from __future__ import annotations

import json

from rich.markup import escape

from .problems import ERROR, Report

TEXT_VALUE = 60
VALUE_COLUMN = 40  # values are padded to this width at most, so messages mostly align


def as_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def shown(value: str | None) -> str:
    if value is None:
        return "-"
    text = value if len(value) <= TEXT_VALUE else value[:TEXT_VALUE] + "…"
    return repr(text)


def as_text(report: Report, color: bool = False) -> list[str]:
    """One line per problem, in aligned columns: where, field, code, value, message."""
    rows = [(f"{p.file}:{p.row}" if p.row else p.file, p.field or "-", p.code, shown(p.value),
             p.message, p.severity) for p in report.problems]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
    widths[3] = min(widths[3], VALUE_COLUMN)
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
    verdict = "valid" if report.valid else "invalid"
    lines.append(f"{verdict}: {report.summary()}")
    return lines


def github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(report: Report) -> list[str]:
    lines = []
    for p in report.problems:
        properties = [f"file={github_escape(p.file, property_value=True)}"]
        if p.row:
            properties.append(f"line={p.row + 1}")  # the header is line 1
        properties.append(f"title={github_escape(p.code, property_value=True)}")
        subject = f"{p.field} {shown(p.value)}: " if p.field else ""
        lines.append(f"::{p.severity} {','.join(properties)}::"
                     f"{github_escape(subject + p.message)}")
    return lines
