"""The rules a Table Schema cannot express, as pandera checks run column-wise in DuckDB (ibis).

One function per problem code. Each returns `Target`s: rows of a table (with `_row`) and a
boolean expression that is true (or NULL: not applicable) where a row passes. The joins a rule
needs come from `sql/context.sql`; SQL prepares, pandera judges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files

import duckdb
import ibis
import pandera.ibis as pa

from .problems import Problem

Expression = ibis.expr.types.BooleanValue


@dataclass(frozen=True)
class Target:
    resource: str  # the resource whose rows are judged; problems name its file
    field: str
    table: ibis.Table
    ok: Expression
    message: str
    value_is_cell: bool = True  # report the cell as written, not the value the rule saw


@dataclass(frozen=True)
class RowTarget:
    """A check of whole rows; the fields at fault are found in Python with `cell_fails`."""

    resource: str
    fields: list[str]
    table: ibis.Table
    ok: Expression
    cell_fails: Callable[[str], bool]
    message: str


class Tables:
    """The package's tables as ibis expressions: raw text, typed, and context views."""

    def __init__(self, con: duckdb.DuckDBPyConnection, loaded: dict[str, str],
                 fields: dict[str, list[dict]], with_texts: bool):
        self.backend = ibis.duckdb.from_connection(con)
        self.loaded = loaded  # resource name -> file path
        self.fields = fields
        self.with_texts = with_texts

    def has(self, *names: str) -> bool:
        return all(name in self.loaded for name in names)

    def __getattr__(self, name: str) -> ibis.Table:
        return self.backend.table(name, database="typed")

    def raw(self, name: str) -> ibis.Table:
        return self.backend.table(name, database="raw")

    def context(self, name: str) -> ibis.Table:
        return self.backend.table(name, database="context")


MODEL = ("sources", "entities", "entity_aliases", "claims", "claim_evidence", "actions",
         "action_targets", "action_evidence")
RULES: dict[str, Callable[[Tables], Iterator[Target | RowTarget]]] = {}


def rule(code: str):
    def register(function):
        RULES[code] = function
        return function
    return register


def create_context(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((files("cnru") / "sql" / "context.sql").read_text(encoding="utf-8"))


def run_rules(tables: Tables) -> list[Problem]:
    """Every rule over the loaded tables; the model's rules need all of its resources."""
    if not tables.has(*MODEL):
        return []
    problems = []
    for code, make_targets in RULES.items():
        for target in make_targets(tables):
            found = list(judge(code, target, tables.loaded[target.resource]))
            if found and getattr(target, "value_is_cell", False):
                found = with_cells(tables, target, found)
            problems.extend(found)
    return problems


def with_cells(tables: Tables, target: Target, problems: list[Problem]) -> list[Problem]:
    """The problems with each value replaced by the cell as written in the CSV."""
    raw = tables.raw(target.resource)
    rows = raw.filter(raw._row.isin([p.row for p in problems])).select("_row", target.field)
    cells = {r["_row"]: r[target.field] for r in rows.to_pyarrow().to_pylist()}
    return [Problem.of(p.code, p.file, p.message, row=p.row, field=p.field,
                       value=cells.get(p.row, p.value)) for p in problems]


def failing_rows(code: str, table: ibis.Table, ok: Expression) -> list[dict]:
    schema = pa.DataFrameSchema(checks=[pa.Check(lambda _data: ok, name=code)])
    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return [case for case in errors.failure_cases["failure_case"] if isinstance(case, dict)]
    return []


def judge(code: str, target: Target | RowTarget, path: str) -> Iterator[Problem]:
    for case in failing_rows(code, target.table, target.ok):
        fields = ([f for f in target.fields if case.get(f) and target.cell_fails(case[f])]
                  if isinstance(target, RowTarget) else [target.field])
        for field in fields:
            yield Problem.of(code, path, target.message, row=int(case["_row"]), field=field,
                             value=case.get(field))


# ------------------------------------------------------------------ dates and periods


@rule("period-order")
def period_order(t: Tables):
    claims = t.claims
    yield Target("claims", "period_end", claims, claims.period_start <= claims.period_end,
                 "the period ends before it starts")


@rule("date-after-publication")
def date_after_publication(t: Tables):
    claims = t.context("claim_dates")
    yield Target("claims", "period_start", claims,
                 claims.is_forecast | (claims.period_start <= claims.published_by),
                 "the period starts after a supporting source was published; "
                 "mark a claim about the future with is_forecast = true")
    yield Target("claims", "asserted_date", claims, claims.asserted_date <= claims.published_by,
                 "the claim is dated after a supporting source was published")
    actions = t.context("action_dates")
    yield Target("actions", "action_date", actions, actions.action_date <= actions.published_by,
                 "the action is dated after a supporting source was published")


def date_fits(date, precision, *, end: bool = False) -> Expression:
    """A date agrees with its precision: at the start of its month, quarter or year (at the end,
    for the last day of a period); present exactly when the precision is known."""
    last_day = (date + ibis.interval(days=1)).day() == 1
    month, day = date.month(), date.day()
    if end:
        fits = {"month": last_day, "quarter": month.isin([3, 6, 9, 12]) & last_day,
                "year": (month == 12) & (day == 31)}
    else:
        fits = {"month": day == 1, "quarter": month.isin([1, 4, 7, 10]) & (day == 1),
                "year": (month == 1) & (day == 1)}
    return (ibis.cases((precision.isnull() | (precision == "unknown"), date.isnull()),
                       (date.isnull(), False),
                       *((precision == name, test) for name, test in fits.items()),
                       else_=True))


@rule("date-precision")
def date_precision(t: Tables):
    message = "the date and its precision disagree"
    sources, actions, claims = t.sources, t.actions, t.claims
    yield Target("sources", "published_date", sources,
                 date_fits(sources.published_date, sources.published_date_precision), message)
    yield Target("actions", "action_date", actions,
                 date_fits(actions.action_date, actions.action_date_precision), message)
    yield Target("claims", "asserted_date", claims,
                 date_fits(claims.asserted_date, claims.asserted_date_precision), message)
    no_period = claims.period_start.isnull() & claims.period_end.isnull()
    for field, end in (("period_start", False), ("period_end", True)):
        fits = date_fits(claims[field], claims.period_precision, end=end)
        yield Target("claims", field, claims,
                     ibis.cases((no_period, claims.period_precision.isnull()), else_=fits),
                     "the period and its precision disagree")


@rule("note-missing")
def note_missing(t: Tables):
    def needs(table, resource, value, note, what):
        return Target(resource, note, table, value.isnull() | table[note].notnull(),
                      f"{what} is given without saying how it was read or derived")

    sources, claims, actions, targets = t.sources, t.claims, t.actions, t.action_targets
    yield needs(sources, "sources", sources.published_date, "published_date_note",
                "the publication date")
    yield needs(claims, "claims", claims.period_start.coalesce(claims.period_end), "period_note",
                "the period")
    yield needs(claims, "claims", claims.asserted_date, "asserted_date_note", "the asserted date")
    yield needs(actions, "actions", actions.action_date, "action_date_note", "the action date")
    derived = targets.target_count_basis == "derived"
    yield Target("action_targets", "notes", targets, ~derived | targets.notes.notnull(),
                 "a derived count is given without saying how it was derived")


# ------------------------------------------------------------------ quantities


def quantity_columns(t: Tables):
    claims, evidence = t.claims, t.claim_evidence
    yield "claims", claims, "quantity_value", "quantity_unit", "quantity_qualifier"
    yield "claim_evidence", evidence, "figure_value", "figure_unit", "figure_qualifier"


@rule("percent-out-of-range")
def percent_out_of_range(t: Tables):
    for resource, table, value, unit, _ in quantity_columns(t):
        yield Target(resource, value, table, (table[unit] != "percent") | (table[value] <= 100),
                     "a percentage must be between 0 and 100")


@rule("quantity-unit-missing")
def quantity_unit_missing(t: Tables):
    for resource, table, value, unit, _ in quantity_columns(t):
        yield Target(resource, unit, table, table[value].isnull() | table[unit].notnull(),
                     "the quantity has a value but no unit")


@rule("quantity-value-missing")
def quantity_value_missing(t: Tables):
    for resource, table, value, unit, qualifier in quantity_columns(t):
        yield Target(resource, value, table,
                     table[value].notnull() | (table[unit].isnull() & table[qualifier].isnull()),
                     "a unit or qualifier is given without a value")


@rule("claim-quantity-mismatch")
def claim_quantity_mismatch(t: Tables):
    pairs = t.context("claim_quantities")
    same = (pairs.quantity_value.identical_to(pairs.figure_value)
            & pairs.quantity_unit.identical_to(pairs.figure_unit)
            & pairs.quantity_qualifier.identical_to(pairs.figure_qualifier))
    yield Target("claims", "quantity_value", pairs, same,
                 "the claim's quantity differs from a figure in its evidence; leave it empty "
                 "when sources differ")


# ------------------------------------------------------------------ links between tables


@rule("claim-without-evidence")
def claim_without_evidence(t: Tables):
    claims = t.claims
    yield Target("claims", "claim_id", claims, claims.claim_id.isin(t.claim_evidence.claim_id),
                 "the claim has no evidence row")


@rule("action-without-evidence")
def action_without_evidence(t: Tables):
    actions = t.actions
    yield Target("actions", "action_id", actions,
                 actions.action_id.isin(t.action_evidence.action_id),
                 "the action has no evidence row")


@rule("entity-without-alias")
def entity_without_alias(t: Tables):
    entities = t.entities
    yield Target("entities", "entity_id", entities,
                 entities.entity_id.isin(t.entity_aliases.entity_id),
                 "the entity has no alias row tying it to a text")


@rule("country-quote-missing")
def country_quote_missing(t: Tables):
    entities = t.entities
    quoted = entities.country_quote.notnull() & entities.country_source_id.notnull()
    yield Target("entities", "country", entities, entities.country.notnull() == quoted,
                 "a country needs country_source_id and country_quote, and they need a country")


@rule("target-empty")
def target_empty(t: Tables):
    targets = t.action_targets
    yield Target("action_targets", "target_entity_id", targets,
                 targets.target_entity_id.notnull() | targets.target_country.notnull()
                 | targets.target_count.notnull(),
                 "the target row names no entity, country or count")


@rule("target-count-exceeds-total")
def target_count_exceeds_total(t: Tables):
    sums = t.context("target_sums")
    yield Target("actions", "target_count_total", sums,
                 sums.target_count_sum <= sums.target_count_total,
                 "the action's target counts add up to more than its total")


@rule("unknown-reference")
def unknown_reference(t: Tables):
    references = t.context("note_references")
    for resource in MODEL:
        rows = references.filter(references.resource == resource).rename(notes="reference")
        yield Target(resource, "notes", rows, rows.known,
                     "the note mentions a claim or action identifier that does not exist",
                     value_is_cell=False)


# ------------------------------------------------------------------ verbatim text


@rule("quote-not-in-source")
def quote_not_in_source(t: Tables):
    if not t.with_texts:
        return
    verbatim = t.context("verbatim")
    for resource, field in (("claim_evidence", "quote"), ("claim_evidence", "attribution_as_stated"),
                            ("action_evidence", "quote"), ("entity_aliases", "surface_form"),
                            ("entities", "country_quote")):
        rows = verbatim.filter((verbatim.resource == resource) & (verbatim.field == field))
        rows = rows.rename(**{field: "text"})
        yield Target(resource, field, rows, rows.found,
                     "not found verbatim in the archived text of the source")


@rule("as-stated-not-in-quote")
def as_stated_not_in_quote(t: Tables):
    stated = t.context("as_stated")
    for resource, fields in (("claims", ("item_as_stated", "end_use_as_stated", "hedge_as_stated")),
                             ("actions", ("instrument_as_stated", "measure_as_stated",
                                          "reason_as_stated")),
                             ("claim_evidence", ("figure_as_stated",))):
        for field in fields:
            rows = stated.filter((stated.resource == resource) & (stated.field == field))
            rows = rows.rename(**{field: "text"})
            yield Target(resource, field, rows, rows.found, "not found in the row's evidence quote(s)")


# ------------------------------------------------------------------ cells: safety and hygiene

FORMULA = r"^([=+\-@]([^0-9]|$)|[\t\r])"
CONTROL = r"[\x00-\x1f\x7f]"
BAD_SPACE = r"^[ \t\n\r\f\v]|[ \t\n\r\f\v]$|\xa0"


def text_fields(t: Tables, resource: str) -> list[str]:
    return [f["name"] for f in t.fields[resource]]


def row_check(t: Tables, pattern: str, message: str, select=lambda name: True):
    """Rows of every resource where no selected cell matches `pattern`."""
    compiled = re.compile(pattern)
    for resource in t.loaded:
        fields = [f for f in text_fields(t, resource) if select(f)]
        if not fields:
            continue
        raw = t.raw(resource)
        ok = ibis.and_(*(~raw[f].re_search(pattern).fill_null(False) for f in fields))
        yield RowTarget(resource, fields, raw, ok, lambda cell: bool(compiled.search(cell)),
                        message)


@rule("formula-injection")
def formula_injection(t: Tables):
    yield from row_check(t, FORMULA, "spreadsheets would run this cell as a formula")


@rule("control-character")
def control_character(t: Tables):
    yield from row_check(t, CONTROL, "the cell contains a control character")


@rule("bad-whitespace")
def bad_whitespace(t: Tables):
    yield from row_check(t, BAD_SPACE, "leading, trailing or non-breaking space",
                         select=lambda name: name == "name" or name.endswith("_id"))
