"""`diff_packages(old, new) -> Diff`: the rows added, removed and changed between two versions.

A version is a package folder (or its datapackage.json), a release zip, or a git revision of
the repository the command runs in (`HEAD~1`, a tag, a commit), read with `git archive` into a
temporary directory. Rows are matched by each table's primary key (from its Table Schema) and
compared field by field as text, as the CSVs store them: DuckDB reads both CSVs with every
column as VARCHAR and joins them with a FULL OUTER JOIN on the key (SQL generated from the
schema, below). Nothing is validated: diff two valid packages.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import duckdb

from ..errors import CnruError, UsageError, first_line
from .db import sandbox
from .descriptor import DESCRIPTOR, Package, load_package
from .schema_sql import ident, literal


class DiffError(CnruError):
    """The two versions cannot be compared row by row (e.g. their primary keys differ)."""


@dataclass
class RowChange:
    change: str  # added, removed, changed
    key: dict[str, str | None]
    # changed: {field: [old, new]}; added and removed: {field: value} of the non-empty cells
    fields: dict[str, object]


@dataclass
class TableDiff:
    name: str
    primary_key: list[str]
    added: int = 0
    removed: int = 0
    changed: int = 0
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)


@dataclass
class Diff:
    old: str
    new: str
    tables: list[TableDiff] = field(default_factory=list)
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.tables_added or self.tables_removed or any(
            t.added or t.removed or t.changed or t.fields_added or t.fields_removed
            for t in self.tables))


def diff_packages(old: str | os.PathLike, new: str | os.PathLike,
                  repo: str | os.PathLike = ".") -> Diff:
    old, new = str(old), str(new)
    with ExitStack() as stack:
        before = stack.enter_context(opened(old, Path(repo)))
        after = stack.enter_context(opened(new, Path(repo)))
        return compare(before, after, Diff(old, new))


# --- the versions ------------------------------------------------------------------------------

@contextmanager
def opened(spec: str, repo: Path) -> Iterator[Package]:
    """The package a version names: a folder, a release zip, or a git revision of `repo`."""
    path = Path(spec)
    if path.is_dir() or path.name == DESCRIPTOR:
        yield read_package(path, spec)
        return
    with tempfile.TemporaryDirectory(prefix="cnru-diff-") as temporary:
        target = Path(temporary)
        if path.is_file() and zipfile.is_zipfile(path):
            unzip(path, target)
        elif path.exists():
            raise UsageError(f"{spec} is neither a package folder nor a release zip")
        else:
            git_archive(spec, repo, target)
        yield read_package(descriptor_folder(target, spec), spec)


def read_package(path: Path, spec: str) -> Package:
    package = load_package(path)
    broken = [p for p in package.problems if p.code == "descriptor-error"]
    if broken or not package.resources:
        reason = broken[0].message if broken else "it has no readable tables"
        raise DiffError(f"{spec}: the package cannot be read: {reason}")
    return package


def unzip(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or "\\" in name:
                raise DiffError(f"{archive}: refusing the entry {name!r} (outside the archive)")
        zipped.extractall(target)


def git_archive(revision: str, repo: Path, target: Path) -> None:
    """The package at `revision`: the folder of `repo` (the package's), as committed then."""
    def git(*args: str, at: Path = repo) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(at), *args], capture_output=True)

    if revision.startswith("-"):
        raise UsageError(f"{revision} is not a package folder, a release zip or a git revision")
    try:
        found = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except FileNotFoundError:
        raise UsageError(f"{revision} is not a folder or zip, and git is not installed") from None
    if found.returncode != 0:
        raise UsageError(f"{revision} is not a package folder, a release zip or a git revision "
                         f"of {repo}")
    prefix = git("rev-parse", "--show-prefix").stdout.decode().strip()
    tree = f"{found.stdout.decode().strip()}:{prefix}" if prefix else found.stdout.decode().strip()
    top = Path(git("rev-parse", "--show-toplevel").stdout.decode().strip())
    archived = git("archive", "--format=tar", tree, at=top)  # in a subfolder, only its files
    if archived.returncode != 0:
        raise DiffError(f"git archive {revision} failed: {first_line(archived.stderr.decode())}")
    tar = target / "version.tar"
    tar.write_bytes(archived.stdout)
    with tarfile.open(tar) as tarred:
        tarred.extractall(target / "tree", filter="data")
    tar.unlink()


def descriptor_folder(root: Path, spec: str) -> Path:
    """The shallowest folder holding a datapackage.json (a release has one top folder)."""
    found = sorted(root.rglob(DESCRIPTOR), key=lambda p: (len(p.parts), str(p)))
    if not found:
        raise DiffError(f"{spec} holds no {DESCRIPTOR}")
    return found[0].parent


# --- the comparison ----------------------------------------------------------------------------

def compare(old: Package, new: Package, diff: Diff) -> Diff:
    olds = {r.name: r for r in old.resources}
    news = {r.name: r for r in new.resources}
    diff.tables_added = [name for name in news if name not in olds]
    diff.tables_removed = [name for name in olds if name not in news]
    common = [name for name in news if name in olds]
    for name in common:
        before, after = olds[name].schema.get("primaryKey"), news[name].schema.get("primaryKey")
        if not before or as_list(before) != as_list(after):
            raise DiffError(f"the versions' schemas differ: table {name} has primary key "
                            f"{describe_key(before)} in {diff.old} and {describe_key(after)} in "
                            f"{diff.new}; rows cannot be matched")
    folders = [old.root, new.root]
    with sandbox(*folders) as con:
        for name in common:
            diff.tables.append(compare_table(con, olds[name], news[name]))
    return diff


def as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def describe_key(value) -> str:
    return "(" + ", ".join(as_list(value)) + ")" if value else "none"


def csv_source(path: Path) -> str:
    """A CSV with every column as text, as the package writes it (empty cells are NULL)."""
    return (f"read_csv({literal(str(path))}, header = true, all_varchar = true, delim = ',', "
            f"quote = '\"', escape = '\"', auto_detect = false, "
            f"columns = {columns_of(path)})")


def columns_of(path: Path) -> str:
    return "{" + ", ".join(f"{literal(name)}: 'VARCHAR'" for name in header_of(path)) + "}"


def header_of(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            return next(csv.reader(file), [])
    except (OSError, UnicodeDecodeError) as error:
        raise DiffError(f"{path.name} cannot be read: {error}") from None


def diff_sql(key: list[str], compared: list[str], old_only: list[str], new_only: list[str],
             old_source: str, new_source: str) -> str:
    """Rows whose key is in one version only, or whose compared fields differ, with what."""
    match = " AND ".join(f"o.{ident(k)} = n.{ident(k)}" for k in key)
    in_old = f"o.{ident(key[0])} IS NOT NULL"
    in_new = f"n.{ident(key[0])} IS NOT NULL"
    keys = ", ".join(f"coalesce(o.{ident(k)}, n.{ident(k)}) AS {ident(k)}" for k in key)
    changes = ", ".join(
        f"CASE WHEN o.{ident(f)} IS DISTINCT FROM n.{ident(f)} THEN "
        f"{{'field': {literal(f)}, 'old': o.{ident(f)}, 'new': n.{ident(f)}}} END"
        for f in compared) or "NULL"
    differs = " OR ".join(f"o.{ident(f)} IS DISTINCT FROM n.{ident(f)}" for f in compared)

    def cells(alias: str, names: list[str]) -> str:
        return "[" + ", ".join(f"CASE WHEN {alias}.{ident(f)} IS NOT NULL THEN "
                               f"{{'field': {literal(f)}, 'value': {alias}.{ident(f)}}} END"
                               for f in names) + "]"

    return (f"SELECT CASE WHEN NOT ({in_new}) THEN 'removed' WHEN NOT ({in_old}) THEN 'added' "
            f"ELSE 'changed' END AS change, {keys}, "
            f"list_filter([{changes}], lambda c: c IS NOT NULL) AS changes, "
            f"list_filter({cells('o', key + compared + old_only)}, lambda c: c IS NOT NULL) "
            f"AS old_cells, "
            f"list_filter({cells('n', key + compared + new_only)}, lambda c: c IS NOT NULL) "
            f"AS new_cells "
            f"FROM {old_source} o FULL OUTER JOIN {new_source} n ON {match} "
            f"WHERE NOT ({in_old}) OR NOT ({in_new}){f' OR {differs}' if differs else ''} "
            f"ORDER BY {', '.join(ident(k) for k in key)}, change")


def compare_table(con: duckdb.DuckDBPyConnection, old, new) -> TableDiff:
    key = as_list(new.schema["primaryKey"])
    before, after = header_of(old.path), header_of(new.path)
    for version, header, resource in (("old", before, old), ("new", after, new)):
        if missing := [k for k in key if k not in header]:
            raise DiffError(f"{resource.relpath} ({version}) has no column {missing[0]}, part "
                            f"of its primary key")
    compared = [f for f in after if f in before and f not in key]
    table = TableDiff(new.name, key,
                      fields_added=[f for f in after if f not in before],
                      fields_removed=[f for f in before if f not in after])
    sql = diff_sql(key, compared, table.fields_removed, table.fields_added,
                   csv_source(old.path), csv_source(new.path))
    try:
        result = con.execute(sql)
        while batch := result.fetchmany(10_000):
            for change, *rest in batch:
                keys, (changes, old_cells, new_cells) = rest[:len(key)], rest[len(key):]
                if change == "changed":
                    fields = {c["field"]: [c["old"], c["new"]] for c in changes}
                else:
                    cells = new_cells if change == "added" else old_cells
                    fields = {c["field"]: c["value"] for c in cells if c["field"] not in key}
                table.rows.append(RowChange(change, dict(zip(key, keys, strict=True)), fields))
                setattr(table, change, getattr(table, change) + 1)
    except duckdb.Error as error:
        raise DiffError(f"{new.relpath}: cannot compare: {first_line(error)}") from None
    return table


# --- renderings --------------------------------------------------------------------------------

def key_text(row: RowChange) -> str:
    return ", ".join("" if v is None else v for v in row.key.values())


def shown(value) -> str:
    return "(empty)" if value is None else json.dumps(value, ensure_ascii=False)


def counts(table: TableDiff) -> str:
    return f"{table.added} added, {table.removed} removed, {table.changed} changed"


def as_text(diff: Diff) -> list[str]:
    lines = [f"{diff.old} -> {diff.new}"]
    lines += [f"table {name} added" for name in diff.tables_added]
    lines += [f"table {name} removed" for name in diff.tables_removed]
    for table in diff.tables:
        lines.append(f"{table.name} (key {', '.join(table.primary_key)}): {counts(table)}")
        lines += [f"  column {name} added" for name in table.fields_added]
        lines += [f"  column {name} removed" for name in table.fields_removed]
        for row in table.rows:
            mark = {"added": "+", "removed": "-", "changed": "~"}[row.change]
            lines.append(f"  {mark} {key_text(row)}")
            if row.change == "changed":
                lines += [f"      {name}: {shown(old)} -> {shown(new)}"
                          for name, (old, new) in row.fields.items()]
    if diff.same:
        lines.append("no differences")
    return lines


def markdown_cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(diff: Diff) -> str:
    lines = [f"# Changes from `{diff.old}` to `{diff.new}`", ""]
    lines += [f"- table `{name}` added" for name in diff.tables_added]
    lines += [f"- table `{name}` removed" for name in diff.tables_removed]
    if diff.tables_added or diff.tables_removed:
        lines.append("")
    lines += ["| table | added | removed | changed |", "|---|---:|---:|---:|"]
    lines += [f"| {t.name} | {t.added} | {t.removed} | {t.changed} |" for t in diff.tables]
    for table in diff.tables:
        if not (table.rows or table.fields_added or table.fields_removed):
            continue
        lines += ["", f"## `{table.name}`", ""]
        lines += [f"- column `{name}` added" for name in table.fields_added]
        lines += [f"- column `{name}` removed" for name in table.fields_removed]
        if table.fields_added or table.fields_removed:
            lines.append("")
        if not table.rows:
            continue
        lines += [f"| change | {', '.join(table.primary_key)} | field | old | new |",
                  "|---|---|---|---|---|"]
        for row in table.rows:
            key = markdown_cell(key_text(row))
            if row.change == "changed":
                lines += [f"| changed | {key} | {name} | {markdown_cell(old)} | "
                          f"{markdown_cell(new)} |" for name, (old, new) in row.fields.items()]
            else:
                lines.append(f"| {row.change} | {key} |  |  |  |")
    return "\n".join(lines)


def as_json(diff: Diff) -> str:
    return json.dumps({**asdict(diff), "same": diff.same}, ensure_ascii=False, indent=2)
