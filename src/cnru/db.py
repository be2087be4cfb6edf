"""A sandboxed DuckDB connection: bounded memory, spill to a private temporary directory, and
file access only to the directories the caller names (no network, no extensions)."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .errors import OutOfMemory, first_line

DEFAULT_MEMORY_LIMIT = os.environ.get("CNRU_MEMORY_LIMIT", "1GB")


@contextmanager
def sandbox(*allowed: Path, memory_limit: str | None = None, threads: int | None = None):
    """A connection that can read and write only inside `allowed` and its own spill directory
    (`threads`: DuckDB's default, one per core, unless given)."""
    spill = Path(tempfile.mkdtemp(prefix="cnru-spill-"))
    limit = memory_limit or DEFAULT_MEMORY_LIMIT
    config = {
        "memory_limit": limit,
        "temp_directory": str(spill),
        "preserve_insertion_order": True,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if threads:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    try:
        directories = [str(p.resolve()) + os.sep for p in (*allowed, spill)]
        con.execute("SET enable_progress_bar = false")
        # no automatic checkpoint in the middle of loading: the tables are transient
        con.execute("SET checkpoint_threshold = '1TB'")
        con.execute("SET allowed_directories = $1", [directories])
        con.execute("SET enable_external_access = false")
        yield con
    except duckdb.OutOfMemoryException as error:
        raise OutOfMemory(f"DuckDB ran out of memory within its limit of {limit} "
                          f"({first_line(error)}); set CNRU_MEMORY_LIMIT higher") from error
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Another connection to the same database, for work in a second thread."""
    return con.cursor()
