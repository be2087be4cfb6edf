"""A sandboxed DuckDB connection: bounded memory, spill to a private temporary directory, file
access only to the directories the caller names (no network, no extensions), and its settings
locked (`lock_configuration`), so that no SQL run in it can lift its limits."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..errors import OutOfMemory, UsageError, first_line
from .schema_sql import ident, literal

MEMORY_VARIABLE = "CNRU_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"
# a bulk free of this much or more hands the allocator's cache back (DuckDB's default, 512 MiB,
# keeps a seventh of a small package's peak; 0 would flush on every free, for a sixth more time)
RETURN_FREED_FROM = "1MB"
MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """What a sandboxed connection may use: `memory_limit` (a DuckDB size such as 1GB) and
    `threads` (DuckDB's default, one per core, when None); `return_freed`: memory freed in bulk
    goes back to the system at once, not kept for reuse (for small files; at scale the flushes
    would cost time)."""

    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int | None = None
    return_freed: bool = False

    @classmethod
    def from_environment(cls, threads: int | None = None, return_freed: bool = False) -> Limits:
        """The limits a command runs with: the memory limit from CNRU_MEMORY_LIMIT, read now
        (the one place it is read)."""
        limit = os.environ.get(MEMORY_VARIABLE, "").strip() or DEFAULT_MEMORY_LIMIT
        if not MEMORY_SIZE.fullmatch(limit):
            raise UsageError(f"{MEMORY_VARIABLE}={limit!r} is not a memory size such as 1GB "
                             "or 512MB")
        return cls(limit, threads, return_freed)


@contextmanager
def sandbox(*allowed: Path, limits: Limits | None = None, spill_in: Path | None = None,
            attach: Iterable[tuple[str, Path, bool]] = (), lock: bool = True):
    """A connection that can read and write only inside `allowed` and its own spill directory
    (made in `spill_in`, or the system's temporary directory). `attach` names databases
    (alias, file, read_only) attached before access is closed: with nothing `allowed`, SQL
    run in the connection sees those databases and no file at all. `lock`: no setting can be
    changed afterwards (off only for the validator's own connection, whose checks set its time
    zone)."""
    limits = limits or Limits.from_environment()
    spill = Path(tempfile.mkdtemp(prefix="cnru-spill-", dir=spill_in))
    config = {
        "memory_limit": limits.memory_limit,
        "temp_directory": str(spill),
        "preserve_insertion_order": True,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if limits.threads:
        config["threads"] = limits.threads
    if limits.return_freed:
        config["allocator_bulk_deallocation_flush_threshold"] = RETURN_FREED_FROM
    con = None
    try:
        con = duckdb.connect(config=config)
        directories = [str(p.resolve()) + os.sep for p in (*allowed, spill)]
        con.execute("SET enable_progress_bar = false")
        # no automatic checkpoint in the middle of loading: the tables are transient
        con.execute("SET checkpoint_threshold = '1TB'")
        for alias, path, read_only in attach:
            mode = " (READ_ONLY)" if read_only else ""
            con.execute(f"ATTACH {literal(str(path))} AS {ident(alias)}{mode}")
        con.execute("SET allowed_directories = $1", [directories])
        con.execute("SET enable_external_access = false")
        if lock:
            con.execute("SET lock_configuration = true")
        yield con
    except duckdb.OutOfMemoryException as error:
        raise OutOfMemory(f"DuckDB ran out of memory within its limit of {limits.memory_limit} "
                          f"({first_line(error)}); set {MEMORY_VARIABLE} higher") from error
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Another connection to the same database, for work in a second thread."""
    return con.cursor()
