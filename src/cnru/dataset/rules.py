"""The rules a Table Schema cannot express, as pandera checks run column-wise in DuckDB (ibis).

One function per problem code. Each returns a `Target`: a table whose rows name the `resource`,
the data row `_row` and the field at fault, and a boolean expression that is true (or NULL: not
applicable) where a row passes. The joins and unions a rule needs are views in
`sql/context.sql`: SQL prepares, pandera judges.

A valid package needs only the rules' count queries, which ibis compiles from these expressions;
store.py keeps them, keyed on this file, context.sql and the tables' columns, so that a run in
which no rule fails imports neither ibis nor pandera.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import TYPE_CHECKING

import duckdb

from ..engine.problems import Problem
from . import store
from .sources import Nearest, check_offsets

if TYPE_CHECKING:
    import ibis
    from ibis.expr.types import BooleanValue as Expression
else:
    class LazyIbis:
        """ibis, imported when a rule is first built (a third of a second of imports)."""

        def __getattr__(self, name: str):
            return getattr(importlib.import_module("ibis"), name)

    ibis = LazyIbis()
MODEL = ("sources", "entities", "entity_aliases", "claims", "claim_evidence", "actions",
         "action_targets", "action_evidence", "list_entries", "links", "entity_identifiers")


@dataclass(frozen=True)
class Target:
    table: ibis.Table  # with columns resource, _row, `field_column` and `value_column`
    ok: Expression
    message: str
    field_column: str = "field"
    value_column: str | None = None  # the column holding the judged value; default: the field
    explain: Callable[[dict], str] | None = None  # a failing row's message, if not `message`


class Tables:
    """The package's tables as ibis expressions: typed views and context views."""

    def __init__(self, con: duckdb.DuckDBPyConnection, with_texts: bool):
        self.con = con
        self.backend = ibis.duckdb.from_connection(con)
        self.with_texts = with_texts
        self.cache: dict[tuple[str, str], ibis.Table] = {}

    def table(self, schema: str, name: str) -> ibis.Table:
        if (schema, name) not in self.cache:
            self.cache[schema, name] = self.backend.table(name, database=schema)
        return self.cache[schema, name]

    def __getattr__(self, name: str) -> ibis.Table:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.table("typed", name)

    def context(self, name: str) -> ibis.Table:
        return self.table("context", name)

    def rows(self, name: str, field: str) -> ibis.Table:
        """A typed table whose problems are all reported in one field."""
        table = getattr(self, name)
        return table.mutate(resource=ibis.literal(name), field=ibis.literal(field))


RULES: dict[str, Callable[[Tables], Target | None]] = {}


def rule(code: str):
    def register(function):
        RULES[code] = function
        return function
    return register


def create_context(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((files("cnru.dataset") / "sql" / "context.sql").read_text(encoding="utf-8"))


@dataclass
class Plan:
    """Per table one query that counts the rows breaking each rule that reads the table (the
    codes in the order of the query's columns); the rules' targets, built when one fails."""

    con: duckdb.DuckDBPyConnection
    with_texts: bool
    codes: list[str]  # the rules that apply, in the order of RULES
    counts: list[tuple[str, list[str]]]
    built: dict[str, Target] | None = field(default=None, repr=False)

    @property
    def targets(self) -> dict[str, Target]:
        if self.built is None:
            self.built = build_targets(self.con, self.with_texts)
        return self.built


def build_targets(con: duckdb.DuckDBPyConnection, with_texts: bool) -> dict[str, Target]:
    tables = Tables(con, with_texts)
    return {code: target for code, make_target in RULES.items()
            if (target := make_target(tables)) is not None}


def compile_counts(targets: dict[str, Target]) -> list[tuple[str, list[str]]]:
    """The count queries, compiled by ibis: a tenth of a second."""
    by_table: dict[ibis.Table, dict[str, Expression]] = {}
    for code, target in targets.items():
        by_table.setdefault(target.table, {})[code] = (~target.ok.fill_null(True)).sum()
    # straight to DuckDB: ibis's own execution adds a fifth to a query this size
    return [(str(ibis.to_sql(table.aggregate(**sums), dialect="duckdb")), list(sums))
            for table, sums in by_table.items()]


def plan_rules(con: duckdb.DuckDBPyConnection, with_texts: bool) -> Plan:
    """The context views and the rules' count queries: from the store when it holds them for
    these tables, else compiled (and the targets kept for the run)."""
    create_context(con)
    if with_texts:
        check_offsets(con)
    if (stored := store.rule_counts(store.rules_key(con, with_texts))) is not None:
        codes, counts = stored
        return Plan(con, with_texts, codes, counts)
    targets = build_targets(con, with_texts)
    return Plan(con, with_texts, list(targets), compile_counts(targets), targets)


def run_rules(plan: Plan, paths: dict[str, str]) -> list[Problem]:
    """Every rule over the model's tables; `paths` maps resource names to their files."""
    problems = []
    for code in breaking(plan):
        problems.extend(judge(code, plan.targets[code], paths))
    return problems


def breaking(plan: Plan) -> list[str]:
    """The rules some row breaks, counted with one scan per table however many rules read it,
    so that a valid package is judged quickly; pandera then collects the failing rows of just
    these rules. Each table is counted in its own query, which frees its joins' memory."""
    broken = set()
    for query, codes in plan.counts:
        [totals] = plan.con.execute(query).fetchall()
        broken.update(code for code, total in zip(codes, totals, strict=True) if total)
    return [code for code in plan.codes if code in broken]


def failing_rows(code: str, table: ibis.Table, ok: Expression) -> list[dict]:
    import pandera.ibis as pa  # only when a rule fails: pandera collects the failure cases

    schema = pa.DataFrameSchema(checks=[pa.Check(lambda _data: ok, name=code)])
    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = list(errors.failure_cases["failure_case"])
    else:
        return []
    for case in cases:  # pandera reports a check that could not run as its failure case
        if isinstance(case, BaseException):
            raise case
    return [case for case in cases if isinstance(case, dict)]


def shown(value) -> str | None:
    """A judged value as the CSV would write it."""
    if value is None or value != value:  # NULL, NaN, NaT
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def judge(code: str, target: Target, paths: dict[str, str]) -> list[Problem]:
    problems = []
    for case in failing_rows(code, target.table, target.ok):
        field = case[target.field_column]
        value = case.get(target.value_column or field)
        message = target.explain(case) if target.explain else target.message
        problems.append(Problem.of(code, paths[case["resource"]], message,
                                   row=int(case["_row"]), field=field, value=shown(value)))
    return problems


# ------------------------------------------------------------------ dates and periods


@rule("period-order")
def period_order(t: Tables) -> Target:
    claims = t.rows("claims", "period_end")
    return Target(claims, claims.period_start <= claims.period_end,
                  "the period ends before it starts")


@rule("date-after-publication")
def date_after_publication(t: Tables) -> Target:
    dated = t.context("dated_claims_and_actions")
    return Target(dated, dated.forecast | (dated.date <= dated.published_by),
                  "the date is after a supporting source was published (a claim about the "
                  "future needs is_forecast = true)", value_column="date")


@rule("date-precision")
def date_precision(t: Tables) -> Target:
    """A date agrees with its precision: at the start of its month, quarter or year (the end,
    for the last day of a period), and present exactly when the precision is known."""
    dates = t.context("dates")
    date, precision, month, day = dates.date, dates.precision, dates.date.month(), dates.date.day()
    last_day = (date + ibis.interval(days=1)).day() == 1
    end = dates.bound == "end"
    fits = {
        "month": ibis.ifelse(end, last_day, day == 1),
        "quarter": ibis.ifelse(end, month.isin([3, 6, 9, 12]) & last_day,
                               month.isin([1, 4, 7, 10]) & (day == 1)),
        "year": ibis.ifelse(end, (month == 12) & (day == 31), (month == 1) & (day == 1)),
    }
    ok = ibis.cases((precision.isnull() | (precision == "unknown"), date.isnull()),
                    (date.isnull(), False),
                    *((precision == name, test) for name, test in fits.items()),
                    else_=True)
    return Target(dates, ok, "the date and its precision disagree", value_column="date")


@rule("note-missing")
def note_missing(t: Tables) -> Target:
    derivations = t.context("derivations")
    return Target(derivations, ~derivations.needed | derivations.note.notnull(),
                  "a date, period or derived count is given without saying how it was derived",
                  value_column="note")


# ------------------------------------------------------------------ quantities


@rule("percent-out-of-range")
def percent_out_of_range(t: Tables) -> Target:
    quantities = t.context("quantities")
    return Target(quantities, (quantities.unit != "percent") | (quantities.value <= 100),
                  "a percentage must be between 0 and 100", field_column="value_field",
                  value_column="value")


@rule("quantity-unit-missing")
def quantity_unit_missing(t: Tables) -> Target:
    quantities = t.context("quantities")
    return Target(quantities, quantities.value.isnull() | quantities.unit.notnull(),
                  "the quantity has a value but no unit", field_column="unit_field",
                  value_column="unit")


@rule("quantity-value-missing")
def quantity_value_missing(t: Tables) -> Target:
    quantities = t.context("quantities")
    unused = quantities.unit.isnull() & quantities.qualifier.isnull()
    return Target(quantities, quantities.value.notnull() | unused,
                  "a unit or qualifier is given without a value", field_column="value_field",
                  value_column="value")


@rule("claim-quantity-mismatch")
def claim_quantity_mismatch(t: Tables) -> Target:
    pairs = t.context("claim_quantities").mutate(resource=ibis.literal("claims"),
                                                  field=ibis.literal("quantity_value"))
    same = (pairs.quantity_value.identical_to(pairs.figure_value)
            & pairs.quantity_unit.identical_to(pairs.figure_unit)
            & pairs.quantity_qualifier.identical_to(pairs.figure_qualifier))
    return Target(pairs, same, "the claim's quantity differs from a figure in its evidence; "
                               "leave it empty when sources differ")


# ------------------------------------------------------------------ links between tables


@rule("claim-without-evidence")
def claim_without_evidence(t: Tables) -> Target:
    claims = t.rows("claims", "claim_id")
    return Target(claims, claims.claim_id.isin(t.claim_evidence.claim_id),
                  "the claim has no evidence row")


@rule("action-without-evidence")
def action_without_evidence(t: Tables) -> Target:
    actions = t.rows("actions", "action_id")
    return Target(actions, actions.action_id.isin(t.action_evidence.action_id),
                  "the action has no evidence row")


@rule("entity-without-alias")
def entity_without_alias(t: Tables) -> Target:
    entities = t.rows("entities", "entity_id")
    return Target(entities, entities.entity_id.isin(t.entity_aliases.entity_id),
                  "the entity has no alias row tying it to a text")


@rule("country-quote-missing")
def country_quote_missing(t: Tables) -> Target:
    entities = t.rows("entities", "country")
    quoted = entities.country_quote.notnull() & entities.country_source_id.notnull()
    return Target(entities, entities.country.notnull() == quoted,
                  "a country needs country_source_id and country_quote, and they need a country")


@rule("target-empty")
def target_empty(t: Tables) -> Target:
    targets = t.rows("action_targets", "target_entity_id")
    named = (targets.target_entity_id.notnull() | targets.target_country.notnull()
             | targets.target_count.notnull())
    return Target(targets, named, "the target row names no entity, country or count")


@rule("target-count-exceeds-total")
def target_count_exceeds_total(t: Tables) -> Target:
    sums = t.context("target_sums").mutate(resource=ibis.literal("actions"),
                                           field=ibis.literal("target_count_total"))
    return Target(sums, sums.target_count_sum <= sums.target_count_total,
                  "the action's target counts from one source add up to more than its total")


@rule("target-evidence-other-action")
def target_evidence_other_action(t: Tables) -> Target:
    pairs = t.context("target_evidence").mutate(resource=ibis.literal("action_targets"),
                                                field=ibis.literal("evidence_id"))

    def explain(case: dict) -> str:
        return (f"the evidence row is evidence of {case['evidence_action_id']}, not of the "
                f"target's action {case['action_id']}")

    return Target(pairs, pairs.evidence_action_id == pairs.action_id,
                  "the evidence row is evidence of another action", explain=explain)


@rule("unknown-reference")
def unknown_reference(t: Tables) -> Target:
    references = t.context("note_references")
    return Target(references, references.known,
                  "the note mentions a claim or action identifier that does not exist",
                  value_column="reference")


# ------------------------------------------------------------------ verbatim text


QUOTE_NOT_FOUND = "not found verbatim in the archived text of the source"


@rule("quote-not-in-source")
def quote_not_in_source(t: Tables) -> Target | None:
    if not t.with_texts:
        return None
    verbatim = t.context("verbatim")
    nearest = Nearest(t.con)

    def explain(case: dict) -> str:
        return f"{QUOTE_NOT_FOUND} {nearest(case['source_id'], case['text'])}"

    return Target(verbatim, verbatim.found, QUOTE_NOT_FOUND, value_column="text",
                  explain=explain)


@rule("quote-offset-incomplete")
def quote_offset_incomplete(t: Tables) -> Target:
    offsets = t.context("evidence_offsets")
    offsets = offsets.mutate(field=ibis.ifelse(offsets.quote_start.isnull(), "quote_start",
                                               "quote_end"))
    return Target(offsets, offsets.quote_start.notnull() & offsets.quote_end.notnull(),
                  "quote_start and quote_end go together: give both, or neither")


@rule("quote-offset-mismatch")
def quote_offset_mismatch(t: Tables) -> Target | None:
    if not t.with_texts:
        return None
    offsets = t.context("quote_offsets")

    def explain(case: dict) -> str:
        where = ("the quote is not in the text at all" if case["found_start"] is None else
                 f"its first match is at {case['found_start']}-{case['found_end']}")
        return f"the text at quote_start-quote_end does not match the quote; {where}"

    return Target(offsets, offsets.ok, "the text at quote_start-quote_end does not match the "
                  "quote", explain=explain)


@rule("as-stated-not-in-quote")
def as_stated_not_in_quote(t: Tables) -> Target:
    stated = t.context("as_stated")
    return Target(stated, stated.found, "not found in the row's evidence quote(s)",
                  value_column="text")


# ------------------------------------------------------------------ the official record


@rule("link-target-mismatch")
def link_target_mismatch(t: Tables) -> Target:
    links = t.rows("links", "link_type")
    to_action = links.link_type == "concerns-action"
    ok = ibis.ifelse(to_action, links.action_id.notnull() & links.related_claim_id.isnull(),
                     links.related_claim_id.notnull() & links.action_id.isnull())
    return Target(links, ok, "a concerns-action link needs action_id and no related_claim_id; "
                             "the other types need related_claim_id and no action_id")


@rule("identifier-pattern")
def identifier_pattern(t: Tables) -> Target:
    identifiers = t.context("identifier_patterns").mutate(
        resource=ibis.literal("entity_identifiers"), field=ibis.literal("identifier"))

    def explain(case: dict) -> str:
        return f"not a {case['scheme']} identifier: the scheme's pattern is {case['pattern']}"

    return Target(identifiers, identifiers.matches, "the identifier does not fit its scheme's "
                  "pattern", explain=explain)


@rule("date-bounds-order")
def date_bounds_order(t: Tables) -> Target:
    bounds = t.context("date_bounds")
    return Target(bounds, bounds.not_before <= bounds.not_after,
                  "the date's upper bound is before its lower bound",
                  field_column="after_field", value_column="not_after")


@rule("date-outside-bounds")
def date_outside_bounds(t: Tables) -> Target:
    bounds = t.context("date_bounds")
    inside = ((bounds.not_before.isnull() | (bounds.date_last >= bounds.not_before))
              & (bounds.not_after.isnull() | (bounds.date <= bounds.not_after)))
    return Target(bounds, bounds.date.isnull() | inside,
                  "the date lies outside its own not_before/not_after bounds",
                  value_column="date")


@rule("figure-bounds-order")
def figure_bounds_order(t: Tables) -> Target:
    evidence = t.rows("claim_evidence", "figure_max")
    return Target(evidence, evidence.figure_min <= evidence.figure_max,
                  "figure_max is below figure_min")


@rule("figure-outside-bounds")
def figure_outside_bounds(t: Tables) -> Target:
    evidence = t.rows("claim_evidence", "figure_value")
    value = evidence.figure_value
    inside = ((evidence.figure_min.isnull() | (value >= evidence.figure_min))
              & (evidence.figure_max.isnull() | (value <= evidence.figure_max)))
    return Target(evidence, value.isnull() | inside,
                  "figure_value lies outside figure_min and figure_max")


@rule("country-basis-mismatch")
def country_basis_mismatch(t: Tables) -> Target:
    entities = t.rows("entities", "country_basis")
    return Target(entities, entities.country.isnull() == entities.country_basis.isnull(),
                  "country_basis says how the quote establishes country: give it exactly when "
                  "country is given")
