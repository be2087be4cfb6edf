"""What cnru writes and runs, on a real checkout (a git clone of this repository): no command
deletes or changes a file it did not write, scripts and queries change nothing but their own
output, a killed or interrupted build leaves the previous build whole and nothing behind."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SOURCES
from typer.testing import CliRunner

import cnru.outputs.build
from cnru.cli import app
from cnru.engine.db import Limits
from cnru.errors import BuildBusy, DiskFull, OutOfMemory, UnsafeOutput
from cnru.outputs import output
from cnru.outputs.build import build

with open(ROOT / "data" / "claims.csv", encoding="utf-8", newline="") as _file:
    SHIPPED_CLAIMS = sum(1 for _ in csv.reader(_file)) - 1


@pytest.fixture(scope="module")
def cloned(tmp_path_factory) -> Path:
    """A git clone of the repository, with the archived texts where the package expects them
    (`../shared/sources`, a link to the real ones), for each test to copy. Cloned as from a
    remote: its objects in one pack, a few hundred files rather than thousands of loose
    objects to copy, hash and delete."""
    into = tmp_path_factory.mktemp("clone")
    subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(into / "cnru")],
                   check=True)
    (into / "shared").mkdir()
    (into / "shared" / "sources").symlink_to(SOURCES, target_is_directory=True)
    return into / "cnru"


def copy_of(checkout: Path, into: Path) -> Path:
    """A copy of `checkout` and of its link to the archived texts, in `into`."""
    shutil.copytree(checkout.parent, into, symlinks=True, dirs_exist_ok=True)
    return into / checkout.name


@pytest.fixture
def checkout(cloned, tmp_path) -> Path:
    """A checkout of this test's own, in `tmp_path`."""
    return copy_of(cloned, tmp_path)


def hashes(directory: Path) -> dict[str, str]:
    """Every file under `directory` (.git included) by its hash, and every folder."""
    found = {}
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_symlink():
            found[name] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_error_line(result) -> str:
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return line


@pytest.mark.parametrize("args, reason", [
    (["build", ".", "--out", "."], "it is the package itself"),
    (["build", ".", "--out", ".."], "it contains the package"),
    (["build", ".", "--out", "data"], "it lies inside the package's data"),
    (["build", ".", "--out", "schemas"], "it lies inside the package's schemas"),
    (["build", ".", "--out", "scripts/out"], "it lies inside the package's scripts"),
    (["build", ".", "--out", ".git"], "it lies inside the package's .git"),
    (["build", ".", "--out", "archive"], "it lies inside the package's archive"),
    (["build", ".", "--out", "docs"], "it is a folder that no cnru build wrote"),
    (["build", ".", "--out", "src/cnru"], "it is a folder that no cnru build wrote"),
    (["build", ".", "--out", "README.md"], "it is not a folder"),
    (["release", ".", "--out", "."], "it is the package itself"),
    (["release", ".", "--out", "data", "--dist", "dist"], "it lies inside the package's data"),
])
def test_a_build_into_a_folder_cnru_did_not_write_is_refused_and_changes_nothing(
        checkout, monkeypatch, args, reason):
    monkeypatch.chdir(checkout)
    before = hashes(checkout.parent)
    result = invoke(*args, "--sources-dir", SOURCES)
    assert result.exit_code == 2, result.output
    assert one_error_line(result) == f"Error: refusing to build into {args[3]}: {reason}" + (
        f" (it has no {output.MARKER}); name a new or empty folder"
        if "no cnru build" in reason else "")
    assert hashes(checkout.parent) == before


def test_a_build_into_the_archived_texts_is_refused(checkout, tmp_path):
    sources = tmp_path / "texts"
    sources.mkdir()
    with pytest.raises(UnsafeOutput, match="lies inside the archived texts"):
        build(checkout, sources / "build", sources)
    assert list(sources.iterdir()) == []


def test_a_link_as_out_is_refused(checkout, tmp_path):
    (tmp_path / "link").symlink_to(checkout / "data", target_is_directory=True)
    before = hashes(checkout)
    with pytest.raises(UnsafeOutput, match="it is a symbolic link"):
        build(checkout, tmp_path / "link", SOURCES)
    assert hashes(checkout) == before


@pytest.mark.parametrize(("dist", "reason"), [
    ("data", "it lies inside the package's data"),
    ("build/dist", "it lies inside the build"),
])
def test_a_release_into_a_folder_it_may_not_write_is_refused_before_building(
        checkout, monkeypatch, dist, reason):
    monkeypatch.chdir(checkout)
    before = hashes(checkout.parent)
    result = invoke("release", ".", "--dist", dist, "--sources-dir", SOURCES)
    assert result.exit_code == 2, result.output
    assert one_error_line(result) == f"Error: refusing to release into {dist}: {reason}"
    assert hashes(checkout.parent) == before  # no build either


def test_query_with_a_missing_db_is_one_line_and_builds_nothing(checkout, monkeypatch):
    """`cnru query "SELECT 1" --db cnru.duckdb` in the package root once built into the root."""
    monkeypatch.chdir(checkout)
    before = hashes(checkout.parent)
    result = invoke("query", "SELECT 1", "--db", "cnru.duckdb")
    assert result.exit_code == 2, result.output
    assert one_error_line(result).startswith(
        "Error: no database at cnru.duckdb: run `cnru build` first, or leave out --db")
    assert hashes(checkout.parent) == before


def test_query_builds_only_the_default_build(checkout, monkeypatch):
    monkeypatch.chdir(checkout)
    result = invoke("query", "SELECT count(*) AS n FROM claims", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"n\n{SHIPPED_CLAIMS}\n")
    assert output.is_build(checkout / "build")
    assert [p.name for p in checkout.iterdir() if p.name.startswith(".build")] == []


def test_an_empty_query_is_one_line(checkout):
    result = invoke("query", "", "--package", checkout)
    assert result.exit_code == 2
    assert one_error_line(result).startswith("Error: the SQL is empty")
    assert not (checkout / "build").exists()


@pytest.fixture(scope="module")
def built_checkout(cloned, tmp_path_factory) -> Path:
    """A checkout built once, for the tests below to copy: a build's bytes do not depend on the
    folder it was made in (the marker test below builds a copy again and compares)."""
    out = copy_of(cloned, tmp_path_factory.mktemp("built")) / "build"
    build(out.parent, out, SOURCES)
    return out


@pytest.fixture
def built(built_checkout, tmp_path) -> Path:
    """A built checkout of this test's own, in `tmp_path`."""
    return copy_of(built_checkout.parent, tmp_path) / built_checkout.name


@pytest.fixture(scope="module")
def built_once(built_checkout, tmp_path_factory) -> Path:
    """A built checkout for tests that leave both as they found them."""
    return copy_of(built_checkout.parent, tmp_path_factory.mktemp("checkout")) / "build"


@pytest.fixture
def script(built_once):
    """Write `scripts/30_evil.sql` in the checkout, for one test."""
    path = built_once.parent / "scripts" / "30_evil.sql"
    yield lambda sql: path.write_text(f"-- evil: a hostile script\n{sql}\n")
    path.unlink()


def count_claims(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("SELECT count(*) FROM claims").fetchone()[0]


@pytest.mark.parametrize("sql, kind", [
    ("ATTACH '{other}' AS m (READ_WRITE); USE m; DETACH cnru; "
     "ATTACH '{db}' AS cnru (READ_WRITE); DELETE FROM cnru.claims", "ATTACH"),
    ("COPY (SELECT 1 AS x) TO '{parquet}' (FORMAT parquet)", "COPY"),
    ("SELECT 1; COPY claims TO '{parquet}'", "COPY"),
    ("SET memory_limit = '100GB'", "SET"),
    ("EXPORT DATABASE '{build}/exported'", "EXPORT"),
    ("EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{parquet}' (FORMAT parquet)", "COPY"),
])
def test_query_cannot_write_the_database_or_the_build(built_once, sql, kind):
    built = built_once
    before = hashes(built)
    sql = sql.format(db=built / "cnru.duckdb", parquet=built / "parquet" / "claims.parquet",
                     build=built, other=built.parent.parent / "other.duckdb")
    result = invoke("query", sql, "--db", built / "cnru.duckdb")
    assert result.exit_code == 2, result.output
    assert f" is {kind}: cnru query runs only SELECT statements, and EXPLAIN of them" in (
        one_error_line(result))
    assert hashes(built) == before
    assert count_claims(built / "cnru.duckdb") == SHIPPED_CLAIMS


def test_query_still_reads_the_csvs_and_explains(built_once, monkeypatch):
    built = built_once
    monkeypatch.chdir(built.parent)
    result = invoke("query", "SELECT count(*) AS n FROM 'data/claims.csv'", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"n\n{SHIPPED_CLAIMS}\n"
    result = invoke("query", "EXPLAIN ANALYZE SELECT count(*) FROM claims", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("explain_key,explain_value\nanalyzed_plan,")


HOSTILE_SCRIPTS = {
    "delete": ("CREATE TABLE evil AS SELECT 1 AS a;\nDELETE FROM claims;", "DELETE"),
    "update": ("CREATE TABLE evil AS SELECT 1 AS a;\nUPDATE claims SET notes = 'x';", "UPDATE"),
    "copy": ("CREATE TABLE evil AS SELECT 1 AS a;\n"
             "COPY (SELECT 1 AS x) TO 'parquet/claims.parquet' (FORMAT parquet);", "COPY"),
    "limits": ("SET memory_limit = '100GB';\nSET threads = 64;\n"
               "CREATE TABLE evil AS SELECT 1 AS a;", "SET"),
    "install": ("SET extension_directory = 'ext';\nINSTALL httpfs;\n"
                "CREATE TABLE evil AS SELECT 1 AS a;", "SET"),
    "attach": ("DETACH dist;\nATTACH 'cnru.duckdb' AS dist (READ_WRITE);\n"
               "CREATE TABLE evil AS SELECT 1 AS a;", "DETACH"),
}


@pytest.mark.parametrize("name", HOSTILE_SCRIPTS)
def test_a_script_may_only_create(built_once, script, name):
    built, root = built_once, built_once.parent
    sql, kind = HOSTILE_SCRIPTS[name]
    script(sql)
    before = hashes(built)
    result = invoke("build", root, "--out", built, "--sources-dir", SOURCES)
    assert result.exit_code == 1, result.output
    assert one_error_line(result) == (
        f"Error: scripts/30_evil.sql: statement {2 if kind in ('DELETE', 'UPDATE', 'COPY') else 1}"
        f" is {kind}; a script may only CREATE its table or view")
    assert hashes(built) == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".build")] == []


def test_a_script_a_build_would_refuse_is_refused_before_the_package_is_validated(
        built_once, script, monkeypatch):
    def validated(*args, **kwargs):
        raise AssertionError("the package was validated before its scripts were checked")

    script(HOSTILE_SCRIPTS["delete"][0])
    monkeypatch.setattr(cnru.outputs.build, "check_package", validated)
    with pytest.raises(cnru.errors.BuildError,
                       match="^scripts/30_evil.sql: statement 2 is DELETE; a script may only"):
        build(built_once.parent, built_once, SOURCES)


@pytest.mark.parametrize("body, message", [
    ("CREATE TABLE evil AS FROM read_text('/etc/passwd')", "Permission Error"),
    ("CREATE TABLE dist.evil AS SELECT 1 AS a", "read-only mode"),
    ("CREATE OR REPLACE TABLE dist.claims AS SELECT 1 AS a", "read-only mode"),
])
def test_a_creating_script_reads_no_file_and_writes_no_shipped_table(built_once, script, body,
                                                                    message):
    built, root = built_once, built_once.parent
    script(f"{body};")
    before = hashes(built)
    with pytest.raises(cnru.errors.BuildError, match=f"scripts/30_evil.sql: .*{message}"):
        build(root, built, SOURCES)
    assert hashes(built) == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".build")] == []


def test_the_checksums_cover_what_validation_approved(built):
    """The shipped Parquet files are those validation read: the same bytes as a build with no
    scripts at all, and each listed in SHA256SUMS."""
    root = built.parent
    bare = root.parent / "bare"
    for script in (root / "scripts").glob("*.sql"):
        script.unlink()
    build(root, bare, SOURCES)
    sums = dict(line.split("  ")[::-1] for line in (built / "SHA256SUMS").read_text().splitlines())
    for parquet in (bare / "parquet").iterdir():
        name = f"parquet/{parquet.name}"
        assert (built / name).read_bytes() == parquet.read_bytes()
        assert sums[name] == hashlib.sha256(parquet.read_bytes()).hexdigest()


def test_the_marker_names_tool_version_and_package_and_a_marked_build_is_replaced(built):
    import json

    marker = json.loads((built / output.MARKER).read_text())
    assert marker == {"tool": "cnru", "tool_version": cnru.__version__,
                      "package": "cn-ru-military-support", "package_version": "0.1.0"}
    assert output.MARKER in (built / "SHA256SUMS").read_text()
    before = hashes(built)
    build(built.parent, built, SOURCES)  # a marked folder is replaced, byte-identically
    assert hashes(built) == before


def test_an_empty_folder_is_built_into(checkout, tmp_path):
    (tmp_path / "empty").mkdir()
    build(checkout, tmp_path / "empty", SOURCES)
    assert output.is_build(tmp_path / "empty")


def test_a_second_build_into_the_same_folder_at_once_is_refused(built):
    with output.locked(built), pytest.raises(BuildBusy, match="another cnru build into"):
        build(built.parent, built, SOURCES)


def test_limits_are_parameters_and_the_environment_is_read_at_call_time(checkout, tmp_path,
                                                                        monkeypatch):
    with pytest.raises(OutOfMemory, match="within its limit of 1MB"):
        build(checkout, tmp_path / "a", SOURCES, limits=Limits("1MB"))
    monkeypatch.setenv("CNRU_MEMORY_LIMIT", "lots")
    result = invoke("build", checkout, "--out", tmp_path / "b", "--sources-dir", SOURCES)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "Error: CNRU_MEMORY_LIMIT='lots' is not a memory size such as 1GB or 512MB")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cnru", "shared"]


def test_a_full_disk_is_one_line_naming_the_folder(checkout, tmp_path, monkeypatch):
    write_parquet = cnru.outputs.build.write_parquet

    def full_disk(*args):
        # DuckDB's own error for a full disk, raised where the build writes its files
        duckdb.connect().execute("COPY (SELECT range FROM range(100000)) TO '/dev/full' "
                                 "(FORMAT parquet)")
        write_parquet(*args)

    monkeypatch.setattr(cnru.outputs.build, "write_parquet", full_disk)
    with pytest.raises(DiskFull) as raised:
        build(checkout, tmp_path / "out" / "build", SOURCES)
    assert str(raised.value) == f"no space left in {tmp_path / 'out'}"
    assert list((tmp_path / "out").iterdir()) == []


# Killed and interrupted builds, each a process of its own.

BUILD = [sys.executable, "-m", "cnru", "build"]


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}"))


@pytest.mark.parametrize("seconds", [0.3, 0.9, 1.5, 2.1])
def test_a_killed_build_leaves_the_previous_build_whole(built, tmp_path, seconds):
    before = hashes(built)
    temporary = tmp_path / "tmp"  # the killed process's temporary directory
    temporary.mkdir()
    process = subprocess.Popen([*BUILD, built.parent, "--out", built, "--sources-dir", SOURCES],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "TMPDIR": str(temporary)})
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert hashes(built) == before  # untouched, or replaced by the identical new build
    assert list(temporary.iterdir()) == []  # it spilled into its work folder beside the build
    build(built.parent, built, SOURCES)  # the next build cleans what the killed one left
    assert leftovers(built) == []
    assert hashes(built) == before


KILL_IN_THE_SWAP = """
import os, pathlib, signal, sys
rename = pathlib.Path.rename
def rename_then_die(self, target):
    rename(self, target)
    if "-old-" in str(target):  # the first of the swap's two renames
        os.kill(os.getpid(), signal.SIGKILL)
pathlib.Path.rename = rename_then_die
from cnru.outputs.build import build
build(sys.argv[1], sys.argv[2], sys.argv[3])
"""


def test_a_build_killed_in_the_middle_of_the_swap_is_put_back(built):
    before = hashes(built)
    process = subprocess.run([sys.executable, "-c", KILL_IN_THE_SWAP, built.parent, built,
                              SOURCES])
    assert process.returncode == -signal.SIGKILL
    assert not built.exists()  # the old build is aside, the new one not yet in place
    with output.locked(built):  # what the next build does first
        output.recover(built)
    assert hashes(built) == before
    assert leftovers(built) == []


def test_the_next_query_puts_back_a_build_killed_in_the_swap(built):
    subprocess.run([sys.executable, "-c", KILL_IN_THE_SWAP, built.parent, built, SOURCES])
    result = invoke("query", "SELECT count(*) AS n FROM claims", "--package", built.parent,
                    "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"n\n{SHIPPED_CLAIMS}\n")
    assert leftovers(built) == []


def with_ctrl_c() -> None:
    """In the child: Ctrl-C as a terminal gives it, even when the tests run where it is ignored
    (a shell's background job), which Python would then ignore too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_a_long_script_at_once(built):
    root = built.parent
    (root / "scripts" / "30_slow.sql").write_text(
        "-- slow: a script that would run for hours\n"
        "CREATE TABLE slow AS SELECT count(*) AS n FROM range(1000000000000);\n")
    before = hashes(built)
    process = subprocess.Popen([*BUILD, root, "--out", built, "--sources-dir", SOURCES],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=with_ctrl_c)
    deadline = time.monotonic() + 60
    while not list(root.glob(".build-building-*/scratch.duckdb")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)  # the script is running
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    assert time.monotonic() - interrupted < 5
    assert process.returncode != 0
    assert hashes(built) == before
    assert leftovers(built) == []


@pytest.mark.parametrize("name, sql, message", [
    ("30_claims.sql", "CREATE OR REPLACE TABLE claims AS SELECT 1 AS a;",
     "its output claims is already a table of the database or the output of another script"),
    ("30_helped.sql", "CREATE TABLE aside AS SELECT 1 AS a;\nCREATE VIEW helped AS FROM aside;",
     "the view helped reads what only its script had: Catalog Error"),
])
def test_a_script_that_would_replace_a_table_or_ship_a_broken_view_fails(built_once, name, sql,
                                                                         message):
    path = built_once.parent / "scripts" / name
    path.write_text(f"-- {name[3:-4]}: a script\n{sql}\n")
    before = hashes(built_once)
    try:
        with pytest.raises(cnru.errors.BuildError) as raised:
            build(built_once.parent, built_once, SOURCES)
    finally:
        path.unlink()
    assert str(raised.value).startswith(f"scripts/{name}: {message}")
    assert hashes(built_once) == before


def test_only_cnru_leftovers_are_removed(tmp_path):
    out = tmp_path / "build"
    killed_while_removed = tmp_path / ".build-old-abcd1234"  # its build half deleted
    (killed_while_removed / "build" / "parquet").mkdir(parents=True)
    (killed_while_removed / output.WORK_MARKER).write_text("")
    killed_at_once = tmp_path / ".build-building-efgh5678"  # killed before its marker
    killed_at_once.mkdir()
    someone_elses = tmp_path / ".build-building-notes"
    someone_elses.mkdir()
    (someone_elses / "notes.txt").write_text("mine")
    output.recover(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build-building-notes"]
    assert (someone_elses / "notes.txt").read_text() == "mine"
