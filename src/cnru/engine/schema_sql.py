"""DuckDB SQL generated from Table Schemas: column types, casts and the schema's own checks.

This is the one place that turns Table Schema into SQL, so types and vocabularies are never
restated by hand. The common spellings are cast in SQL and any other is read by frictionless's
own reader (readers.py), so a cell is valid here exactly when frictionless reads it (see
docs/validation.md for the few deliberate differences).

CSV cells arrive as text (the fields, and `_extra` for the first surplus cell); padding NULL
marks a missing cell, '' an empty one. `typed."<name>"` holds the typed values, `_row` (the
1-based data row) and `_problems` (the row's cell problems, found in the same scan).
"""

from __future__ import annotations

import math

from . import readers
from .cell_rules import CELL_RULES, is_free_text
from .descriptor import as_list
from .patterns import to_re2

TYPED = "typed"
ROW, EXTRA, ROWS, PROBLEMS = "_row", "_extra", "$rows", "_problems"
CAST = "$t"  # suffix of a field's cast while loading
EMPTY_KEY = "cells composing the primary key are all empty"
BLANK = "$blank"  # while loading: every cell of the row is missing
RAW, FLAGGED, KEEP = "$raw", "$flagged", "$keep"  # while loading: a flagged row's text cells
PROBLEM_LIST = "STRUCT(code VARCHAR, field VARCHAR, value VARCHAR, detail VARCHAR)[]"
SHOWN = "$shown"  # of a field read for a label beyond the schema's: the name problems give it
BEYOND_HEADER = "the row has more cells than the header has columns"
SHORT_OF_HEADER = "the row has fewer cells than the header has columns"
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE",
                "boolean": "BOOLEAN", "date": "DATE", "any": "VARCHAR",
                # read by frictionless, as the canonical text of its value (readers.py)
                "datetime": "TIMESTAMP", "time": "TIME", "year": "INTEGER",
                "yearmonth": "VARCHAR", "duration": "VARCHAR", "geopoint": "VARCHAR",
                "geojson": "VARCHAR", "object": "VARCHAR", "array": "VARCHAR"}
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]

# The common spellings, cast by DuckDB (a year below 1000 is left to the reader: DuckDB reads
# year 0 as 1 BC, Python not at all); any other spelling is read by frictionless (readers.py).
FAST_PATHS = {"integer": ("-?[0-9]{1,18}", "CAST({} AS BIGINT)"),
              "number": (r"-?[0-9]{1,15}(\.[0-9]{1,15})?", "CAST({} AS DOUBLE)"),
              "date": ("[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}", "TRY_CAST({} AS DATE)"),
              # no offset, no fraction, no 24:00:00 (DuckDB drops an offset and keeps 24:00)
              "datetime": ("[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T"
                           "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]", "TRY_CAST({} AS TIMESTAMP)"),
              "time": ("([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]", "CAST({} AS TIME)"),
              "year": ("[0-9]{4}", "CAST({} AS INTEGER)")}


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def field_list(schema: dict) -> str:
    """The schema's fields as a SQL column list, in order."""
    return ", ".join(ident(f["name"]) for f in schema["fields"])


def literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):  # inf and nan are no SQL literals
        return repr(value) if math.isfinite(value) else f"CAST('{value}' AS DOUBLE)"
    return "'" + str(value).replace("'", "''") + "'"


def table(schema_name: str, resource: str) -> str:
    return f"{schema_name}.{ident(resource)}"


def missing_values(schema: dict) -> list[str]:
    return schema.get("missingValues", [""])


def is_missing(column: str, schema: dict) -> str:
    """True for an empty cell and a missing (padded) one."""
    values = missing_values(schema)
    if values == [""]:
        return f"({column} IS NULL OR {column} = '')"
    return f"({column} IS NULL OR {column} IN ({', '.join(literal(v) for v in values)}))"


def is_present(column: str, schema: dict) -> str:
    """True for a cell that is there and not a missing value; NULL for a padded one."""
    values = missing_values(schema)
    if values == [""]:
        return f"{column} <> ''"
    return f"{column} NOT IN ({', '.join(literal(v) for v in values)})"


def string_enum(field: dict) -> list[str] | None:
    """The vocabulary of a string field, whose cells are typed as a DuckDB ENUM."""
    values = field.get("constraints", {}).get("enum")
    return values if values and field.get("type", "string") == "string" else None


def enum_type(values: list[str]) -> str:
    return f"ENUM({', '.join(literal(v) for v in values)})"


def boolean_values(field: dict) -> tuple[list[str], list[str]]:
    return field.get("trueValues", TRUE_VALUES), field.get("falseValues", FALSE_VALUES)


def cast(field: dict, column: str, schema: dict) -> str:
    """The typed value: NULL when the cell is missing or does not read as the type."""
    kind = field.get("type", "string")
    if kind == "string":
        # an ENUM cast checks a vocabulary faster than IN, and stores each value in a byte
        vocabulary = string_enum(field)
        if vocabulary is None and missing_values(schema) == [""]:
            return f"nullif({column}, '')"
        value = f"TRY_CAST({column} AS {enum_type(vocabulary)})" if vocabulary else column
    elif kind == "boolean":
        trues, falses = boolean_values(field)
        value = (f"CASE WHEN {column} IN ({', '.join(literal(v) for v in trues)}) THEN TRUE "
                 f"WHEN {column} IN ({', '.join(literal(v) for v in falses)}) THEN FALSE END")
    elif kind == "any":
        value = column
    elif kind not in FAST_PATHS:
        value = readers.read(kind, column)
    else:
        pattern, fast_cast = FAST_PATHS[kind]
        value = (f"CASE WHEN regexp_full_match({column}, {literal(pattern)}) THEN "
                 f"{fast_cast.format(column)} ELSE {readers.read(kind, column)} END")
    return f"CASE WHEN {is_missing(column, schema)} THEN NULL ELSE {value} END"


def typed_value(field: dict, value) -> str:
    """A constraint value as a SQL literal of the field's type."""
    kind = field.get("type", "string")
    if kind == "date":
        return f"DATE {literal(value)}"
    if kind in ("integer", "number"):
        return literal(float(value) if kind == "number" else int(value))
    if kind in readers.OTHER_TYPES:  # read as frictionless reads a constraint's value
        text = readers.canonical_value(kind, value)
        return "NULL" if text is None else f"CAST({literal(text)} AS {DUCKDB_TYPES[kind]})"
    return literal(value)


def constraint_violations(field: dict, column: str, typed: str) -> list[tuple[str, str]]:
    """(constraint name, SQL true when the valid, present cell breaks it)."""
    constraints = field.get("constraints", {})
    checks = []
    if "pattern" in constraints:
        pattern = literal(to_re2(constraints["pattern"]))
        checks.append(("pattern", f"NOT regexp_full_match({column}, {pattern})"))
    if "enum" in constraints:
        if string_enum(field):  # the ENUM cast is NULL for a value outside the vocabulary
            checks.append(("enum", f"{typed} IS NULL"))
        else:
            values = ", ".join(typed_value(field, v) for v in constraints["enum"])
            checks.append(("enum", f"{typed} NOT IN ({values})"))
    bounds = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
    for name, operator in bounds.items():
        if name in constraints:
            # NaN breaks every bound, as in frictionless
            checks.append((name, f"(isnan({typed}) OR NOT ({typed} {operator} "
                                 f"{typed_value(field, constraints[name])}))"
                           if field.get("type") == "number" else
                           f"NOT ({typed} {operator} {typed_value(field, constraints[name])})"))
    if "minLength" in constraints:
        checks.append(("minLength", f"length({column}) < {int(constraints['minLength'])}"))
    if "maxLength" in constraints:  # strlen counts bytes in constant time, length counts chars
        limit = int(constraints["maxLength"])
        checks.append(("maxLength", f"(strlen({column}) > {limit} AND length({column}) > {limit})"))
    return checks


TYPE_TEXT = {"integer": "not a whole number", "number": "not a number",
             "boolean": "not a boolean (true or false)", "date": "not a date (YYYY-MM-DD)",
             "datetime": "not a date and time (YYYY-MM-DDThh:mm:ss, an offset or Z optional)",
             "time": "not a time (hh:mm:ss)", "year": "not a year (YYYY)",
             "yearmonth": "not a year and month (YYYY-MM)",
             "duration": "not an ISO 8601 duration (such as P1DT2H)",
             "geopoint": "not a point (longitude, latitude)",
             "geojson": "not a GeoJSON object", "object": "not a JSON object",
             "array": "not a JSON array"}


def type_text(field: dict) -> str:
    return f'{TYPE_TEXT[field.get("type", "string")]} (type "{field.get("type")}")'


def constraint_text(field: dict, name: str) -> str:
    """What the constraint requires, for the message; names the constraint as frictionless does."""
    value = field["constraints"][name]
    if name == "enum":
        shown = ", ".join(map(str, value)) if len(value) <= 12 else "see the data dictionary"
        text = f"not an allowed value ({shown})"
    else:
        text = {
            "required": "a value is required",
            "pattern": f"does not match the pattern {value}",
            "minimum": f"less than {value}", "maximum": f"more than {value}",
            "exclusiveMinimum": f"not more than {value}",
            "exclusiveMaximum": f"not less than {value}",
            "minLength": f"shorter than {value} characters",
            "maxLength": f"longer than {value} characters",
        }[name]
    return f'{text} (constraint "{name}")'


def load_table(name: str, schema: dict, source: str, plain_file: bool = False,
               reading: list[dict] | None = None) -> str:
    """`typed."<name>$rows"` from `source` (a read_csv of text cells) in one scan: each field cast
    to its type (NULL where missing or unreadable), `_problems` NULL, and `$raw`, the text cells
    of each row one of the cheap row tests flags (NULL for the others), from which
    `listed_problems` lists that row's problems: a valid file never plans the long list of
    checks, half of what its load took. `plain_file`: the file has no control bytes but its
    line ends, which cheapens a test. `reading`: the fields `source`'s columns are, when the
    header's labels are not the schema's fields (load.read_fields): those are checked, and a
    schema field among none of them is NULL in every row."""
    read, (_, row_tests) = checks_as_read(schema, plain_file, reading)
    flagged = " OR ".join(f"({test})" for test in row_tests)
    present = {f["name"] for f in read["fields"]}
    absent = "CAST(NULL AS VARCHAR)"  # a field beyond the header's labels
    columns = ", ".join(
        f"{ident(f['name'] + CAST) if f['name'] in present else cast(f, absent, schema)} "
        f"AS {ident(f['name'])}" for f in schema["fields"])
    cells = ", ".join([*(ident(f["name"]) for f in read["fields"]), EXTRA])
    return (f"CREATE OR REPLACE TABLE {table(TYPED, name + ROWS)} AS "
            f"WITH casted AS ({casted(schema, read, source)}) "
            f"SELECT {columns}, CAST(NULL AS {PROBLEM_LIST}) AS {PROBLEMS}, "
            f"CASE WHEN ({flagged}) IS TRUE THEN [{cells}] END AS {ident(RAW)} FROM casted")


def listed_problems(name: str, schema: dict, plain_file: bool = False,
                    reading: list[dict] | None = None) -> str:
    """`typed."<name>$rows"` again, in the same order, with `_problems` of the rows `load_table`
    flagged: every problem of their cells, each cell read again from `$raw` and cast as the
    load cast it (the table's own columns are kept as they are)."""
    read, (checks, _) = checks_as_read(schema, plain_file, reading)
    found = ", ".join(f"CASE WHEN {condition} THEN {{'code': {literal(code)}, 'field': {field}, "
                      f"'value': {value}, 'detail': {literal(detail)}}} END"
                      for code, field, value, detail, condition in checks)
    kept = [(ident(f["name"]), ident(f"{KEEP}{at}")) for at, f in enumerate(schema["fields"])]
    names = [*(f["name"] for f in read["fields"]), EXTRA]
    cells = ", ".join(f"{ident(RAW)}[{at}] AS {ident(cell)}"
                      for at, cell in enumerate(names, start=1))
    rows = table(TYPED, name + ROWS)
    source = (f"(SELECT {', '.join(f'{column} AS {keep}' for column, keep in kept)}, "
              f"{ident(RAW)} IS NOT NULL AS {ident(FLAGGED)}, {cells} FROM {rows})")
    return (f"CREATE OR REPLACE TABLE {rows} AS WITH casted AS ({casted(schema, read, source)}) "
            f"SELECT {', '.join(f'{keep} AS {column}' for column, keep in kept)}, "
            f"CASE WHEN {ident(FLAGGED)} THEN list_filter([{found}], lambda p: p IS NOT NULL) "
            f"END AS {PROBLEMS} FROM casted")


def checks_as_read(schema: dict, plain_file: bool, reading: list[dict] | None):
    """The schema with the fields as the file's columns are read, and its cell_checks."""
    read = {**schema, "fields": reading} if reading is not None else schema
    header = reading is not None and len(reading) < len(schema["fields"])
    return read, cell_checks(read, plain_file, header=header)


def casted(schema: dict, read: dict, source: str) -> str:
    """The text cells of `source`, each field's cast beside them (`<field>$t`), and `$blank`."""
    typed = ", ".join(f"{cast(f, ident(f['name']), schema)} AS {ident(f['name'] + CAST)}"
                      for f in read["fields"])
    return f"SELECT *, {typed}, {blank_row(read)} AS {ident(BLANK)} FROM {source}"


def typed_view(name: str, schema: dict, offset: str = "") -> str:
    """`typed."<name>"`: the typed rows with `_row`, their data-row number (see load.py)."""
    columns = field_list(schema)
    return (f"CREATE OR REPLACE VIEW {table(TYPED, name)} AS SELECT rowid + 1{offset} AS {ROW}, "
            f"{columns}, {PROBLEMS} FROM {table(TYPED, name + ROWS)}")


def schema_problems(name: str, schema: dict, resolvable: set[str], flagged: bool = True,
                    ) -> str | None:
    """Every row and cell problem the schema defines, as frictionless reports them:
    (code, row, field, value, detail); None if there is nothing to check. Cell problems were
    found while loading, in the rows it `flagged`; keys are checked here. Foreign keys are
    checked against the resources in `resolvable` (those loaded)."""
    cells = (f"SELECT p.code, {ROW}, p.field, p.value, p.detail FROM (SELECT {ROW}, "
             f"unnest({PROBLEMS}) AS p FROM {table(TYPED, name)} WHERE {PROBLEMS} IS NOT NULL)")
    checks = [cells] if flagged else []
    return "\nUNION ALL\n".join([*checks, *key_checks(name, schema, resolvable)]) or None


def blank_row(schema: dict) -> str:
    return " AND ".join(is_missing(ident(f["name"]), schema) for f in schema["fields"]) or "FALSE"


def cell_checks(schema: dict, plain_file: bool = False, header: bool = False,
                ) -> tuple[list[tuple[str, str, str, str | None, str]], list[str]]:
    """The checks of single cells, as (code, field SQL, value SQL, detail, condition), and the
    row tests: a row none of them flags has no problem. The tests are few and cheap (one for
    all missing cells, one per length limit ...) because every row pays for them; the checks
    run only in flagged rows. Conditions read the text cells and their casts (`<field>$t`).
    `header`: the fields are the header's, fewer than the schema's (a cell beyond them is an
    extra cell of the header's)."""
    fields = schema["fields"]
    blank = ident(BLANK)  # a column, not the expression again in every check: the SQL of a
    # wide table would be several times longer and take 0.1 s to bind
    checks = [("blank-row", "NULL", "NULL", None, blank),
              ("extra-cell", "NULL", EXTRA, BEYOND_HEADER if header else None,
               f"{EXTRA} IS NOT NULL AND NOT ({blank})")]
    # padding fills a short row from the end, so its last cell is NULL
    tests = [f"{EXTRA} IS NOT NULL", f"{ident(fields[-1]['name'])} IS NULL" if fields else "FALSE"]
    only_empty = missing_values(schema) == [""]
    required, limits = [], {}
    for field in fields:
        column, label = ident(field["name"]), literal(field.get(SHOWN, field["name"]))
        typed = ident(field["name"] + CAST)
        missing, present = is_missing(column, schema), is_present(column, schema)
        kind = field.get("type", "string")
        constraints = field.get("constraints", {})
        checks.append(("missing-cell", label, "NULL", SHORT_OF_HEADER if SHOWN in field else None,
                       f"{column} IS NULL AND NOT ({blank})"))
        if kind not in ("string", "any"):
            checks.append(("type-error", label, column, type_text(field),
                           f"NOT ({blank}) AND {present} AND {typed} IS NULL"))
            tests.append(f"{present} AND {typed} IS NULL")
        if constraints.get("required"):
            checks.append(("constraint-error", label, column, constraint_text(field, "required"),
                           f"NOT ({blank}) AND {missing}"))
            required.append(column)
        readable = present if kind in ("string", "any") else f"{typed} IS NOT NULL"
        for constraint, violation in constraint_violations(field, column, typed):
            checks.append(("constraint-error", label, column, constraint_text(field, constraint),
                           f"NOT ({blank}) AND {readable} AND {violation}"))
            if constraint == "maxLength":
                limits.setdefault(int(constraints["maxLength"]), []).append(column)
            elif constraint == "pattern":  # the empty cell is missing, not a mismatch
                pattern = literal(f"(?:{to_re2(constraints['pattern'])})?")
                tests.append(f"NOT regexp_full_match({column}, {pattern})")
            else:
                tests.append(f"{readable} AND {violation}")
    if required:
        tests.append(f"least({', '.join(f'strlen({c})' for c in required)}) = 0" if only_empty
                     else " OR ".join(is_missing(c, schema) for c in required))
    else:
        tests.append(blank)
    tests += [f"greatest({', '.join(f'strlen({c})' for c in columns)}) > {limit}"
              for limit, columns in sorted(limits.items())]
    names = [f["name"] for f in fields if is_free_text(f)]
    for code, rule in CELL_RULES.items():
        applying = [n for n in names if rule.applies(n)]
        columns = [ident(n) for n in applying]
        for name, column in zip(applying, columns, strict=True):
            checks.append((code, literal(name), column, rule.message,
                           f"{column} IS NOT NULL AND {rule.cell(column)}"))
        if columns:
            row = rule.row_in_plain_file if plain_file and rule.row_in_plain_file else rule.row
            tests.append(row(columns))
    return checks, tests


def key_checks(name: str, schema: dict, resolvable: set[str]) -> list[str]:
    """Unique fields, the primary key and foreign keys, over the typed rows."""
    typed = table(TYPED, name)
    primary_key = as_list(schema.get("primaryKey") or [])
    queries, key_searched = [], False
    for field in schema["fields"]:
        if field.get("constraints", {}).get("unique"):
            # a unique primary key repeats in the same rows: one search, both problems
            is_key = primary_key == [field["name"]]
            key_searched = key_searched or is_key
            codes = ["unique-error", "primary-key"] if is_key else ["unique-error"]
            queries.append(duplicates(codes, name, [field["name"]], skip_null=True))
    if primary_key:
        all_null = " AND ".join(f"{ident(k)} IS NULL" for k in primary_key)
        queries.append(f"SELECT 'primary-key', {ROW}, {literal(', '.join(primary_key))}, NULL, "
                       f"{literal(EMPTY_KEY)} FROM {typed} "
                       f"WHERE {all_null}")
        if not key_searched:
            queries.append(duplicates(["primary-key"], name, primary_key, skip_null=False,
                                      where=f"NOT ({all_null})"))
    for key in schema.get("foreignKeys", []):
        target = key["reference"].get("resource") or name
        if target in resolvable:
            queries.append(foreign_key(name, key, target))
    return queries


def duplicates(codes: list[str], name: str, columns: list[str], *, skip_null: bool,
               where: str = "TRUE") -> str:
    """Rows whose value(s) repeat an earlier row's: every occurrence after the first, once per
    code. Repeated keys are found by aggregation first, so the window sorts only their rows.
    Only the rows' numbers need the typed view: the keys are found in its table, and only the
    columns used are read (each one DuckDB plans is time on a small file)."""
    keys = ", ".join(ident(c) for c in columns)
    value = " || ', ' || ".join(f"coalesce(CAST({ident(c)} AS VARCHAR), '')" for c in columns)
    if skip_null:
        where = f"{where} AND " + " AND ".join(f"{ident(c)} IS NOT NULL" for c in columns)
    match = " AND ".join(f"t.{ident(c)} IS NOT DISTINCT FROM r.{ident(c)}" for c in columns)
    code = f"unnest([{', '.join(literal(c) for c in codes)}])"
    used = ", ".join(f"t.{ident(c)}" for c in [ROW, *columns])
    return (f"SELECT {code}, {ROW}, {literal(', '.join(columns))}, {value}, "
            f"'the same as in an earlier row' FROM (SELECT {used} FROM {table(TYPED, name)} t "
            f"SEMI JOIN (SELECT {keys} FROM {table(TYPED, name + ROWS)} WHERE {where} "
            f"GROUP BY ALL HAVING count(*) > 1) r ON {match}) WHERE {where} "
            f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {ROW}) > 1")


def foreign_key(name: str, key: dict, target: str) -> str:
    """The rows whose key is not among the target's: an anti join against the target's table
    (its typed view would add the row numbers, which DuckDB would plan for nothing)."""
    fields = as_list(key["fields"])
    target_fields = as_list(key["reference"]["fields"])
    source, reference = table(TYPED, name), table(TYPED, target + ROWS)
    if len(fields) == 1:
        match = f"r.{ident(target_fields[0])} = s.{ident(fields[0])}"
    else:
        match = " AND ".join(f"r.{ident(t)} IS NOT DISTINCT FROM s.{ident(f)}"
                             for f, t in zip(fields, target_fields, strict=True))
    any_value = " OR ".join(f"s.{ident(f)} IS NOT NULL" for f in fields)
    any_target = " OR ".join(f"{ident(t)} IS NOT NULL" for t in target_fields)
    value = " || ', ' || ".join(f"coalesce(CAST(s.{ident(f)} AS VARCHAR), '')" for f in fields)
    detail = f"not found in {target} ({', '.join(target_fields)})"
    targets = ", ".join(ident(t) for t in target_fields)
    return (f"SELECT 'foreign-key', s.{ROW}, {literal(', '.join(fields))}, {value}, "
            f"{literal(detail)} FROM {source} s ANTI JOIN (SELECT {targets} FROM {reference} "
            f"WHERE {any_target}) r ON {match} WHERE {any_value}")


def enum_types(schemas: dict[str, dict]) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """An ENUM type for every string field with an `enum` constraint: (resource, field) ->
    (type name, values). Fields that share a name and values share a type."""
    by_field: dict[str, set[tuple[str, ...]]] = {}
    for schema in schemas.values():
        for field in schema["fields"]:
            values = field.get("constraints", {}).get("enum")
            if values and field.get("type", "string") == "string":
                by_field.setdefault(field["name"], set()).add(tuple(values))
    types = {}
    for resource, schema in schemas.items():
        for field in schema["fields"]:
            values = field.get("constraints", {}).get("enum")
            if values and field.get("type", "string") == "string":
                shared = len(by_field[field["name"]]) == 1
                name = field["name"] if shared else f"{resource}_{field['name']}"
                types[resource, field["name"]] = (name, list(values))
    return types


def create_types(types: dict, database: str) -> list[str]:
    statements = {}
    for name, values in types.values():
        statements[name] = (f"CREATE TYPE {database}.{ident(name)} AS ENUM "
                            f"({', '.join(literal(v) for v in values)})")
    return [statements[name] for name in sorted(statements)]


def create_table(name: str, schema: dict, types: dict, database: str,
                 created: set[str] | frozenset[str] = frozenset()) -> str:
    """The table a user queries: typed columns, ENUMs, NOT NULL, the primary key, unique fields,
    and the foreign keys to tables in `created` (already there; see `undeclared_keys`)."""
    columns = []
    for field in schema["fields"]:
        enum = types.get((name, field["name"]))
        kind = f"{database}.{ident(enum[0])}" if enum else DUCKDB_TYPES[field.get("type", "string")]
        required = " NOT NULL" if field.get("constraints", {}).get("required") else ""
        columns.append(f"{ident(field['name'])} {kind}{required}")
    primary_key = as_list(schema.get("primaryKey") or [])
    if primary_key:
        columns.append(f"PRIMARY KEY ({', '.join(ident(k) for k in primary_key)})")
    columns += [f"UNIQUE ({ident(f['name'])})" for f in schema["fields"]
                if f.get("constraints", {}).get("unique") and [f["name"]] != primary_key]
    for key in schema.get("foreignKeys", []):
        target = key["reference"].get("resource") or name
        if target in created and target != name:
            columns.append(f"FOREIGN KEY ({', '.join(ident(f) for f in as_list(key['fields']))}) "
                           f"REFERENCES {ident(target)} "
                           f"({', '.join(ident(f) for f in as_list(key['reference']['fields']))})")
    return f"CREATE TABLE {database}.{ident(name)} ({', '.join(columns)})"


def undeclared_keys(name: str, schema: dict, created: set[str] | frozenset[str]) -> list[str]:
    """The foreign keys `create_table` cannot declare: DuckDB checks a foreign key against a
    table that exists when the key is created and cannot add one later (ALTER TABLE ... ADD
    FOREIGN KEY), so a key to the table itself or to a later table (two tables may refer to
    each other) is named in the table's comment instead."""
    undeclared = []
    for key in schema.get("foreignKeys", []):
        target = key["reference"].get("resource") or name
        if target not in created or target == name:
            undeclared.append(f"{', '.join(as_list(key['fields']))} -> {target} "
                              f"({', '.join(as_list(key['reference']['fields']))})")
    return undeclared


def fill_table(name: str, schema: dict, database: str, source: str) -> str:
    """Rows in the order of `source`, which keeps the CSV's: the package's canonical order."""
    columns = field_list(schema)
    return f"INSERT INTO {database}.{ident(name)} SELECT {columns} FROM {source}"


def export_table(name: str, schema: dict, target: str,
                 metadata: dict[str, str] | None = None) -> str:
    """The typed rows, in the CSV's order, as a Parquet file, with `metadata` as its key-value
    metadata. `ORDER BY` hands the writer the rows in even chunks, however the parallel load
    laid them out, so that the file is the same bytes every time (without it, a file of 200,000
    rows differed between builds)."""
    columns = field_list(schema)
    pairs = ", ".join(f"{ident(key)}: {literal(value)}" for key, value in (metadata or {}).items())
    return (f"COPY (SELECT {columns} FROM {table(TYPED, name)} ORDER BY {ROW}) "
            f"TO {literal(target)} (FORMAT parquet, COMPRESSION zstd"
            f"{f', KV_METADATA {{{pairs}}}' if pairs else ''})")


def comments(name: str, description: str, schema: dict, database: str,
             undeclared: list[str] | None = None) -> list[str]:
    target = f"{database}.{ident(name)}"
    key = ", ".join(as_list(schema.get("primaryKey") or []))
    if key:
        description = f"{description} Primary key: {key}."
    if undeclared:
        description = (f"{description} Foreign keys checked by cnru validate but not declared "
                       f"here (DuckDB cannot declare a key to this table or to a later one): "
                       f"{'; '.join(undeclared)}.")
    statements = [f"COMMENT ON TABLE {target} IS {literal(description)}"]
    statements += [f"COMMENT ON COLUMN {target}.{ident(f['name'])} IS "
                   f"{literal(f.get('description', ''))}" for f in schema["fields"]]
    return statements
