"""This dataset's problem codes: its names, its cross-table rules, its minimums and its archived
texts. They join the engine's catalogue (`cnru.engine.problems.CODES`) when `cnru.dataset` is
imported.
"""

from __future__ import annotations

from ..engine.problems import ERROR, WARNING, Code, register

CODES: dict[str, Code] = {
    # the package's layout
    "unlisted-file": Code(ERROR, "A CSV file in `data/` is not listed as a resource in `datapackage.json`.", "Add a resource for it (with a schema in `schemas/`), or remove the file."),
    "name-mismatch": Code(ERROR, "A resource's name, data file and schema file do not follow `data/<name>.csv` and `schemas/<name>.json`.", "Rename so the three agree."),
    # names
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

register(CODES)
