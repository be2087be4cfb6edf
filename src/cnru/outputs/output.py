"""The build folder is cnru's own: a marker in it, a refusal of any other folder, a lock, and a
swap that a killed build cannot leave half done.

A build writes into `.<out>-building-<random>/build` beside `out` (its spill files and scratch
database go in the same work folder), then swaps: `out` moves to `.<out>-old-<random>/<out>`,
the new build moves to `out`, the old one is removed. The next build into `out` (under the
same lock) puts back a previous build that a kill between the two renames left aside, and
removes the work and old folders that killed builds left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import __version__
from ..errors import BuildBusy, UnsafeOutput

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: builds into one folder are not locked
    fcntl = None

MARKER = "cnru-build.json"
TOOL = "cnru"
PROTECTED = ("data", "schemas", "scripts", "archive", ".git")
WORK_MARKER = ".cnru-work"


def marker_text(package) -> str:
    """The marker's content: the tool, its version and the package (no time: builds are
    byte-identical)."""
    return json.dumps({"tool": TOOL, "tool_version": __version__, "package": package.name,
                       "package_version": package.version}, indent=2) + "\n"


def is_build(folder: Path) -> bool:
    """Whether `folder` is a folder a cnru build wrote (it carries the marker)."""
    marker = folder / MARKER
    if folder.is_symlink() or marker.is_symlink() or not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("tool") == TOOL
    except (OSError, ValueError, AttributeError):
        return False


def check_out(out: str | os.PathLike, root: Path, sources: Path | None = None) -> Path:
    """`out`, resolved, if a build may replace it: absent, empty, or an earlier build that
    carries the marker, and neither the package, nor around it, nor inside its data, schemas,
    scripts, .git or archived texts. Anything else is `UnsafeOutput`."""
    given = Path(out)

    def refuse(reason: str) -> UnsafeOutput:
        return UnsafeOutput(f"refusing to build into {given}: {reason}")

    if given.is_symlink():
        raise refuse("it is a symbolic link")
    target, root = given.resolve(), root.resolve()
    if target == root:
        raise refuse("it is the package itself")
    if root.is_relative_to(target):
        raise refuse("it contains the package")
    for name in PROTECTED:
        if target.is_relative_to(root / name):
            raise refuse(f"it lies inside the package's {name}")
    if sources is not None and target.is_relative_to(Path(sources).resolve()):
        raise refuse("it lies inside the archived texts (sources dir)")
    if ".git" in target.parts:
        raise refuse("it lies inside a .git folder")
    if target.exists():
        if not target.is_dir():
            raise refuse("it is not a folder")
        if not is_build(target) and any(target.iterdir()):
            raise refuse(f"it is a folder that no cnru build wrote (it has no {MARKER}); "
                         "name a new or empty folder")
    return target


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Only one build at a time into `out`: `.<out>.lock` beside it, held while building."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock = out.parent / f".{out.name}.lock"
    while True:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise BuildBusy(f"another cnru build into {out} is running") from None
        try:  # the lock file may have been removed by the build that held it
            if os.stat(lock).st_ino == os.fstat(descriptor).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(descriptor)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(descriptor)


def leftovers(out: Path, kind: str) -> list[Path]:
    return sorted(p for p in out.parent.glob(f".{out.name}-{kind}-*")
                  if p.is_dir() and not p.is_symlink())


def recover(out: Path) -> None:
    """Put back a previous build that a kill between the swap's two renames left aside, then
    remove what killed builds left (only folders cnru made: marked, or empty)."""
    if not out.exists():
        for old in reversed(leftovers(out, "old")):
            if is_build(old / out.name):
                (old / out.name).rename(out)
                break
    for folder in [*leftovers(out, "old"), *leftovers(out, "building")]:
        if (folder / WORK_MARKER).is_file() or not any(folder.iterdir()):
            remove(folder)


def remove(folder: Path) -> None:
    """Remove a work or old folder, its marker last: a kill in the middle leaves it marked."""
    for path in folder.iterdir():
        if path.name != WORK_MARKER:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def new_folder(out: Path, kind: str) -> Path:
    """`.<out>-<kind>-<random>` beside `out`, marked as cnru's."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}-{kind}-", dir=out.parent))
    (folder / WORK_MARKER).write_text("a folder of a cnru build\n", encoding="utf-8")
    return folder


@contextmanager
def work_folder(out: Path) -> Iterator[Path]:
    """A new work folder beside `out` (cleaned of what earlier killed builds left), removed
    when the build ends, whether it succeeded or not."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out):
        recover(out)
        work = new_folder(out, "building")
        try:
            yield work
        finally:
            remove(work)


def swap(out: Path, staging: Path) -> None:
    """Put the new build `staging` in place of `out` (checked again: it may have changed)."""
    if out.exists() or out.is_symlink():
        if out.is_symlink() or not out.is_dir() or (not is_build(out) and any(out.iterdir())):
            raise UnsafeOutput(f"refusing to replace {out}: it changed during the build and is "
                               "no longer a cnru build")
        old = new_folder(out, "old")
        out.rename(old / out.name)
        staging.rename(out)
        remove(old)
    else:
        staging.rename(out)
