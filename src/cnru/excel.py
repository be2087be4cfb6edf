"""`build/excel/<table>.csv`: each table as a CSV that Excel opens as it is: UTF-8 with a byte
order mark (without one, Excel reads the file in the machine's legacy code page and garbles
every non-ASCII character), CRLF line ends, and no cell that Excel would run as a formula: a
cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with an
apostrophe, unless it is a plain number (`-5`, `+1.5`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

FOLDER = "excel"
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def safe(cell: str) -> str:
    if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def write_table(source: Path, target: Path) -> None:
    with (open(source, encoding="utf-8", newline="") as rows,
          open(target, "w", encoding="utf-8", newline="") as file):
        file.write(BOM)
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerows([safe(cell) for cell in row] for row in csv.reader(rows))


def write(resources, out: Path) -> list[Path]:
    """One file per resource (its CSV at `resource.path`), named after the resource."""
    folder = out / FOLDER
    folder.mkdir()
    written = []
    for resource in resources:
        target = folder / f"{resource.name}.csv"
        write_table(resource.path, target)
        written.append(target)
    return written
