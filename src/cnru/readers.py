"""frictionless's own cell readers as DuckDB functions, for the spellings the SQL does not cast.

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
from frictionless import fields

BIGINT = (-(1 << 63), 1 << 63)  # the values a BIGINT column holds: [low, high)


def integer_reader() -> Callable[[str], int | None]:
    read = fields.IntegerField(name="cell").create_value_reader()

    def read_integer(text: str) -> int | None:
        value = read(text)
        return value if value is not None and BIGINT[0] <= value < BIGINT[1] else None

    return read_integer


def number_reader() -> Callable[[str], str | None]:
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
    return fields.DateField(name="cell").create_value_reader()


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
}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make the readers callable in `con`'s SQL (the SQL of schema_sql.load_table needs them)."""
    for reader in READERS.values():
        con.create_function(reader.function, reader.make(), ["VARCHAR"], reader.returns,
                            null_handling="special", exception_handling="return_null",
                            side_effects=False)


def read(kind: str, column: str) -> str:
    """SQL: the typed value of a present cell, read by frictionless's reader; NULL if it does
    not read as the type."""
    reader = READERS[kind]
    return reader.typed.format(f"{reader.function}({column})")
