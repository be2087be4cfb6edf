"""Benchmark: stock `frictionless validate`, `cnru validate` and `cnru build` on the shipped
package and on synthetic packages of 1k, 10k, 100k and 1M claims, whole processes (start-up
included), with peak memory; the cold start of `cnru --help`; optionally the test suite's wall
time (--tests) and the install's size and time (--install).

    .venv/bin/python benchmarks/run.py            # 1k, 10k, 100k, 1M claims; 3 runs each
    .venv/bin/python benchmarks/run.py --sizes 1000 100000 --runs 5 --tests --install
    .venv/bin/python benchmarks/run.py --sizes 10000 --runs 1 --frictionless-up-to 0
    .venv/bin/python benchmarks/run.py --huge 10000000   # and 10M claims, validated once
    .venv/bin/python benchmarks/run.py --sizes --no-report   # the flood case alone
    .venv/bin/python benchmarks/run.py --diff 1000000 --no-report   # only `cnru diff`, once

The flood case is the shipped package with the last row of `claims.csv` repeated 200,000
times (a bad merge): its report, in each format and with `--all`, exits 1 by design. The diff
case compares a synthetic package with a copy that changes 1% of its claims and replaces 0.1%.

The runs go round by round, every command once a round, so that a slower spell of a shared
machine falls on every command alike, every other round in the reverse order; the commands of
a second or less (the shipped package, `--help`, 1,000 claims) have their rounds first. A
ratio to stock frictionless is the median of the two commands' ratios round by round. Prints a
table of medians and writes it to BENCHMARKS.md (between the RESULTS markers), with the
machine and the versions. Packages are generated under
benchmarks/packages/ (git-ignored).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "benchmarks" / "packages"
REPORT = ROOT / "BENCHMARKS.md"
SYNTH = ROOT / "tools" / "synth.py"
BIN = Path(sys.executable).parent
# Runs a command and prints its own peak memory: RUSAGE_CHILDREN of a process with one child.
MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
           "stderr=subprocess.DEVNULL).returncode; "
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
           " code)")
# A bare DuckDB copy of the same CSV files to Parquet: the floor for `cnru build`.
BARE_COPY = ("import duckdb, pathlib, sys; package = pathlib.Path(sys.argv[1]); "
             "out = pathlib.Path(sys.argv[2]); out.mkdir(exist_ok=True); con = duckdb.connect(); "
             "[con.execute(f\"COPY (SELECT * FROM read_csv('{f}')) TO "
             "'{out / (f.stem + '.parquet')}' (FORMAT parquet, COMPRESSION zstd)\") "
             "for f in sorted((package / 'data').glob('*.csv'))]")

# DuckDB alone on the shipped package, on one thread: each CSV loaded as text, the archived
# texts read, each quote looked for in them. What any validator built on DuckDB pays before
# a single check of its own: the floor for the memory of `cnru validate`.
BARE_LOAD = """
import duckdb, pathlib, sys
package, sources = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
con = duckdb.connect(config={"threads": 1})
for csv in sorted((package / "data").glob("*.csv")):
    con.execute(f"CREATE TABLE {csv.stem} AS FROM read_csv('{csv}', all_varchar = true)")
con.execute(f"CREATE TABLE texts AS SELECT content FROM read_text(['{sources}/*', "
            f"'{package / 'archive'}/*'])")
con.execute("SELECT count(*) FROM claim_evidence JOIN texts ON contains(content, quote)").fetchall()
"""
FLOOR = "DuckDB alone: the shipped CSVs and texts loaded, the quotes looked for"


@dataclass
class Measure:
    what: str
    claims: int
    seconds: float
    peak_mb: float
    ok: bool
    rounds: tuple[float, ...] = ()  # the seconds of each round, in order


def paired(ours: Measure, theirs: Measure) -> float:
    """The median of the two commands' ratios round by round (each pair ran in the same
    round, one right after the other): steadier than the ratio of their medians when the
    machine's speed drifts."""
    if len(ours.rounds) != len(theirs.rounds) or not ours.rounds:
        return ours.seconds / theirs.seconds
    return statistics.median(a / b for a, b in zip(ours.rounds, theirs.rounds, strict=True))


LOW_MEMORY = "250MB"  # a DuckDB memory limit that keeps cnru under frictionless's peak


def measure(command: list[str], cwd: Path = ROOT, env: dict | None = None,
            ) -> tuple[float, float, int]:
    """A command's seconds, peak MB and exit code. It runs as Python runs by default, writing
    the bytecode of the modules it imports (cnru's own, in an editable install, on the first
    run): a PYTHONDONTWRITEBYTECODE in this environment would have every run compile them."""
    default = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    output = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, check=True,
                            capture_output=True, text=True,
                            env={**default, **(env or {})}).stdout.split()
    return float(output[0]), int(output[1]) / 1024, int(output[2])


def package(claims: int) -> Path:
    """The synthetic package of this size, on the model as it is now: generated again when the
    schemas or the generator have changed since, and given the current build scripts."""
    out = PACKAGES / f"claims-{claims}"
    descriptor = out / "datapackage.json"
    current = (descriptor.is_file() and not filecmp.dircmp(ROOT / "schemas", out / "schemas")
               .diff_files and descriptor.stat().st_mtime > SYNTH.stat().st_mtime)
    if not current:
        shutil.rmtree(out, ignore_errors=True)  # stale, or an interrupted generation
        subprocess.run([sys.executable, str(SYNTH), str(out),
                        "--claims", str(claims), "--seed", "1"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    shutil.rmtree(out / "scripts", ignore_errors=True)
    shutil.copytree(ROOT / "scripts", out / "scripts")
    return out


def commands(claims: int, path: Path, frictionless: bool, low_memory: bool,
             ) -> dict[str, tuple[list[str], Path, dict]]:
    sources = str(path / "sources")
    validate = [str(BIN / "cnru"), "validate", str(path), "--sources-dir", sources]
    runs = {
        "cnru validate": (validate, ROOT, {}),
        "cnru build": ([str(BIN / "cnru"), "build", str(path), "--out",
                        str(PACKAGES / f"build-{claims}"), "--sources-dir", sources], ROOT, {}),
        "DuckDB CSV to Parquet": ([sys.executable, "-c", BARE_COPY, str(path),
                                   str(PACKAGES / f"bare-{claims}")], ROOT, {}),
    }
    if low_memory:
        runs[f"cnru validate, CNRU_MEMORY_LIMIT={LOW_MEMORY}"] = (
            validate, ROOT, {"CNRU_MEMORY_LIMIT": LOW_MEMORY})
    if frictionless:
        runs["frictionless validate"] = ([str(BIN / "frictionless"), "validate",
                                          "datapackage.json"], path, {})
    return runs


FLOOD = 200_000  # copies of the last row of claims.csv
SOURCES = ROOT.parent / "shared" / "sources"


def flood_package(copies: int = FLOOD) -> Path:
    """The shipped package with the last claim repeated: one problem on `copies` rows."""
    out = PACKAGES / f"flood-{copies}"
    shutil.rmtree(out, ignore_errors=True)
    for folder in ("data", "schemas"):
        shutil.copytree(ROOT / folder, out / folder)
    for name in ("datapackage.json", "cnru.toml"):
        shutil.copy(ROOT / name, out / name)
    claims = out / "data" / "claims.csv"
    last = claims.read_bytes().splitlines(keepends=True)[-1]
    with open(claims, "ab") as file:
        file.write(last * copies)
    return out


def flood_commands(path: Path) -> dict[str, tuple[list[str], Path, dict]]:
    validate = [str(BIN / "cnru"), "validate", str(path), "--sources-dir", str(SOURCES)]
    return {f"flood: cnru validate {' '.join(extra)}".rstrip(): ([*validate, *extra], ROOT, {})
            for extra in ([], ["--format", "json"], ["--format", "github"],
                          ["--all"], ["--format", "json", "--all"])}


def run(sizes: list[int], runs: int, frictionless_up_to: int, huge: int | None) -> list[Measure]:
    shipped = ([str(BIN / "cnru"), "validate", str(ROOT)], ROOT, {})
    plan = [(0, "cnru validate, shipped package", shipped, runs),
            (0, "frictionless validate, shipped package",
             ([str(BIN / "frictionless"), "validate", "datapackage.json"], ROOT, {}), runs),
            (0, FLOOR,
             ([sys.executable, "-c", BARE_LOAD, str(ROOT), str(SOURCES)], ROOT, {}), runs),
            (0, "cnru --help", ([str(BIN / "cnru"), "--help"], ROOT, {}), runs)]
    flood = flood_package()
    plan += [(FLOOD, name, command, runs) for name, command in flood_commands(flood).items()]
    for claims in sizes:
        path = package(claims)
        plan += [(claims, name, command, runs) for name, command in
                 commands(claims, path, claims <= frictionless_up_to,
                          claims == max(sizes)).items()]
    if huge:  # once: does it complete, and does memory stay bounded?
        path = package(huge)
        plan.append((huge, "cnru validate", commands(huge, path, False, False)["cnru validate"],
                     1))
    samples: list[list[tuple[float, float, int]]] = [[] for _ in plan]
    # the commands of a second or less first, in rounds of their own: a command that follows
    # one that filled gigabytes runs slower for a while, which would fall on whichever
    # command comes next
    quick = [i for i, (claims, name, _, _) in enumerate(plan)
             if claims <= 1000 and not name.startswith("flood")]
    phases = [quick, [i for i in range(len(plan)) if i not in quick]]
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("benchmarking", total=sum(p[3] for p in plan))
        # round by round, each command once per round: a slower spell of a shared machine
        # falls on every command alike, not on all the runs of one; every other round in the
        # reverse order, so that no command always runs first
        for phase in phases:
            for round_ in range(runs):
                for index in phase if round_ % 2 == 0 else phase[::-1]:
                    claims, name, call, repeat = plan[index]
                    if round_ < repeat:
                        progress.update(task, description=f"{name} ({claims:,} claims)")
                        samples[index].append(measure(*call))
                        progress.advance(task)
    return [Measure(name, claims, statistics.median(s[0] for s in done),
                    statistics.median(s[1] for s in done), all(s[2] == 0 for s in done),
                    tuple(s[0] for s in done))
            for (claims, name, _, _), done in zip(plan, samples, strict=True)]


def edited_copy(path: Path) -> Path:
    """A copy of the package with one claim in a hundred changed, one in a thousand removed and
    as many added (new ids): what a large revision of the data looks like to `cnru diff`."""
    import duckdb

    out = path.parent / f"{path.name}-edited"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(path, out, ignore=shutil.ignore_patterns("sources"))
    claims = out / "data" / "claims.csv"
    con = duckdb.connect()
    con.execute(f"""CREATE TABLE c AS SELECT * FROM read_csv('{path / "data" / "claims.csv"}',
                    all_varchar = true, header = true)""")
    con.execute(f"""COPY (
        SELECT * REPLACE (CASE WHEN row_number() OVER () % 100 = 0 THEN 'edited in benchmark'
                          ELSE notes END AS notes) FROM c
        QUALIFY row_number() OVER () % 1000 <> 7
        UNION ALL
        SELECT * REPLACE ('c-new-' || claim_id AS claim_id) FROM c
        QUALIFY row_number() OVER () % 1000 = 7
    ) TO '{claims}' (HEADER)""")
    return out


def run_diff(claims: int) -> list[Measure]:
    """`cnru diff` between a synthetic package and an edited copy, once."""
    path = package(claims)
    edited = edited_copy(path)
    seconds, peak, code = measure([str(BIN / "cnru"), "diff", str(path), str(edited),
                                   "--format", "json"])
    return [Measure("cnru diff (1% of claims changed, 0.1% added and removed)", claims,
                    seconds, peak, code == 0)]


def run_tests() -> list[Measure]:
    """The README's test command (the installed test extra assumed), once, wall time."""
    seconds, peak, code = measure([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider"])
    return [Measure("the README's test command", 0, seconds, peak, code == 0)]


def run_install() -> list[Measure]:
    """The README's install into a new venv, once: its time, and the venv's size on disk (in
    the MB column). Uses the package index pip is configured with."""
    venv = PACKAGES / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    seconds, _, code = measure(["bash", "-c", f"python3 -m venv {venv} && "
                                f"{venv}/bin/pip install -q -e {ROOT}"])
    size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    return [Measure("install (venv, README's first command)", 0, seconds, size / 1e6, code == 0)]


def table(results: list[Measure]) -> list[str]:
    lines = ["| claims | command | median seconds | median peak MB | exit 0 |",
             "|---:|---|---:|---:|---|"]
    for r in results:
        label = f"{r.claims:,}" if r.claims else "shipped" if "shipped" in r.what else "-"
        lines.append(f"| {label} | {r.what} | {r.seconds:.2f} | {r.peak_mb:.0f} | "
                     f"{'yes' if r.ok else 'NO'} |")
    return lines


def targets(results: list[Measure]) -> list[str]:
    by = {(r.what, r.claims): r for r in results}
    lines = []
    largest = max(r.claims for r in results)
    sizes = [r.claims for r in results if r.what == "frictionless validate"]
    largest = max(sizes, default=largest)
    ours, theirs = by.get(("cnru validate", largest)), by.get(("frictionless validate", largest))
    if ours and theirs:
        lines.append(f"- `cnru validate` vs stock frictionless at {largest:,} claims: "
                     f"{1 / paired(ours, theirs):.1f}x faster (target 20x), peak memory "
                     f"{ours.peak_mb:.0f} MB vs {theirs.peak_mb:.0f} MB (target: lower)")
    low = by.get((f"cnru validate, CNRU_MEMORY_LIMIT={LOW_MEMORY}", largest))
    if low and theirs:
        lines.append(f"- with CNRU_MEMORY_LIMIT={LOW_MEMORY}: {1 / paired(low, theirs):.1f}x "
                     f"faster, peak memory {low.peak_mb:.0f} MB vs {theirs.peak_mb:.0f} MB")
    if ours:
        lines.append(f"- `cnru validate` peak memory at {largest:,} claims: {ours.peak_mb:.0f} MB "
                     "(target under 2 GB)")
    huge = max((r for r in results if r.what == "cnru validate"), key=lambda r: r.claims)
    if huge.claims > largest:
        verdict = "completed" if huge.ok else "FAILED"
        lines.append(f"- `cnru validate` at {huge.claims:,} claims: {verdict} in "
                     f"{huge.seconds:.0f} s, peak memory {huge.peak_mb:.0f} MB")
    shipped = by.get(("cnru validate, shipped package", 0))
    stock = by.get(("frictionless validate, shipped package", 0))
    if shipped and stock:
        lines.append(f"- `cnru validate` on the shipped package: {shipped.seconds:.2f} s, "
                     f"{paired(shipped, stock):.2f}x stock frictionless's time "
                     f"({stock.seconds:.2f} s; target at most 0.7x), peak memory "
                     f"{shipped.peak_mb:.0f} MB, {shipped.peak_mb / stock.peak_mb:.1f}x its "
                     f"{stock.peak_mb:.0f} MB (target at most 2x)")
    floor = by.get((FLOOR, 0))
    if floor and stock:
        lines.append(f"- DuckDB alone, loading the shipped package and looking for its quotes: "
                     f"peak memory {floor.peak_mb:.0f} MB, {floor.peak_mb / stock.peak_mb:.1f}x "
                     "frictionless's (the floor under `cnru validate`'s)")
    first = by.get(("cnru validate", 1000)), by.get(("frictionless validate", 1000))
    if all(first):
        lines.append(f"- `cnru validate` at 1,000 claims: {first[0].seconds:.2f} s, "
                     f"{paired(*first):.2f}x stock frictionless's time "
                     f"({first[1].seconds:.2f} s; target at most 0.7x)")
    if helped := by.get(("cnru --help", 0)):
        lines.append(f"- `cnru --help`, cold: {helped.seconds:.2f} s (target under 0.2 s)")
    if tests := by.get(("the README's test command", 0)):
        lines.append(f"- the README's test command: {tests.seconds:.0f} s (target about 60 s)")
    if installed := by.get(("install (venv, README's first command)", 0)):
        lines.append(f"- the install: {installed.seconds:.0f} s, {installed.peak_mb:.0f} MB on "
                     "disk (the table's MB column; target half the 878 MB, counted the same "
                     "way, of a venv with the test extra: the README's install before)")
    built, bare = by.get(("cnru build", largest)), by.get(("DuckDB CSV to Parquet", largest))
    if built and bare:
        lines.append(f"- `cnru build` at {largest:,} claims: {built.seconds:.1f} s, "
                     f"{built.seconds / bare.seconds:.1f}x a bare DuckDB CSV-to-Parquet copy "
                     f"({bare.seconds:.1f} s, which validates nothing: docs/performance-notes.md "
                     "says why a build cannot be within 2x of it)")
    return lines


def machine() -> list[str]:
    memory = ""
    if Path("/proc/meminfo").is_file():
        total = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        memory = f", {int(total.group(1)) / 1024 / 1024:.0f} GiB RAM" if total else ""
    versions = ", ".join(f"{name} {version(name)}" for name in
                         ("cnru", "duckdb", "frictionless", "pandera", "pandas"))
    try:  # the optional export, most of a build's time at scale when it is installed
        export = (f"followthemoney {version('followthemoney')}: `cnru build` writes the "
                  "FollowTheMoney export")
    except PackageNotFoundError:
        export = "no followthemoney (the README's install): `cnru build` writes no FtM export"
    return [f"- Machine: {platform.machine()}, {os.cpu_count()} cores{memory}, "
            f"{platform.system()} {platform.release()}",
            f"- Python {platform.python_version()}; {versions}",
            f"- {export}"]


def write_report(lines: list[str]) -> None:
    text = REPORT.read_text(encoding="utf-8")
    start, end = "<!-- RESULTS START -->", "<!-- RESULTS END -->"
    block = "\n".join([start, *lines, end])
    text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    REPORT.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*",
                        default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frictionless-up-to", type=int, default=1_000_000,
                        help="run stock frictionless only up to this many claims")
    parser.add_argument("--huge", type=int, default=None,
                        help="also validate a package of this many claims, once (e.g. 10000000)")
    parser.add_argument("--diff", type=int, default=None, metavar="CLAIMS",
                        help="only time `cnru diff` once, between a package of this many claims "
                        "and an edited copy")
    parser.add_argument("--tests", action="store_true",
                        help="also time the README's test command, once")
    parser.add_argument("--install", action="store_true",
                        help="also time the README's install into a new venv, and its size")
    parser.add_argument("--no-report", action="store_true", help="do not write BENCHMARKS.md")
    args = parser.parse_args()
    if args.diff:
        Console().print("\n".join(table(run_diff(args.diff))), markup=False)
        return
    results = run(args.sizes, args.runs, args.frictionless_up_to, args.huge)
    results += (run_tests() if args.tests else []) + (run_install() if args.install else [])
    lines = ["", *machine(), f"- Runs per measurement: {args.runs} (medians)", "",
             *table(results), "", *(targets(results) if args.sizes else []), ""]
    console = Console()
    console.print("\n".join(lines), markup=False)
    if not args.no_report:
        write_report(lines)
        (PACKAGES / "results.json").write_text(json.dumps([r.__dict__ for r in results], indent=2))


if __name__ == "__main__":
    main()
