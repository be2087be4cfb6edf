"""Problems are data: one record per problem, with a stable kebab-case code.

`CODES` is the catalogue: every code the validator can report, what it means and how to fix
it. `docs/problems.md` is generated from it.
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
    "unsafe-path": Code(ERROR, "A path in the descriptor is absolute, contains `..`, or leads outside the package. It is reported, never opened.", "Use a relative path inside the package, such as `data/claims.csv`."),
    "remote-path": Code(ERROR, "A path in the descriptor is a URL (http, https, file, ...). cnru never fetches anything.", "Commit the file and use its relative path."),
    "unlisted-file": Code(ERROR, "A CSV file in `data/` is not listed as a resource in `datapackage.json`.", "Add a resource for it (with a schema in `schemas/`), or remove the file."),
    "name-mismatch": Code(ERROR, "A resource's name, data file and schema file do not follow `data/<name>.csv` and `schemas/<name>.json`.", "Rename so the three agree."),
    # files
    "file-missing": Code(ERROR, "A resource's data file does not exist.", "Add the file or fix the resource path."),
    "file-empty": Code(ERROR, "A data file is empty (not even a header row).", "Write the header row: the schema's field names, comma-separated."),
    "file-binary": Code(ERROR, "A data file contains NUL bytes: it is not a text CSV.", "Export the table as UTF-8 CSV."),
    "encoding-error": Code(ERROR, "A data file is not valid UTF-8. The rest of the file is not checked.", "Re-save the file as UTF-8."),
    "csv-error": Code(ERROR, "A data file cannot be parsed as CSV (a quote inside a quoted value that is not doubled, text after a closing quote, a line over the size limit). The rest of the file is not checked.", "Fix the line named in the message."),
    "header-mismatch": Code(ERROR, "A data file's header row does not match the schema's field names and order. The rest of the file is not checked.", "Make the header exactly the schema's field names, in order."),
    "blank-label": Code(ERROR, "A column of a data file's header is blank where the schema names a field. The rows are still checked, the column's cells as that field (as frictionless does).", "Write the schema's field name in the header."),
    "duplicate-label": Code(ERROR, "A column of a data file's header repeats an earlier column's name where the schema names another field. The rows are still checked, the column's cells as the schema's field (as frictionless does).", "Write the schema's field name in the header."),
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
    "duplicate-entity-name": Code(ERROR, "Two entities have names that are equal after dropping invisible characters and combining overlays, Unicode normalisation (NFKC), case folding and folding of look-alike characters (a Cyrillic `а` in `Rаytheon`).", "Merge the entities (keep one, move the other's aliases), or give them distinguishable names."),
    # cross-column and cross-table rules
    "period-order": Code(ERROR, "A period starts after it ends.", "Swap or correct `period_start` and `period_end`."),
    "date-after-publication": Code(ERROR, "A date lies after the publication of a source that supports the row, and the row is not marked as a forecast.", "Correct the date, or set `is_forecast` to true if the claim is about the future."),
    "date-precision": Code(ERROR, "A date and its precision disagree: a date with precision `unknown`, a precision without a date, or a date not at the start (or a period end not at the end) of its month, quarter or year.", "Write the first day of the month, quarter or year (the last day for a period end), or fix the precision."),
    "note-missing": Code(ERROR, "A date, period or count is given without the note that says how it was read or derived.", "Fill the matching `*_note` column (or `notes` for a derived target count)."),
    "percent-out-of-range": Code(ERROR, "A percentage is outside 0-100.", "Correct the value or its unit."),
    "quantity-unit-missing": Code(ERROR, "A quantity has a value but no unit.", "Add the unit (`quantity_unit` or `figure_unit`)."),
    "quantity-value-missing": Code(ERROR, "A unit or qualifier is given without a value.", "Add the value, or remove the unit and qualifier."),
    "claim-quantity-mismatch": Code(ERROR, "A claim's quantity differs from a figure one of its evidence rows states. A claim's quantity is only for figures every source states the same way.", "Empty the claim's quantity when sources differ; each evidence row keeps its own figure."),
    "claim-without-evidence": Code(ERROR, "A claim has no evidence row.", "Add a `claim_evidence` row with a verbatim quote."),
    "action-without-evidence": Code(ERROR, "An action has no evidence row.", "Add an `action_evidence` row with a verbatim quote."),
    "entity-without-alias": Code(ERROR, "An entity has no alias row, so nothing ties it to a text.", "Add an `entity_aliases` row with the name as a source prints it."),
    "country-quote-missing": Code(ERROR, "An entity has a country but no quote (and source) that establishes it, or a quote without a country.", "Fill `country_source_id` and `country_quote`, or empty `country`."),
    "target-empty": Code(ERROR, "An action target row names no entity, country or count.", "Fill at least one of them, or delete the row."),
    "target-count-exceeds-total": Code(ERROR, "An action's target counts from one source add up to more than its `target_count_total`: the sum of its counts by country, or the count of a row without a country (a group, all targets). Counts that cite evidence from different sources are not added together.", "Correct the counts or the total; where sources disagree on the total, leave `target_count_total` empty or cite each source's count with its own `evidence_id`."),
    "target-evidence-other-action": Code(ERROR, "An action target's `evidence_id` is an `action_evidence` row of another action: a target's evidence must be evidence of its own action.", "Cite an evidence row of the target's action (add one with the quote that names the target), or correct `action_id`."),
    "link-target-mismatch": Code(ERROR, "A link's target does not fit its `link_type`: a `concerns-action` link needs `action_id` (and no `related_claim_id`); the claim-to-claim types need `related_claim_id` (and no `action_id`).", "Fill the target the type needs and empty the other, or change the type."),
    "identifier-pattern": Code(ERROR, "An external identifier does not fit the pattern of its scheme: `wikidata` `Q[1-9][0-9]*`, `lei` `[A-Z0-9]{18}[0-9]{2}`, `opensanctions` `[A-Za-z0-9][A-Za-z0-9._-]*`, `ofac` `[1-9][0-9]*` (the whole identifier).", "Copy the identifier exactly as its source states it, or correct `scheme`."),
    "date-bounds-order": Code(ERROR, "A date's upper bound (`*_not_after`) is before its lower bound (`*_not_before`).", "Swap or correct the bounds."),
    "date-outside-bounds": Code(ERROR, "A known date lies outside its own bounds (`*_not_before`, `*_not_after`), given its precision.", "Correct the date or the bounds; bounds are for a date that is not known exactly."),
    "figure-bounds-order": Code(ERROR, "`figure_max` is below `figure_min`.", "Swap or correct the bounds."),
    "figure-outside-bounds": Code(ERROR, "`figure_value` lies outside `figure_min` and `figure_max`.", "Correct the value or its bounds."),
    "country-basis-mismatch": Code(ERROR, "An entity has a country without `country_basis`, or a `country_basis` without a country.", "Say how the quote establishes the country, or empty `country_basis`."),
    "unknown-reference": Code(ERROR, "A note mentions a claim or action identifier (such as `c-0012`) that does not exist.", "Fix the identifier in the note."),
    # dataset assertions (cnru.toml)
    "too-few-rows": Code(ERROR, "A table has fewer rows than its minimum in `cnru.toml` (`[minimum_rows]`), or a category fewer claims (`[minimum_claims_per_category]`): rows were lost in a merge or an export.", "Restore the lost rows; if the data really shrank, lower the minimum in `cnru.toml` in the same change."),
    "assertions-error": Code(ERROR, "`cnru.toml` cannot be read, a minimum is not a whole number, or it names a resource the package does not have.", "Fix the line of `cnru.toml` named in the message."),
    # sources
    "quote-not-in-source": Code(ERROR, "A quote, alias, list value or other verbatim text is not in the archived text of its source under the matching rule: exactly, in a `.txt` file; in the reader text (links, emphasis and line markers dropped), whitespace folded, in a `.md` file; in one string value, whitespace folded, in a `.json` file. The message names the longest prefix that is found and where.", "Copy the words exactly from the archived text (same case, punctuation and quotes); `cnru locate SOURCE_ID \"QUOTE\"` shows where a quote stands."),
    "quote-offset-incomplete": Code(ERROR, "An evidence row has `quote_start` without `quote_end`, or `quote_end` without `quote_start`.", "Give both (`cnru locate` prints them), or neither."),
    "quote-offset-mismatch": Code(ERROR, "The raw text of the archived file at [`quote_start`, `quote_end`) does not match the quote under the matching rule. The message gives the first match's offsets.", "Take the offsets `cnru locate` prints, or empty them."),
    "as-stated-not-in-quote": Code(ERROR, "An `*_as_stated` value is not found in the row's evidence quotes (or, for a figure, in its own quote).", "Copy the words exactly from one of the quotes, or extend a quote."),
    "source-file-missing": Code(ERROR, "A source's archived file is not in the sources directory, or cannot be read.", "Add the file, or fix `archive_file`."),
    "source-hash-mismatch": Code(ERROR, "The SHA-256 of an archived file differs from `archive_sha256`: the text changed.", "Restore the archived text; if a new version must be used, add it as a new source."),
    "sources-dir-missing": Code(ERROR, "The sources directory does not exist, so no quote and no hash can be checked, except those of the texts in the package's `archive/`. The message names the directory searched: `--sources-dir`, else `sources/` in the package if it exists, else `../shared/sources` beside the package.", "Pass `--sources-dir` pointing to the archived texts, or `--no-sources` to validate without them."),
    "sources-not-checked": Code(WARNING, "Quotes and hashes were not checked, because `--no-sources` was given (those of the texts in the package's `archive/` still are).", "Validate with the archived texts before a release."),
}


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
    # the archived texts: {"checked": {folder: [file, ...]}, "not_checked": [file, ...]}
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
