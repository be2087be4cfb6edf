"""Reading CSV files: the buffer chosen for a large file, rows kept in file order, and the DuckDB
settings small files are read with."""

from __future__ import annotations

import duckdb
import pytest

from cnru.engine import readers
from cnru.engine.db import sandbox
from cnru.engine.descriptor import Resource
from cnru.engine.load import (
    DEFAULT_PIECE,
    LARGEST_BUFFER,
    ROW_GROUP_ROWS,
    buffer_size,
    load_resource,
)
from cnru.engine.schema_sql import TYPED
from cnru.validate import schema_checks

MB = 1 << 20


@pytest.mark.parametrize(("file_bytes", "lines", "own_buffer"), [
    (161 * MB, 1_000_001, True),  # claims.csv at a million claims
    (4000 * MB, 1_000_001, True),  # 4 KB rows: a row group would need 500 MB
    (15 * MB, 100_001, False),  # fewer than two pieces of a row group: DuckDB's default
    (400 * MB, 10_000_001, False),  # 42-byte rows: a default piece holds a row group
    (0, 0, False),
])
def test_a_large_file_is_read_in_pieces_of_a_row_group_or_more(file_bytes, lines, own_buffer):
    chosen = buffer_size(file_bytes, lines)
    assert (chosen is not None) == own_buffer
    if chosen is not None:
        row_group_bytes = ROW_GROUP_ROWS * file_bytes / lines
        assert DEFAULT_PIECE < chosen <= LARGEST_BUFFER
        assert chosen == LARGEST_BUFFER or row_group_bytes < chosen <= file_bytes / 2


ROWS, BAD = 330_000, {7, 200_001, 330_000}


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Resource:
    """A file large enough for its own buffer, with bad cells at the start, across pieces and
    at the end."""
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    with open(path, "w", encoding="utf-8") as file:
        file.write("n,text\n")
        for n in range(1, ROWS + 1):
            file.write(f"{'x' if n in BAD else n},{'a' * 60}\n")
    assert buffer_size(path.stat().st_size, ROWS + 1) is not None
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "text", "type": "string"}]}
    return Resource("wide", path, "wide.csv", schema, {"path": "wide.csv"})


def test_rows_read_in_large_pieces_keep_their_order_and_numbers(wide):
    """Every stored row keeps its data-row number, and each bad cell is reported at its row."""
    with sandbox(wide.path.parent) as con:
        con.execute(f"CREATE SCHEMA {TYPED}")
        readers.register(con)
        loaded = load_resource(con, wide)
        assert loaded.problems == [] and loaded.flagged
        misplaced = con.execute(f"SELECT count(*), count(n) FROM {TYPED}.wide "
                                f"WHERE n IS DISTINCT FROM _row").fetchone()
        assert misplaced == (len(BAD), 0)  # only the bad cells, which are NULL
        problems = schema_checks(con, wide, {"wide"}, loaded.flagged)
    assert sorted((p.code, p.row, p.field, p.value) for p in problems) == [
        ("type-error", row, "n", "x") for row in sorted(BAD)]


def test_the_readers_are_registered_at_the_first_cell_that_needs_one(tiny):
    """Until a cell needs frictionless's reader, the readers are stand-ins; then the file is
    read again with them, and reads as frictionless reads it."""
    from cnru.validate import validate_package

    tiny.set_cell("data/action_targets.csv", 1, "target_count", " 1_0 ")  # int(): 10
    tiny.set_cell("data/action_targets.csv", 2, "target_count", "1__0")  # not an integer
    report = validate_package(tiny.root, tiny.sources)
    found = {(p.code, p.row, p.field) for p in report.problems}
    assert ("type-error", 2, "target_count") in found
    assert [p for p in report.problems if p.row == 1] == []
    with sandbox(tiny.root) as con:
        con.execute(f"CREATE SCHEMA {TYPED}")
        readers.register_on_demand(con)
        with pytest.raises(Exception, match=readers.NEEDED):
            con.execute(f"SELECT {readers.read('integer', repr(' 1_0 '))}")


SETTINGS = ("SELECT current_setting('threads'), "
            "current_setting('allocator_bulk_deallocation_flush_threshold')")


def test_small_files_are_checked_on_one_thread_that_hands_freed_memory_back(tiny, monkeypatch):
    """On small files DuckDB's threads and its allocator's cache cost more than they give; at
    scale DuckDB keeps its defaults."""
    from cnru import validate
    from cnru.engine.db import RETURN_FREED_FROM

    with duckdb.connect() as con:
        defaults = con.execute(SETTINGS).fetchone()
    with duckdb.connect(config={"allocator_bulk_deallocation_flush_threshold":
                                RETURN_FREED_FROM}) as con:
        freed_from = con.execute(SETTINGS).fetchone()[1]  # as DuckDB shows the setting
    with validate.check_package(tiny.root, check_sources=False) as checked:
        assert checked.con.execute(SETTINGS).fetchone() == (1, freed_from)
    monkeypatch.setattr(validate, "SMALL_BYTES", 0)  # every package counts as large
    with validate.check_package(tiny.root, check_sources=False) as checked:
        assert checked.con.execute(SETTINGS).fetchone() == defaults
    assert freed_from != defaults[1]
