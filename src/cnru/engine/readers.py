"""frictionless's own cell readers as DuckDB functions, for the spellings the SQL does not cast.

The other types (datetime, time, year, yearmonth, duration, geopoint, geojson, object, array)
are read the same way: the SQL casts only the plain spelling of a datetime, a time and a year,
and every other cell is read by frictionless's reader, whose value is handed to DuckDB as a
canonical text (`canonical`) that the column's type casts, so that equal values are equal in
SQL too (a datetime with an offset is its UTC time).

The generated SQL casts the common spellings of integers, numbers and dates itself (schema_sql's
fast paths: plain ASCII digits). Any other spelling goes to these functions, which call the
reader frictionless uses for the type, so that a cell is valid exactly when frictionless reads
it: Python's `int()` and `Decimal()` (other scripts' digits, Unicode spaces, underscores) and
`strptime` (" 3" as a day). They run only for those rare cells, one Python call each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

BIGINT = (-(1 << 63), 1 << 63)  # the values a BIGINT column holds: [low, high)


def integer_reader() -> Callable[[str], int | None]:
    from frictionless import fields

    read = fields.IntegerField(name="cell").create_value_reader()

    def read_integer(text: str) -> int | None:
        value = read(text)
        return value if value is not None and BIGINT[0] <= value < BIGINT[1] else None

    return read_integer


def number_reader() -> Callable[[str], str | None]:
    from frictionless import fields

    read = fields.NumberField(name="cell").create_value_reader()

    def read_number(text: str) -> str | None:
        """The value as text that DuckDB casts to the same double: a Python function cannot
        return NaN to DuckDB (it arrives as NULL), and NaN is a number to frictionless."""
        value = read(text)
        if value is None:
            return None
        return "nan" if value.is_nan() else repr(float(value))

    return read_number


def date_reader() -> Callable[[str], object]:
    from frictionless import fields

    return fields.DateField(name="cell").create_value_reader()


def canonical(kind: str, value) -> str | None:
    """frictionless's value of a cell of `kind` as the text DuckDB casts to the column's type
    (see OTHER_TYPES in schema_sql): the same text for values Python holds equal."""
    import json
    from datetime import UTC, date, datetime

    if value is None:
        return None
    if kind == "datetime":
        if value.utcoffset() is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if kind == "time":
        if value.utcoffset() is not None:
            moment = datetime.combine(date(2000, 1, 2), value.replace(tzinfo=None))
            value = (moment - value.utcoffset()).time()
        return value.isoformat()
    if kind == "year":
        return str(value)
    if kind == "yearmonth":
        return f"{value.year:04d}-{value.month:02d}"
    if kind == "duration":
        from isodate import duration_isoformat

        return duration_isoformat(value)
    if kind == "geopoint":
        return f"{value.lon.normalize()},{value.lat.normalize()}"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)  # geojson, object, array


OTHER_TYPES = ("datetime", "time", "year", "yearmonth", "duration", "geopoint", "geojson",
               "object", "array")


def canonical_value(kind: str, value) -> str | None:
    """A constraint's value (`minimum`, an `enum` item), read as frictionless reads it."""
    from frictionless import Field

    read = Field.from_descriptor({"name": "cell", "type": kind}).create_value_reader()
    return canonical(kind, read(value))


def other_reader(kind: str) -> Callable[[], Callable[[str], str | None]]:
    """A maker of the reader of `kind`, frictionless's (made on first use: the geojson one
    compiles a JSON Schema), returning the value's canonical text."""
    def make() -> Callable[[str], str | None]:
        made: list = []

        def read_other(text: str) -> str | None:
            if not made:
                from frictionless import Field

                made.append(Field.from_descriptor({"name": "cell", "type": kind})
                            .create_value_reader())
            return canonical(kind, made[0](text))

        return read_other

    return make


@dataclass(frozen=True)
class Reader:
    function: str  # its name in SQL
    make: Callable[[], Callable[[str], object]]
    returns: str  # the DuckDB type the function returns
    typed: str  # SQL that casts what it returns to the column's type


READERS = {
    "integer": Reader("cnru_read_integer", integer_reader, "BIGINT", "{}"),
    "number": Reader("cnru_read_number", number_reader, "VARCHAR", "CAST({} AS DOUBLE)"),
    "date": Reader("cnru_read_date", date_reader, "DATE", "{}"),
    **{kind: Reader(f"cnru_read_{kind}", other_reader(kind), "VARCHAR", f"CAST({{}} AS {typed})")
       for kind, typed in {"datetime": "TIMESTAMP", "time": "TIME", "year": "INTEGER",
                           "yearmonth": "VARCHAR", "duration": "VARCHAR", "geopoint": "VARCHAR",
                           "geojson": "VARCHAR", "object": "VARCHAR", "array": "VARCHAR"}.items()},
}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make the readers callable in `con`'s SQL (the SQL of schema_sql.load_table needs them)."""
    for reader in READERS.values():
        con.create_function(reader.function, lazily(reader.make), ["VARCHAR"], reader.returns,
                            null_handling="special", exception_handling="return_null",
                            side_effects=False)


NEEDED = "cnru: a cell needs a frictionless reader"


def register_on_demand(con: duckdb.DuckDBPyConnection) -> None:
    """Stand-ins for the readers: SQL macros that stop the query at the first cell that needs
    one, whose caller then registers the readers (`needed`, `register`) and runs it again.
    Registering a Python function imports numpy (DuckDB does), a tenth of a second that most
    packages, whose every cell the SQL casts, need not pay."""
    for reader in READERS.values():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {reader.function}(text) AS "
                    f"CAST(error('{NEEDED}') AS {reader.returns})")


def needed(error: duckdb.Error, con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `error` is a stand-in's; if so, the readers are registered in its place."""
    if NEEDED not in str(error):
        return False
    for reader in READERS.values():
        con.execute(f"DROP MACRO IF EXISTS temp.{reader.function}")
    register(con)
    return True


def lazily(make: Callable[[], Callable[[str], object]]) -> Callable[[str], object]:
    """The reader, made (and frictionless imported) at the first cell that needs it: most
    packages have none."""
    made = []

    def read(text: str) -> object:
        if not made:
            made.append(make())
        return made[0](text)

    return read


def read(kind: str, column: str) -> str:
    """SQL: the typed value of a present cell, read by frictionless's reader; NULL if it does
    not read as the type."""
    reader = READERS[kind]
    return reader.typed.format(f"{reader.function}({column})")
