"""The rules a Table Schema cannot express: each a SQL condition on one row of a typed table
or of a context view, judged by pandera when some row breaks it.

One function per problem code. Each returns a `Target`: the table or view whose rows name the
`resource`, the data row `_row` and the field at fault, and `ok`, a SQL condition that is true
(or NULL: not applicable) where a row passes. The joins and unions a rule needs are views in
`sql/context.sql`: SQL prepares, pandera judges.

A valid package needs only one count query per table, which sums the rows breaking each rule
that reads it; pandera (its pandas backend, imported then) collects the failing rows of a rule
that some row breaks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

import duckdb

from ..engine.problems import Problem
from ..engine.schema_sql import ident, literal
from .sources import Nearest, check_offsets

MODEL = ("sources", "entities", "entity_aliases", "claims", "claim_evidence", "actions",
         "action_targets", "action_evidence", "list_entries", "links", "entity_identifiers")


@dataclass(frozen=True)
class Target:
    """A rule's table and its SQL on one row of it: `ok`, and what a problem of the row names."""

    table: str  # a typed table or a context view, with the data row `_row`
    ok: str
    message: str
    value: str  # the judged value
    field: str = "field"  # the field at fault
    resource: str = "resource"
    explain: Callable[[dict], str] | None = None  # a failing row's message, if not `message`
    explained: tuple[str, ...] = ()  # the columns `explain` reads


def rows(name: str, field: str, ok: str, message: str) -> Target:
    """A rule on a typed table whose problems are all reported in one field."""
    return Target(f"typed.{ident(name)}", ok, message, value=ident(field), field=literal(field),
                  resource=literal(name))


def context(view: str) -> str:
    return f"context.{ident(view)}"


@dataclass(frozen=True)
class Run:
    """What a rule may need of the run beyond SQL: the connection, whether quotes are checked."""

    con: duckdb.DuckDBPyConnection
    with_texts: bool


RULES: dict[str, Callable[[Run], Target | None]] = {}


def rule(code: str):
    def register(function):
        RULES[code] = function
        return function
    return register


def create_context(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((files("cnru.dataset") / "sql" / "context.sql").read_text(encoding="utf-8"))


@dataclass
class Plan:
    """The rules that apply, with the connection their queries run on, and those some row
    breaks if they were counted when planned."""

    con: duckdb.DuckDBPyConnection
    targets: dict[str, Target]
    broken: list[str] | None = None


def plan_rules(con: duckdb.DuckDBPyConnection, with_texts: bool, count: bool = False) -> Plan:
    """The context views made and the rules that apply; `count`: the rows breaking each
    counted too."""
    create_context(con)
    if with_texts:
        check_offsets(con)
    run = Run(con, with_texts)
    plan = Plan(con, {code: target for code, make_target in RULES.items()
                      if (target := make_target(run)) is not None})
    if count:
        plan.broken = breaking(con, plan.targets)
    return plan


def run_rules(plan: Plan, paths: dict[str, str]) -> list[Problem]:
    """The problems of every rule some row breaks; `paths` maps resource names to their
    files."""
    broken = plan.broken if plan.broken is not None else breaking(plan.con, plan.targets)
    problems = []
    for code in broken:
        problems.extend(judge(code, plan.targets[code], plan.con, paths))
    return problems


def count_queries(targets: dict[str, Target]) -> list[tuple[str, list[str]]]:
    """Per table one query that counts the rows breaking each rule that reads it."""
    by_table: dict[str, dict[str, str]] = {}
    for code, target in targets.items():
        by_table.setdefault(target.table, {})[code] = target.ok
    return [("SELECT " + ", ".join(f"count(*) FILTER (WHERE NOT coalesce({ok}, TRUE))"
                                   for ok in oks.values()) + f" FROM {table}", list(oks))
            for table, oks in by_table.items()]


def breaking(con: duckdb.DuckDBPyConnection, targets: dict[str, Target]) -> list[str]:
    """The rules some row breaks, counted with one scan per table however many rules read it,
    so that a valid package is judged quickly; pandera then collects the failing rows of just
    these rules. Each table is counted in its own query, which frees its joins' memory."""
    broken = set()
    for query, codes in count_queries(targets):
        [totals] = con.execute(query).fetchall()
        broken.update(code for code, total in zip(codes, totals, strict=True) if total)
    return [code for code in targets if code in broken]


OK = "$ok"
CHUNK = 50  # DuckDB vectors (2,048 rows each) per frame that pandera checks: memory stays flat


def failing_rows(code: str, target: Target, con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows of the target's table that break the rule, as pandera finds them, a frame of
    about 100,000 rows at a time."""
    import pandera.pandas as pa  # only when a rule fails: pandera collects the failure cases

    schema = pa.DataFrameSchema(
        checks=[pa.Check(lambda data: data[OK].fillna(True).astype(bool), name=code)])
    columns = ", ".join([f"{target.resource} AS resource", "_row", f"{target.field} AS field",
                         f"{target.value} AS value", *map(ident, target.explained)])
    result = con.execute(f"SELECT {columns}, ({target.ok}) AS {ident(OK)} FROM {target.table}")
    failing = []
    while len(frame := result.fetch_df_chunk(CHUNK)):
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = frame.loc[sorted(set(errors.failure_cases["index"]))].drop(columns=OK)
            failing.extend(cases.astype(object).where(cases.notna(), None).to_dict("records"))
    return failing


def shown(value) -> str | None:
    """A judged value as the CSV would write it."""
    if value is None:  # NULL (failing_rows makes NaN and NaT None)
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def judge(code: str, target: Target, con: duckdb.DuckDBPyConnection,
          paths: dict[str, str]) -> list[Problem]:
    problems = []
    for case in failing_rows(code, target, con):
        message = target.explain(case) if target.explain else target.message
        problems.append(Problem.of(code, paths[case["resource"]], message, row=int(case["_row"]),
                                   field=case["field"], value=shown(case["value"])))
    return problems


# ------------------------------------------------------------------ dates and periods


@rule("period-order")
def period_order(run: Run) -> Target:
    return rows("claims", "period_end", "period_start <= period_end",
                "the period ends before it starts")


@rule("date-after-publication")
def date_after_publication(run: Run) -> Target:
    return Target(context("dated_claims_and_actions"), 'forecast OR "date" <= published_by',
                  "the date is after a supporting source was published (a claim about the "
                  "future needs is_forecast = true)", value='"date"')


@rule("date-precision")
def date_precision(run: Run) -> Target:
    """A date agrees with its precision: at the start of its month, quarter or year (the end,
    for the last day of a period), and present exactly when the precision is known."""
    ok = """CASE
        WHEN precision IS NULL OR precision = 'unknown' THEN "date" IS NULL
        WHEN "date" IS NULL THEN FALSE
        WHEN precision = 'month' THEN
            CASE WHEN bound = 'end' THEN day("date" + INTERVAL 1 DAY) = 1
                 ELSE day("date") = 1 END
        WHEN precision = 'quarter' THEN
            CASE WHEN bound = 'end' THEN month("date") IN (3, 6, 9, 12)
                                         AND day("date" + INTERVAL 1 DAY) = 1
                 ELSE month("date") IN (1, 4, 7, 10) AND day("date") = 1 END
        WHEN precision = 'year' THEN
            CASE WHEN bound = 'end' THEN month("date") = 12 AND day("date") = 31
                 ELSE month("date") = 1 AND day("date") = 1 END
        ELSE TRUE
    END"""
    return Target(context("dates"), ok, "the date and its precision disagree", value='"date"')


@rule("note-missing")
def note_missing(run: Run) -> Target:
    return Target(context("derivations"), "NOT needed OR note IS NOT NULL",
                  "a date, period or derived count is given without saying how it was derived",
                  value="note")


# ------------------------------------------------------------------ quantities


@rule("percent-out-of-range")
def percent_out_of_range(run: Run) -> Target:
    return Target(context("quantities"), "unit <> 'percent' OR value <= 100",
                  "a percentage must be between 0 and 100", value="value", field="value_field")


@rule("quantity-unit-missing")
def quantity_unit_missing(run: Run) -> Target:
    return Target(context("quantities"), "value IS NULL OR unit IS NOT NULL",
                  "the quantity has a value but no unit", value="unit", field="unit_field")


@rule("quantity-value-missing")
def quantity_value_missing(run: Run) -> Target:
    return Target(context("quantities"),
                  "value IS NOT NULL OR (unit IS NULL AND qualifier IS NULL)",
                  "a unit or qualifier is given without a value", value="value",
                  field="value_field")


@rule("claim-quantity-mismatch")
def claim_quantity_mismatch(run: Run) -> Target:
    same = """quantity_value IS NOT DISTINCT FROM figure_value
              AND quantity_unit IS NOT DISTINCT FROM figure_unit
              AND quantity_qualifier IS NOT DISTINCT FROM figure_qualifier"""
    return Target(context("claim_quantities"), same,
                  "the claim's quantity differs from a figure in its evidence; "
                  "leave it empty when sources differ", value="quantity_value",
                  field="'quantity_value'", resource="'claims'")


# ------------------------------------------------------------------ links between tables


@rule("claim-without-evidence")
def claim_without_evidence(run: Run) -> Target:
    return rows("claims", "claim_id", "claim_id IN (SELECT claim_id FROM typed.claim_evidence)",
                "the claim has no evidence row")


@rule("action-without-evidence")
def action_without_evidence(run: Run) -> Target:
    return rows("actions", "action_id",
                "action_id IN (SELECT action_id FROM typed.action_evidence)",
                "the action has no evidence row")


@rule("entity-without-alias")
def entity_without_alias(run: Run) -> Target:
    return rows("entities", "entity_id",
                "entity_id IN (SELECT entity_id FROM typed.entity_aliases)",
                "the entity has no alias row tying it to a text")


@rule("country-quote-missing")
def country_quote_missing(run: Run) -> Target:
    return rows("entities", "country", "(country IS NOT NULL) = "
                "(country_quote IS NOT NULL AND country_source_id IS NOT NULL)",
                "a country needs country_source_id and country_quote, and they need a country")


@rule("target-empty")
def target_empty(run: Run) -> Target:
    return rows("action_targets", "target_entity_id",
                "target_entity_id IS NOT NULL OR target_country IS NOT NULL "
                "OR target_count IS NOT NULL",
                "the target row names no entity, country or count")


@rule("target-count-exceeds-total")
def target_count_exceeds_total(run: Run) -> Target:
    return Target(context("target_sums"), "target_count_sum <= target_count_total",
                  "the action's target counts from one source add up to more than its total",
                  value="target_count_total", field="'target_count_total'", resource="'actions'")


@rule("target-evidence-other-action")
def target_evidence_other_action(run: Run) -> Target:
    def explain(case: dict) -> str:
        return (f"the evidence row is evidence of {case['evidence_action_id']}, not of the "
                f"target's action {case['action_id']}")

    return Target(context("target_evidence"), "evidence_action_id = action_id",
                  "the evidence row is evidence of another action", value="evidence_id",
                  field="'evidence_id'", resource="'action_targets'", explain=explain,
                  explained=("evidence_action_id", "action_id"))


@rule("unknown-reference")
def unknown_reference(run: Run) -> Target:
    return Target(context("note_references"), "known",
                  "the note mentions a claim or action identifier that does not exist",
                  value="reference")


# ------------------------------------------------------------------ verbatim text


QUOTE_NOT_FOUND = "not found verbatim in the archived text of the source"


@rule("quote-not-in-source")
def quote_not_in_source(run: Run) -> Target | None:
    if not run.with_texts:
        return None
    nearest = Nearest(run.con)

    def explain(case: dict) -> str:
        return f"{QUOTE_NOT_FOUND} {nearest(case['source_id'], case['value'])}"

    return Target(context("verbatim"), "found", QUOTE_NOT_FOUND, value="text", explain=explain,
                  explained=("source_id",))


@rule("quote-offset-incomplete")
def quote_offset_incomplete(run: Run) -> Target:
    return Target(context("evidence_offsets"),
                  "quote_start IS NOT NULL AND quote_end IS NOT NULL",
                  "quote_start and quote_end go together: give both, or neither",
                  value="CASE WHEN quote_start IS NULL THEN quote_start ELSE quote_end END",
                  field="CASE WHEN quote_start IS NULL THEN 'quote_start' ELSE 'quote_end' END")


@rule("quote-offset-mismatch")
def quote_offset_mismatch(run: Run) -> Target | None:
    if not run.with_texts:
        return None

    def explain(case: dict) -> str:
        where = ("the quote is not in the text at all" if case["found_start"] is None else
                 f"its first match is at {case['found_start']}-{case['found_end']}")
        return f"the text at quote_start-quote_end does not match the quote; {where}"

    return Target(context("quote_offsets"), "ok", "the text at quote_start-quote_end does not "
                  "match the quote", value="quote_start", explain=explain,
                  explained=("found_start", "found_end"))


@rule("as-stated-not-in-quote")
def as_stated_not_in_quote(run: Run) -> Target:
    return Target(context("as_stated"), "found", "not found in the row's evidence quote(s)",
                  value="text")


# ------------------------------------------------------------------ the official record


@rule("link-target-mismatch")
def link_target_mismatch(run: Run) -> Target:
    ok = """CASE WHEN link_type = 'concerns-action'
                 THEN action_id IS NOT NULL AND related_claim_id IS NULL
                 ELSE related_claim_id IS NOT NULL AND action_id IS NULL END"""
    return rows("links", "link_type", ok,
                "a concerns-action link needs action_id and no related_claim_id; "
                "the other types need related_claim_id and no action_id")


@rule("identifier-pattern")
def identifier_pattern(run: Run) -> Target:
    def explain(case: dict) -> str:
        return f"not a {case['scheme']} identifier: the scheme's pattern is {case['pattern']}"

    return Target(context("identifier_patterns"), "matches",
                  "the identifier does not fit its scheme's pattern", value="identifier",
                  field="'identifier'", resource="'entity_identifiers'", explain=explain,
                  explained=("scheme", "pattern"))


@rule("date-bounds-order")
def date_bounds_order(run: Run) -> Target:
    return Target(context("date_bounds"), "not_before <= not_after",
                  "the date's upper bound is before its lower bound", value="not_after",
                  field="after_field")


@rule("date-outside-bounds")
def date_outside_bounds(run: Run) -> Target:
    ok = """"date" IS NULL OR ((not_before IS NULL OR date_last >= not_before)
                               AND (not_after IS NULL OR "date" <= not_after))"""
    return Target(context("date_bounds"), ok,
                  "the date lies outside its own not_before/not_after bounds", value='"date"')


@rule("figure-bounds-order")
def figure_bounds_order(run: Run) -> Target:
    return rows("claim_evidence", "figure_max", "figure_min <= figure_max",
                "figure_max is below figure_min")


@rule("figure-outside-bounds")
def figure_outside_bounds(run: Run) -> Target:
    ok = """figure_value IS NULL OR ((figure_min IS NULL OR figure_value >= figure_min)
                                     AND (figure_max IS NULL OR figure_value <= figure_max))"""
    return rows("claim_evidence", "figure_value", ok,
                "figure_value lies outside figure_min and figure_max")


@rule("country-basis-mismatch")
def country_basis_mismatch(run: Run) -> Target:
    return rows("entities", "country_basis", "(country IS NULL) = (country_basis IS NULL)",
                "country_basis says how the quote establishes country: give it exactly when "
                "country is given")
