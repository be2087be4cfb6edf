"""Reading a CSV file in pieces: the buffer chosen for a large file, and rows kept in file order."""

from __future__ import annotations

import pytest

from cnru import readers
from cnru.db import sandbox
from cnru.descriptor import Resource
from cnru.load import DEFAULT_PIECE, LARGEST_BUFFER, ROW_GROUP_ROWS, buffer_size, load_resource
from cnru.schema_sql import TYPED
from cnru.validate import schema_checks

MB = 1 << 20


@pytest.mark.parametrize(("file_bytes", "lines", "expected"), [
    (161 * MB, 1_000_001, int(1.25 * ROW_GROUP_ROWS * 161 * MB / 1_000_001)),  # claims at 1M
    (15 * MB, 100_001, None),  # fewer than two pieces of a row group: DuckDB's default
    (400 * MB, 10_000_001, None),  # 42-byte rows: a default piece holds a row group
    (4000 * MB, 1_000_001, LARGEST_BUFFER),  # 4 KB rows: capped
    (0, 0, None),
])
def test_a_large_file_is_read_in_pieces_of_a_row_group_or_more(file_bytes, lines, expected):
    chosen = buffer_size(file_bytes, lines)
    assert chosen == expected
    if chosen is not None:
        assert DEFAULT_PIECE < chosen <= LARGEST_BUFFER
        assert chosen >= min(ROW_GROUP_ROWS * file_bytes / lines, LARGEST_BUFFER)


def test_rows_read_in_large_pieces_keep_their_order_and_numbers(tmp_path):
    """A file large enough for its own buffer: every stored row keeps its data-row number, and
    bad cells at the start, across pieces and at the end are reported at their rows."""
    rows, bad = 330_000, {7, 200_001, 330_000}
    path = tmp_path / "wide.csv"
    with open(path, "w", encoding="utf-8") as file:
        file.write("n,text\n")
        for n in range(1, rows + 1):
            file.write(f"{'x' if n in bad else n},{'a' * 60}\n")
    assert buffer_size(path.stat().st_size, rows + 1) is not None
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "text", "type": "string"}]}
    resource = Resource("wide", path, "wide.csv", schema, {"path": "wide.csv"})
    with sandbox(tmp_path) as con:
        con.execute(f"CREATE SCHEMA {TYPED}")
        readers.register(con)
        assert load_resource(con, resource) == []
        misplaced = con.execute(f"SELECT count(*), count(n) FROM {TYPED}.wide "
                                f"WHERE n IS DISTINCT FROM _row").fetchone()
        assert misplaced == (len(bad), 0)  # only the bad cells, which are NULL
        problems = schema_checks(con, resource, {"wide"})
    assert sorted((p.code, p.row, p.field, p.value) for p in problems) == [
        ("type-error", row, "n", "x") for row in sorted(bad)]
