"""`release(built, dist) -> Path`: one zip with everything a user downloads.

`dist/cn-ru-military-support-<version>.zip` holds the CSVs, schemas and descriptor, the build
(Parquet, database, summaries, page and exports), the docs, scripts and archived public-domain
texts the README links to, README, CHANGELOG, CITATION.cff, licences and SHA256SUMS, under one
top folder. Entries are sorted and timestamped 1980-01-01, so the same input zips identically.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .build import BuildResult, checksums
from .errors import BuildError

RELEASE_NAME = "cn-ru-military-support"
TOP_LEVEL = ("datapackage.json", "README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md",
             "BENCHMARKS.md", "CITATION.cff", "cnru.toml")
FOLDERS = ("data", "schemas", "docs", "scripts", "archive")  # everything the README links to
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def release_files(root: Path, built: BuildResult) -> dict[str, Path]:
    """Archive name -> file, for every file the release contains."""
    files = {name: root / name for name in TOP_LEVEL if (root / name).is_file()}
    for folder in FOLDERS:
        if not (root / folder).is_dir():
            continue
        files.update({p.relative_to(root).as_posix(): p for p in (root / folder).rglob("*")
                      if p.is_file()})
    files.update({f"build/{name}": built.out / name for name in built.files})
    return files


def release(built: BuildResult, dist: str | os.PathLike = "dist") -> Path:
    root, version = built.package.root, built.package.version
    changelog = root / "CHANGELOG.md"
    if not changelog.is_file():
        raise BuildError("CHANGELOG.md is missing: record what changed before releasing")
    if f"## {version}" not in changelog.read_text(encoding="utf-8"):
        raise BuildError(f"CHANGELOG.md has no section '## {version}' for this version")
    stem = f"{RELEASE_NAME}-{version}"
    files = release_files(root, built)
    sums = checksums(files)
    dist = Path(dist)
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{stem}.zip"
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(files.items()):
            archive.writestr(entry(f"{stem}/{name}"), path.read_bytes())
        archive.writestr(entry(f"{stem}/SHA256SUMS"), sums)
    partial.replace(target)
    return target


def entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info

