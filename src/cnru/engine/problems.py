"""Problems are data: one record per problem, with a stable kebab-case code.

`CODES` is the catalogue: every code the validator can report, what it means and how to fix
it. The engine's codes are here; `cnru.dataset.problems` adds this dataset's (`register`) when
`cnru.dataset` is imported. `docs/problems.md` is generated from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import NamedTuple

ERROR, WARNING = "error", "warning"
VALUE_LIMIT = 200


class Code(NamedTuple):
    severity: str
    meaning: str
    fix: str


CODES: dict[str, Code] = {
    # the package descriptor and its safety
    "descriptor-error": Code(ERROR, "`datapackage.json` is not valid JSON, or not a valid Data Package (checked with frictionless), or declares an encoding or a dialect option cnru does not read.", "Fix the property named in the message; `frictionless validate datapackage.json` shows the same."),
    "schema-error": Code(ERROR, "A Table Schema cannot be read, is not valid, or uses a type, format, constraint or pattern syntax cnru does not support.", "Fix the schema file named in the message."),
    "unsafe-path": Code(ERROR, "A path in the descriptor is absolute, contains `..`, or leads outside the package. It is reported, never opened.", "Use a relative path inside the package, such as `data/table.csv`."),
    "remote-path": Code(ERROR, "A path in the descriptor is a URL (http, https, file, ...). cnru never fetches anything.", "Commit the file and use its relative path."),
    # files
    "file-missing": Code(ERROR, "A resource's data file does not exist.", "Add the file or fix the resource path."),
    "file-empty": Code(ERROR, "A data file is empty (not even a header row).", "Write the header row: the schema's field names, comma-separated."),
    "file-binary": Code(ERROR, "A data file contains NUL bytes: it is not a text CSV.", "Export the table as UTF-8 CSV."),
    "encoding-error": Code(ERROR, "A data file is not valid UTF-8. The rest of the file is not checked.", "Re-save the file as UTF-8."),
    "csv-error": Code(ERROR, "A data file cannot be parsed as CSV (a quote inside a quoted value that is not doubled, text after a closing quote, a line over the size limit). The rest of the file is not checked.", "Fix the line named in the message."),
    "header-mismatch": Code(ERROR, "A data file's first line is blank where the header row belongs. The rest of the file is not checked.", "Write the schema's field names, comma-separated, on the first line."),
    "blank-label": Code(ERROR, "A column of a data file's header is blank where the schema names a field. The rows are still checked, the column's cells as that field (as frictionless does).", "Write the schema's field name in the header."),
    "duplicate-label": Code(ERROR, "A column of a data file's header repeats an earlier column's name where the schema names another field. The rows are still checked, the column's cells as the schema's field (as frictionless does).", "Write the schema's field name in the header."),
    "incorrect-label": Code(ERROR, "A column of a data file's header names another field than the schema's field at that position (a renamed or misplaced column). The rows are still checked by position, the column's cells as the schema's field (as frictionless does).", "Write the schema's field names in the header, in order; move the column if it is out of place."),
    "missing-label": Code(ERROR, "A data file's header has fewer columns than the schema has fields: one problem per field beyond its last column. The rows are still checked against the header's columns (as frictionless does): the missing fields are not checked, nor a key over them, and a cell beyond the header's columns is an extra cell.", "Add the missing columns to the header and the rows, or remove the fields from the schema."),
    "extra-label": Code(ERROR, "A data file's header has more columns than the schema has fields: one problem per column beyond them. The rows are still checked (as frictionless does): an extra column's cells are not checked, but a row without them has missing cells.", "Remove the column from the header and the rows, or add a field for it to the schema."),
    # rows and cells, from the Table Schemas (the same verdicts as frictionless)
    "blank-row": Code(ERROR, "A row has no values.", "Delete the row."),
    "missing-cell": Code(ERROR, "A row has fewer cells than the schema has fields.", "Add the missing commas or values."),
    "extra-cell": Code(ERROR, "A row has more cells than the schema has fields.", "Remove the extra cells, or quote a value that contains a comma."),
    "type-error": Code(ERROR, "A value cannot be read as the field's type (a date that is not YYYY-MM-DD, a number with letters).", "Write the value in the field's type; see the data dictionary."),
    "constraint-error": Code(ERROR, "A value breaks a constraint of its field: required, pattern, enum, minimum, maximum or length.", "Use a value the field allows; the message names the constraint."),
    "unique-error": Code(ERROR, "A value of a unique field repeats an earlier row's value.", "Use a new value, or merge the rows."),
    "primary-key": Code(ERROR, "The primary key repeats an earlier row's key.", "Give the row a new identifier, or merge the rows."),
    "foreign-key": Code(ERROR, "A reference points to an identifier that does not exist in the referenced table.", "Fix the identifier, or add the referenced row."),
    # cells: safety and hygiene
    "formula-injection": Code(ERROR, "A free-text cell starts with `=`, or with `+`, `-` or `@` followed by a non-digit, or with a tab or carriage return: spreadsheets would run it as a formula. (`-5` and `+44` are fine.)", "Reword the value so it starts with another character."),
    "control-character": Code(ERROR, "A free-text cell contains a control character (a newline, tab, NUL, ...).", "Remove it; write the value on one line."),
    "bad-whitespace": Code(ERROR, "A name has leading or trailing whitespace, or a non-breaking space. (Identifiers have patterns that reject spaces.)", "Trim the value and use ordinary spaces."),
    "invisible-character": Code(ERROR, "A name or identifier contains an invisible or bidirectional control character: a zero-width space or joiner, a soft hyphen, a word joiner, a byte-order mark, a left-to-right or right-to-left mark, embedding, override or isolate, a variation selector. It hides a difference between names or reorders what a reader sees.", "Delete the character (retype the value)."),
}


def register(codes: dict[str, Code]) -> None:
    """Add the codes of a package's own checks to the catalogue."""
    if clash := CODES.keys() & codes.keys():
        raise ValueError(f"problem codes defined twice: {sorted(clash)}")
    CODES.update(codes)


def clip(value: object) -> str | None:
    """A cell value as the report shows it: text, cut to a readable length."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str | None
    code: str
    value: str | None = None
    message: str = ""
    severity: str = field(default=ERROR, compare=False)
    line: int | None = field(default=None, compare=False)  # the physical line the row starts on

    @classmethod
    def of(cls, code, file, message, *, row=None, field=None, value=None, line=None):
        """A problem with the severity its code has in the catalogue."""
        return cls(file=file, row=row, field=field, code=code, value=clip(value),
                   message=message, severity=CODES[code].severity, line=line)

    def sort_key(self):
        return (self.file, self.row or 0, self.field or "", self.code, self.value or "")

    def to_dict(self) -> dict:
        return asdict(self)

    def group_key(self) -> tuple:
        """Problems with the same key are the same problem on several rows."""
        return (self.file, self.field, self.code, self.value, self.message, self.severity)


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...] = ()
    # the files read beside the tables (the texts a package archives), by whoever checked
    # them: {"checked": {folder: [file, ...]}, "not_checked": [file, ...]}
    sources: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, problems, sources: dict | None = None) -> Report:
        return cls(tuple(sorted(set(problems), key=Problem.sort_key)), sources or {})

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def summary(self) -> str:
        return f"{self.errors} error(s), {self.warnings} warning(s)"

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [p.to_dict() for p in self.problems],
            **({"sources": self.sources} if self.sources else {}),
        }
