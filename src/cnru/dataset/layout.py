"""This package's layout: each resource `<name>` has its rows in `data/<name>.csv` and its
schema in `schemas/<name>.json`, and every CSV file in `data/` is a resource. A convention of
this dataset, not of the Data Package standard: the engine reads any paths."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..engine.descriptor import DESCRIPTOR, Package
from ..engine.problems import Problem


def layout_problems(package: Package) -> list[Problem]:
    """`data/<name>.csv` pairs with `schemas/<name>.json` and resource `<name>`; none when the
    descriptor has no list of resources to compare with (it is reported already)."""
    if not isinstance(package.descriptor.get("resources"), list):
        return []
    problems = []
    listed = {f"data/{name}.csv" for name in package.declared}
    for resource in package.resources:
        name, schema = resource.name, resource.item.get("schema")
        listed.add(PurePosixPath(resource.relpath).as_posix())
        if resource.relpath != f"data/{name}.csv":
            problems.append(Problem.of(
                "name-mismatch", DESCRIPTOR,
                f"resource {name!r} should have path 'data/{name}.csv'",
                value=resource.relpath))
        if isinstance(schema, str) and schema != f"schemas/{name}.json":
            problems.append(Problem.of(
                "name-mismatch", DESCRIPTOR,
                f"resource {name!r} should have schema 'schemas/{name}.json'", value=schema))
    data = package.root / "data"
    if data.is_dir():
        for csv_file in sorted(data.glob("*.csv")):
            relative = csv_file.relative_to(package.root).as_posix()
            if relative not in listed:
                problems.append(Problem.of(
                    "unlisted-file", relative, "the file is not a resource in datapackage.json"))
    return problems
