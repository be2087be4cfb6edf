"""`release(built, dist) -> Path`: one zip with everything a user downloads.

`dist/cn-ru-military-support-<version>.zip` holds the CSVs, schemas and descriptor, the build
(Parquet, database, summaries, page and exports), the docs, scripts and archived public-domain
texts the README links to, README, CHANGELOG, CITATION.cff, licences and SHA256SUMS, under one
top folder. Entries are sorted and timestamped 1980-01-01, so the same input zips identically.
Only regular files inside the package go in: a symbolic link is refused, not followed; the
version must be a semantic version and every file name plain (letters, digits, `.`, `_`, `-`),
so that no entry and no line of SHA256SUMS can point anywhere else.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import zipfile
from pathlib import Path

from ..engine.descriptor import find_descriptor
from ..errors import BuildError, DiskFull, ReleaseError, UnsafeOutput
from .build import BuildResult, checked_out, checksums
from .output import PROTECTED

RELEASE_NAME = "cn-ru-military-support"
TOP_LEVEL = ("datapackage.json", "README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md",
             "BENCHMARKS.md", "CITATION.cff", "cnru.toml")
FOLDERS = ("data", "schemas", "docs", "scripts", "archive")  # everything the README links to
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# https://semver.org: MAJOR.MINOR.PATCH, an optional pre-release and build metadata
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?")
PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")


def check_version(version: str) -> str:
    if not SEMVER.fullmatch(version):
        raise ReleaseError(f"the package version {version!r} is not a semantic version "
                           "(MAJOR.MINOR.PATCH, such as 0.2.0)")
    return version


def regular_file(path: Path, name: str) -> Path:
    """`path`, if it is a regular file (not a link, a folder, a device or a pipe) and its
    archive `name` is plain; else ReleaseError."""
    regular_name(name)
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise ReleaseError(f"{name} is a symbolic link: a release holds only regular files "
                           "inside the package; replace the link by the file or remove it")
    if not stat.S_ISREG(mode):
        raise ReleaseError(f"{name} is not a regular file; remove it")
    return path


def folder_files(root: Path, folder: str) -> dict[str, Path]:
    base = root / folder
    if not os.path.lexists(base):
        return {}
    if base.is_symlink() or not base.is_dir():
        raise ReleaseError(f"{folder} is not a folder of the package (a symbolic link?); a "
                           "release holds only regular files inside the package")
    files = {}
    for directory, folders, names in os.walk(base, followlinks=False):
        for name in sorted([*folders, *names]):
            path = Path(directory) / name
            archive_name = path.relative_to(root).as_posix()
            if name in folders and not path.is_symlink():
                regular_name(archive_name)
                continue
            files[archive_name] = regular_file(path, archive_name)
    return files


def regular_name(name: str) -> None:
    if any(part in (".", "..") or not PLAIN_NAME.fullmatch(part) for part in name.split("/")):
        raise ReleaseError(f"{name!r}: a file name in a release may hold only letters, digits, "
                           "'.', '_' and '-'; rename the file")


def release_files(root: Path, built: BuildResult) -> dict[str, Path]:
    """Archive name -> file, for every file the release contains."""
    files = {name: regular_file(root / name, name) for name in TOP_LEVEL
             if os.path.lexists(root / name)}
    for folder in FOLDERS:
        files.update(folder_files(root, folder))
    files.update({f"build/{name}": regular_file(built.out / name, f"build/{name}")
                  for name in built.files})
    return files


def check_folders(package: str | os.PathLike, out: str | os.PathLike,
                  dist: str | os.PathLike, sources_dir: str | os.PathLike | None = None) -> None:
    """A release's refusals of folders cnru may not write, before anything is built: the
    build's `out` as the build refuses it, then `dist`."""
    out = checked_out(package, out, sources_dir)
    check_dist(Path(dist), find_descriptor(package).parent.resolve(), out)


def check_dist(dist: Path, root: Path, out: Path) -> Path:
    """`dist`, resolved, unless it lies inside the package's own folders or the build `out`."""
    target = dist.resolve()
    for name in PROTECTED:
        if target.is_relative_to(root / name):
            raise UnsafeOutput(f"refusing to release into {dist}: it lies inside the "
                               f"package's {name}")
    if target.is_relative_to(out.resolve()):
        raise UnsafeOutput(f"refusing to release into {dist}: it lies inside the build")
    return target


def release(built: BuildResult, dist: str | os.PathLike = "dist") -> Path:
    root, version = built.package.root, check_version(built.package.version)
    changelog = root / "CHANGELOG.md"
    if not changelog.is_file():
        raise BuildError("CHANGELOG.md is missing: record what changed before releasing")
    text = changelog.read_text(encoding="utf-8")
    if f"## {version}" not in text and f"## [{version}]" not in text:
        raise BuildError(f"CHANGELOG.md has no section '## [{version}]' for this version")
    stem = f"{RELEASE_NAME}-{version}"
    files = release_files(root, built)
    sums = checksums(files)
    dist = check_dist(Path(dist), root, built.out)
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{stem}.zip"
    partial = target.with_suffix(".zip.partial")
    partial.unlink(missing_ok=True)  # never written through: it may be a link
    try:
        with zipfile.ZipFile(partial, "x", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, path in sorted(files.items()):
                archive.writestr(entry(f"{stem}/{name}"), path.read_bytes())
            archive.writestr(entry(f"{stem}/SHA256SUMS"), sums)
        partial.replace(target)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            raise DiskFull(f"no space left in {dist}") from error
        raise
    return target


def entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
