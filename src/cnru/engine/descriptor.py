"""Read `datapackage.json` and its Table Schemas safely.

Every path is checked before anything opens it: absolute paths, `..`, symlinks out of the
package and URLs are problems, never reads or fetches. Only then does frictionless see the
descriptor (with the schemas inlined), to check it against the Data Package standard (unless
it found exactly this descriptor valid when the store was written: store.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import PackageNotFound
from . import patterns, store
from .judge import Judge
from .problems import Problem

DESCRIPTOR = "datapackage.json"
MAX_JSON_BYTES = 5_000_000
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Profiles frictionless knows without fetching; any other `$schema`/`profile` would be fetched.
KNOWN_PROFILES = {
    "data-package", "tabular-data-package", "data-resource", "tabular-data-resource",
    "table-schema",
    "https://datapackage.org/profiles/2.0/datapackage.json",
    "https://datapackage.org/profiles/2.0/dataresource.json",
    "https://datapackage.org/profiles/2.0/tableschema.json",
    "https://datapackage.org/profiles/1.0/datapackage.json",
    "https://datapackage.org/profiles/1.0/dataresource.json",
    "https://datapackage.org/profiles/1.0/tableschema.json",
}
SUPPORTED_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "time", "year",
                   "yearmonth", "duration", "geopoint", "geojson", "object", "array", "any"}
BOUNDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
# the constraints cnru checks on the other types: those frictionless checks (it ignores the rest)
OTHER_CONSTRAINTS = {"required", "unique", "enum"}
BOUNDED_TYPES = {"datetime", "time", "year"}  # a yearmonth's bounds are not supported
SUPPORTED_CONSTRAINTS = {
    "required", "unique", "pattern", "enum", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength",
}


@dataclass
class Resource:
    name: str
    path: Path  # resolved, inside the package
    relpath: str  # as written in the descriptor, e.g. data/table.csv
    schema: dict
    item: dict  # the descriptor entry

    @property
    def fields(self) -> list[dict]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def schema_label(self) -> str:
        """Where problems of the schema are reported: its file, or the descriptor inlining it."""
        schema = self.item.get("schema")
        return schema if isinstance(schema, str) else DESCRIPTOR


@dataclass
class Package:
    root: Path
    descriptor: dict
    resources: list[Resource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    declared: dict[str, dict] = field(default_factory=dict)  # every named resource's schema
    judge: Judge | None = None  # frictionless judging the descriptor beside (judge.py)

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", "package"))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "0.0.0"))


def find_descriptor(path: str | os.PathLike) -> Path:
    """The datapackage.json at `path` (a directory or the file itself)."""
    path = Path(path)
    candidate = path / DESCRIPTOR if path.is_dir() else path
    if not candidate.is_file():
        raise PackageNotFound(f"no {DESCRIPTOR} at {path}")
    return candidate


def load_package(path: str | os.PathLike, *, judge_beside: bool = False) -> Package:
    """The package and the problems of its descriptor and schemas. `judge_beside`: a
    descriptor the store does not know is judged by frictionless in a process of its own,
    started now, if frictionless is not imported yet (`Package.judge`; judge.py)."""
    descriptor_path = find_descriptor(path)
    root = descriptor_path.parent.resolve()
    problems: list[Problem] = []
    descriptor = read_json(descriptor_path, DESCRIPTOR, "descriptor-error", problems)
    if descriptor is None:
        return Package(root, {}, problems=problems)
    if not isinstance(descriptor.get("resources"), list):
        problems.append(Problem.of("descriptor-error", DESCRIPTOR, "`resources` must be a list"))
        return Package(root, descriptor, problems=problems)

    check_profile(descriptor, DESCRIPTOR, problems)
    package = Package(root, descriptor, problems=problems)
    for index, item in enumerate(descriptor["resources"]):
        where = f"{DESCRIPTOR}: resources[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem.of("descriptor-error", DESCRIPTOR, f"{where} is not an object"))
            continue
        check_profile(item, DESCRIPTOR, problems)
        resource = parse_resource(package, item, where)
        if resource is not None:
            package.resources.append(resource)
    check_with_frictionless(package, problems, beside=judge_beside)
    check_foreign_keys(package)
    return package


def read_json(path: Path, label: str, code: str, problems: list[Problem]):
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise ValueError(f"larger than {MAX_JSON_BYTES:,} bytes")
        value = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        problems.append(Problem.of(code, label, f"cannot read {label}: {error}"))
        return None
    if not isinstance(value, dict):
        problems.append(Problem.of(code, label, f"{label} must hold a JSON object"))
        return None
    return value


def check_profile(metadata: dict, label: str, problems: list[Problem]) -> None:
    for key in ("$schema", "profile"):
        value = metadata.get(key)
        if value is not None and value not in KNOWN_PROFILES:
            problems.append(Problem.of(
                "remote-path", label, f"`{key}` {value!r} is not a standard profile; "
                "cnru does not fetch custom profiles", value=value))


def safe_path(root: Path, value, label: str, what: str, problems: list[Problem]) -> Path | None:
    """`value` resolved inside `root`, or None after recording why it is not safe."""
    if not isinstance(value, str) or not value:
        problems.append(Problem.of("descriptor-error", label, f"{what} must be a non-empty string",
                                   value=value))
        return None
    if URL.match(value):
        problems.append(Problem.of("remote-path", label, f"{what} is a URL; cnru never fetches",
                                   value=value))
        return None
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if value.startswith(("/", "\\")) or os.path.isabs(value) or ".." in parts:
        problems.append(Problem.of("unsafe-path", label,
                                   f"{what} must be a relative path inside the package",
                                   value=value))
        return None
    resolved = (root / value).resolve()
    if not resolved.is_relative_to(root):
        problems.append(Problem.of("unsafe-path", label, f"{what} leads outside the package",
                                   value=value))
        return None
    return resolved


def parse_resource(package: Package, item: dict, where: str) -> Resource | None:
    problems, root = package.problems, package.root
    name = item.get("name")
    if not isinstance(name, str):
        problems.append(Problem.of("descriptor-error", DESCRIPTOR, f"{where} has no name"))
        return None
    where = f"resource {name!r}"
    schema = load_schema(root, item.get("schema"), where, problems)
    package.declared[name] = schema or {}
    if isinstance(item.get("path"), list):
        problems.append(Problem.of("descriptor-error", DESCRIPTOR,
                                   f"{where}: multi-file resources are not supported"))
        return None
    path = safe_path(root, item.get("path"), DESCRIPTOR, f"{where} path", problems)
    if isinstance(item.get("dialect"), str):
        safe_path(root, item["dialect"], DESCRIPTOR, f"{where} dialect", problems)
    if isinstance(item.get("dialect"), str):
        problems.append(Problem.of("descriptor-error", DESCRIPTOR,
                                   f"{where}: a dialect in its own file is not supported (write "
                                   "it in datapackage.json)", value=item["dialect"]))
        return None
    dialect_problems = check_dialect(item.get("dialect"), where)
    problems.extend(dialect_problems)
    unreadable = "encoding" in item and encoding_of(item) is None
    if unreadable:
        problems.append(Problem.of("descriptor-error", DESCRIPTOR,
                                   f"{where}: encoding {item['encoding']!r} is not supported "
                                   f"(use {', '.join(ENCODINGS)})", value=item.get("encoding")))
    if path is None or schema is None or dialect_problems or unreadable:
        return None
    return Resource(name, path, item["path"], schema, item)


# the encodings cnru reads (a file in another is copied as UTF-8 for DuckDB, load.py), by the
# name of Python's codec
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "iso-8859-1", "windows-1252")
CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "iso8859-1": "latin-1", "cp1252": "cp1252"}
# the dialect options cnru reads, with their defaults (anything else is refused, by name)
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "escapeChar": None,
           "skipInitialSpace": False, "lineTerminator": "\r\n", "header": True,
           "headerRows": [1], "headerJoin": " ", "caseSensitiveHeader": False,
           "commentChar": None, "commentRows": []}


def encoding_of(item: dict) -> str | None:
    """The Python codec of the resource's declared encoding (UTF-8 if none), None if cnru
    does not read it."""
    import codecs

    try:
        name = codecs.lookup(str(item.get("encoding", "utf-8"))).name
    except LookupError:
        return None
    return CODECS.get(name)


def check_dialect(dialect, where: str) -> list[Problem]:
    """One problem per dialect option cnru does not read (Python's csv module reads the rest,
    as frictionless does)."""
    if dialect is None:
        return []
    if not isinstance(dialect, dict):
        return [Problem.of("descriptor-error", DESCRIPTOR, f"{where}: dialect must be an object")]
    problems = []
    for option, value in dialect.items():
        supported = option in DIALECT and (
            option != "header" or value == DIALECT[option])
        if option in ("headerRows", "commentRows"):  # row numbers, the file's first row 1
            supported = isinstance(value, list) and all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value) and (
                option == "commentRows" or value == sorted(set(value)) != [])
        elif option in ("commentChar", "headerJoin"):
            supported = isinstance(value, str) and (option == "headerJoin" or value != "")
        if option in ("$schema", "profile", "csvddfVersion"):
            continue
        if not supported:
            problems.append(Problem.of(
                "descriptor-error", DESCRIPTOR, f"{where}: the dialect option {option!r}"
                + (f" = {json.dumps(value)}" if option in DIALECT else "")
                + " is not supported", value=json.dumps(value)))
    return problems


def load_schema(root: Path, value, where: str, problems: list[Problem]) -> dict | None:
    if isinstance(value, dict):
        schema, label = value, DESCRIPTOR
    elif isinstance(value, str):
        path = safe_path(root, value, DESCRIPTOR, f"{where} schema", problems)
        if path is None:
            return None
        if not path.is_file():
            problems.append(Problem.of("schema-error", DESCRIPTOR, f"{where}: no schema file",
                                       value=value))
            return None
        label = value
        schema = read_json(path, label, "schema-error", problems)
        if schema is None:
            return None
        check_profile(schema, label, problems)
    else:
        problems.append(Problem.of("schema-error", DESCRIPTOR, f"{where} has no schema"))
        return None
    before = len(problems)
    check_schema_support(schema, label, problems)
    return schema if len(problems) == before else None


def check_schema_support(schema: dict, label: str, problems: list[Problem]) -> None:
    """What cnru can check column-wise: the common field types and constraints."""
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) and "name" in f for f in fields):
        problems.append(Problem.of("schema-error", label,
                                   "`fields` must be a list of named fields"))
        return
    for spec in fields:
        name = spec["name"]
        kind = spec.get("type", "string")
        if kind not in SUPPORTED_TYPES:
            problems.append(Problem.of("schema-error", label, f"field {name!r}: type {kind!r} is "
                                       f"not supported (use {', '.join(sorted(SUPPORTED_TYPES))})",
                                       field=name, value=kind))
        if spec.get("format", "default") != "default":
            problems.append(Problem.of("schema-error", label,
                                       f"field {name!r}: only the default format is supported",
                                       field=name, value=spec.get("format")))
        constraints = spec.get("constraints", {})
        if not isinstance(constraints, dict):
            constraints = {"(not an object)": None}
        unknown = set(constraints) - SUPPORTED_CONSTRAINTS
        if kind in SUPPORTED_TYPES - {"string", "integer", "number", "boolean", "date"}:
            allowed = OTHER_CONSTRAINTS | (BOUNDS if kind in BOUNDED_TYPES else set())
            for name_ in sorted(set(constraints) - allowed - unknown):
                problems.append(Problem.of("schema-error", label, f"field {name!r}: constraint "
                                           f"{name_!r} on a field of type {kind!r} is not "
                                           "supported", field=name, value=name_))
            if kind == "any" and not all(isinstance(v, str) for v in constraints.get("enum", [])):
                problems.append(Problem.of("schema-error", label, f"field {name!r}: an enum of "
                                           "a field of type 'any' must list strings", field=name))
            if "arrayItem" in spec:
                problems.append(Problem.of("schema-error", label, f"field {name!r}: arrayItem "
                                           "is not supported", field=name))
        if unknown:
            problems.append(Problem.of("schema-error", label,
                                       f"field {name!r}: unsupported constraints {sorted(unknown)}",
                                       field=name))
        if "pattern" in constraints and (why := patterns.problem(constraints["pattern"])):
            problems.append(Problem.of("schema-error", label, f"field {name!r}: the pattern {why}",
                                       field=name, value=str(constraints["pattern"])))


def check_with_frictionless(package: Package, problems: list[Problem],
                            beside: bool = False) -> None:
    """Data Package and Table Schema conformance, as frictionless judges it.

    When the package is rejected, each resource is checked on its own, so one broken schema
    does not hide another; a resource frictionless rejects is not data-checked. A descriptor
    frictionless found valid when the store was written (store.py) is not judged again.
    `beside`: judged in a process of its own if frictionless is not imported here (judge.py).
    """
    seen: set[str] = set()

    def record(report) -> bool:
        for error in report.errors:
            if error.note not in seen:
                seen.add(error.note)
                code = "schema-error" if error.type in ("schema-error", "field-error") \
                    else "descriptor-error"
                problems.append(Problem.of(code, DESCRIPTOR, f"{error.type}: {error.note}"))
        return report.valid

    basepath = str(package.root)
    descriptor = inlined(package)
    if not descriptor["resources"] or store.known_valid(descriptor):
        return  # nothing to check, or frictionless found exactly this descriptor valid
    if beside and "frictionless" not in sys.modules:
        with contextlib.suppress(OSError):  # no process to start: judged here
            package.judge = Judge(descriptor, basepath)
        if package.judge is not None:
            return
    from frictionless import Package as FrictionlessPackage
    from frictionless import Resource as FrictionlessResource

    if record(FrictionlessPackage.validate_descriptor(descriptor, basepath=basepath)):
        return
    # something is wrong: find which resources frictionless rejects, and stop using them
    package.resources = [
        resource for resource, item in zip(package.resources, descriptor["resources"],
                                           strict=True)
        if record(FrictionlessResource.validate_descriptor(item, basepath=basepath))]


def inlined(package: Package) -> dict:
    """The descriptor as frictionless checks it: the schemas inlined, custom profiles left out."""
    resources = [standard({**r.item, "schema": standard(r.schema)}) for r in package.resources]
    return standard({**package.descriptor, "resources": resources})


def standard(metadata: dict) -> dict:
    """`metadata` without custom profiles, which frictionless would fetch (reported already)."""
    return {key: value for key, value in metadata.items()
            if key not in ("$schema", "profile") or value in KNOWN_PROFILES}


def check_foreign_keys(package: Package) -> None:
    """References must name a resource of the package and fields that exist on both sides."""
    for resource in package.resources:
        for key in resource.schema.get("foreignKeys", []):
            reference = key.get("reference", {})
            target_name = reference.get("resource") or resource.name
            fields, target_fields = as_list(key.get("fields")), as_list(reference.get("fields"))
            target = package.declared.get(target_name)
            target_names = {f.get("name") for f in (target or {}).get("fields", [])}
            if target is None or not set(fields) <= set(resource.field_names) \
                    or (target and not set(target_fields) <= target_names):
                package.problems.append(Problem.of(
                    "schema-error", resource.schema_label,
                    f"foreign key {fields} -> {target_name}{target_fields} names a resource or "
                    "field that does not exist"))


def as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])
