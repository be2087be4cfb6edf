"""`cnru build` on the real package: every export read back, determinism, atomicity."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SOURCES
from frictionless import Package

import cnru.outputs.build
from cnru.engine import schema_sql
from cnru.errors import BuildError, InvalidPackage
from cnru.outputs.build import build, output_name, scripts

RESOURCES = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]]
SCHEMAS = {name: json.loads((ROOT / "schemas" / f"{name}.json").read_text()) for name in RESOURCES}
SUMMARIES = [output_name(s) for s in scripts(ROOT) if "CREATE OR REPLACE TABLE" in s.read_text()]


def csv_rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def read_as_typed(field: dict, text: str):
    """The value frictionless would read from a CSV cell (independent of cnru)."""
    if text == "":
        return None
    kind = field.get("type", "string")
    return {"integer": int, "number": float, "date": datetime.date.fromisoformat,
            "boolean": lambda t: t == "true"}.get(kind, str)(text)


def test_build_writes_every_output(built):
    assert sorted(p.name for p in (built / "parquet").iterdir()) == sorted(
        f"{name}.parquet" for name in RESOURCES)
    assert sorted(p.name for p in (built / "summaries").iterdir()) == sorted(
        f"{name}.{suffix}" for name in SUMMARIES for suffix in ("csv", "json"))
    for name in ("cnru.duckdb", "index.html", "datapackage.json", "SHA256SUMS"):
        assert (built / name).is_file()
    assert not list(built.parent.glob(".build-*")), "a temporary directory was left behind"


@pytest.mark.parametrize("name", RESOURCES)
def test_parquet_round_trips_the_csv(built, name):
    fields = SCHEMAS[name]["fields"]
    expected = [tuple(read_as_typed(f, row[f["name"]]) for f in fields) for row in csv_rows(name)]
    key = SCHEMAS[name]["primaryKey"]
    columns = ", ".join(f'"{f["name"]}"' for f in fields)
    parquet = str(built / "parquet" / f"{name}.parquet")
    actual = duckdb.execute(f"SELECT {columns} FROM read_parquet('{parquet}')").fetchall()
    assert len(actual) == len(expected)
    positions = [[f["name"] for f in fields].index(k) for k in key]
    order = lambda row: tuple(str(row[i]) for i in positions)  # noqa: E731
    assert sorted(actual, key=order) == sorted(expected, key=order)


def test_database_tables_match_the_csvs_and_carry_comments(built):
    with duckdb.connect(str(built / "cnru.duckdb"), read_only=True) as con:
        for name in RESOURCES:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == len(csv_rows(name))
            table_comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?",
                                        [name]).fetchone()[0]
            assert table_comment
            columns = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() "
                                       "WHERE table_name = ?", [name]).fetchall())
            assert columns == {f["name"]: f["description"] for f in SCHEMAS[name]["fields"]}
        for view in ("claims_detailed", "evidence_detailed", "actions_detailed"):
            assert con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0
            assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = ?",
                               [view]).fetchone()[0]


def test_every_column_of_every_table_view_and_summary_has_a_comment(built):
    with duckdb.connect(str(built / "cnru.duckdb"), read_only=True) as con:
        bare = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE database_name = 'cnru' AND coalesce(comment, '') = ''").fetchall()
        objects = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE database_name = 'cnru'").fetchall()}
        supplier = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = "
                               "'claims_by_supplier' AND column_name = 'hedged'").fetchone()[0]
        stance = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = "
                             "'claims_detailed' AND column_name = 'stance'").fetchone()[0]
    assert bare == []
    assert {"about", "claims_detailed", *SUMMARIES} <= objects
    assert supplier == "How many carry a hedge."  # from the script's comment block
    stance_field = next(f for f in SCHEMAS["claims"]["fields"] if f["name"] == "stance")
    assert stance == stance_field["description"]  # from the Table Schema


def test_actions_detailed_shows_the_issuer_legal_basis_and_date_bounds(built):
    actions = {row["action_id"]: row for row in csv_rows("actions")}
    names = {row["entity_id"]: row["name"] for row in csv_rows("entities")}
    with duckdb.connect(str(built / "cnru.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT action_id, issued_by_name, legal_basis_as_stated, "
                           "action_date_not_before, action_date_not_after "
                           "FROM actions_detailed").fetchall()
    assert len(rows) == len(actions)
    for action_id, issuer, basis, not_before, not_after in rows:
        row = actions[action_id]
        assert issuer == names.get(row["issued_by_entity_id"])
        assert basis == (row["legal_basis_as_stated"] or None)
        assert str(not_before or "") == row["action_date_not_before"]
        assert str(not_after or "") == row["action_date_not_after"]
    assert any(issuer for _, issuer, *_ in rows) and any(basis for _, _, basis, *_ in rows)


def test_keys_are_declared_in_the_database_as_the_descriptor_declares_them(built, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(built / "cnru.duckdb", copy)
    with duckdb.connect(str(copy)) as con, pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO claims SELECT * FROM claims LIMIT 1")
    with duckdb.connect(str(built / "cnru.duckdb"), read_only=True) as con:
        declared = con.execute(
            "SELECT table_name, constraint_type, constraint_column_names, referenced_table "
            "FROM duckdb_constraints() WHERE constraint_type IN "
            "('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')").fetchall()
        comments = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    keys = {(t, tuple(c)) for t, kind, c, _ in declared if kind == "PRIMARY KEY"}
    assert keys == {(name, tuple(SCHEMAS[name]["primaryKey"])) for name in RESOURCES}
    assert ("sources", "UNIQUE", ["archive_file"], None) in declared
    foreign = {(t, tuple(c), ref) for t, kind, c, ref in declared if kind == "FOREIGN KEY"}
    for name in RESOURCES:
        for key in SCHEMAS[name].get("foreignKeys", []):
            target = key["reference"]["resource"]
            earlier = RESOURCES.index(target) < RESOURCES.index(name)
            if earlier:
                assert (name, tuple(key["fields"]), target) in foreign
            else:  # not declarable in DuckDB: the table's comment names it and says why
                assert f"{', '.join(key['fields'])} -> {target}" in comments[name]
                assert "DuckDB cannot declare" in comments[name]


def test_parquet_files_carry_their_description_licence_version_and_schema(built):
    import pyarrow.parquet as pq

    descriptor = json.loads((ROOT / "datapackage.json").read_text())
    for item in descriptor["resources"]:
        metadata = pq.read_schema(built / "parquet" / f"{item['name']}.parquet").metadata
        assert metadata[b"description"].decode() == item["description"]
        assert metadata[b"version"].decode() == descriptor["version"]
        assert metadata[b"license"].decode() == "CC-BY-4.0"
        assert json.loads(metadata[b"table_schema"]) == SCHEMAS[item["name"]]


def test_vocabularies_are_enum_types(built):
    with duckdb.connect(str(built / "cnru.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                 "WHERE table_name = 'claims'").fetchall())
        assert kinds["predicate"].startswith("ENUM(")
        assert kinds["period_start"] == "DATE"
        assert kinds["quantity_value"] == "DOUBLE"
        with pytest.raises(duckdb.ConversionException):
            con.execute("SELECT 'sells'::predicate").fetchall()


def test_summaries_are_the_same_in_csv_json_and_database(built):
    with duckdb.connect(str(built / "cnru.duckdb"), read_only=True) as con:
        for name in SUMMARIES:
            count = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            with open(built / "summaries" / f"{name}.csv", encoding="utf-8") as file:
                assert len(list(csv.DictReader(file))) == count
            records = json.loads((built / "summaries" / f"{name}.json").read_text())
            assert len(records) == count


def test_disagreements_keep_each_source_figure(built):
    with open(built / "summaries" / "disagreements.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    machine_tools = {r["source_id"]: r["figure_as_stated"] for r in rows
                     if r["item_category"] == "machine-tools" and r["figure_value"] == "70.0"}
    assert machine_tools == {"ap-foxnews": "nearly 70%", "afp-bgnes": "more than 70%"}


def test_checksums_list_every_file(built):
    lines = (built / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest


def test_parquet_descriptor_is_valid_for_frictionless(built):
    report = Package(str(built / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_second_build_is_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    build(ROOT, again, SOURCES)
    first = {p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.fixture
def package_copy(tmp_path) -> Path:
    copy = tmp_path / "package"
    for name in ("datapackage.json", "cnru.toml"):
        shutil.copy(ROOT / name, copy / name if copy.exists() else _mkdir(copy) / name)
    for folder in ("data", "schemas", "scripts"):
        shutil.copytree(ROOT / folder, copy / folder)
    return copy


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def snapshot(directory: Path) -> dict:
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def assert_untouched(out: Path, before: dict) -> None:
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def last_build(built: Path, tmp_path: Path) -> Path:
    """The last build of the package copy: a copy of the shared build of the shipped package
    it copies (a build's bytes are the same every time, as tested above)."""
    out = tmp_path / "out" / "build"
    shutil.copytree(built, out)
    return out


def test_an_invalid_package_builds_nothing_and_keeps_the_last_build(package_copy, built,
                                                                     tmp_path):
    out = last_build(built, tmp_path)
    before = snapshot(out)
    claims = package_copy / "data" / "claims.csv"
    claims.write_text(claims.read_text().replace("2023-10-01", "2023-10-41", 1))
    with pytest.raises(InvalidPackage) as raised:
        build(package_copy, out, SOURCES)
    assert [p.code for p in raised.value.report.problems] == ["type-error"]
    assert_untouched(out, before)


def test_a_failing_script_keeps_the_last_build(package_copy, built, tmp_path):
    out = last_build(built, tmp_path)
    before = snapshot(out)
    (package_copy / "scripts" / "30_broken.sql").write_text(
        "-- broken: a script with an error\nCREATE TABLE broken AS SELECT * FROM no_such_table;\n")
    with pytest.raises(BuildError, match="scripts/30_broken.sql: Catalog Error"):
        build(package_copy, out, SOURCES)
    assert_untouched(out, before)


def test_a_failing_parquet_file_stops_the_database_and_keeps_the_last_build(
        package_copy, built, tmp_path, monkeypatch):
    """The database is filled from each Parquet file as it is written, in another thread: when a
    file cannot be written, that thread stops waiting for it and the build writes nothing."""
    out = last_build(built, tmp_path)
    before = snapshot(out)

    def export_table(name, schema, target, metadata=None):
        return ("SELECT * FROM no_such_table" if name == "claims"
                else schema_sql.export_table(name, schema, target, metadata))

    monkeypatch.setattr(cnru.outputs.build, "export_table", export_table)
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        build(package_copy, out, SOURCES)
    assert_untouched(out, before)


def test_dataset_assertions_catch_lost_rows(package_copy, tmp_path):
    config = package_copy / "cnru.toml"
    config.write_text(re.sub(r"(?m)^claims = \d+$", "claims = 100000", config.read_text()))
    with open(package_copy / "data" / "claims.csv", encoding="utf-8", newline="") as file:
        claims = sum(1 for _ in csv.DictReader(file))
    with pytest.raises(InvalidPackage) as invalid:
        build(package_copy, tmp_path / "build", SOURCES)
    assert [(p.code, p.file, p.message) for p in invalid.value.report.problems] == [
        ("too-few-rows", "data/claims.csv", f"{claims} rows, fewer than the minimum of 100,000 "
         "([minimum_rows] in cnru.toml): rows were lost, or the minimum is to be lowered")]
    assert not (tmp_path / "build").exists()


def test_every_script_creates_the_object_it_is_named_after():
    for script in scripts(ROOT):
        first_line = script.read_text().splitlines()[0]
        assert first_line.startswith(f"-- {output_name(script)}: "), script.name
        assert f"{output_name(script)} AS" in script.read_text(), script.name


def test_every_summary_table_ends_with_an_order_by():
    """A summary's query runs on every core: only its final ORDER BY fixes the order of its rows
    (and so the bytes of the database and of the CSV and JSON exports)."""
    for script in scripts(ROOT):
        if output_name(script) in SUMMARIES:
            assert re.search(r"\bORDER BY\b[^;()]*;\s*$", script.read_text()), script.name


def test_the_official_record_summaries_on_the_tiny_package(tiny, tmp_path):
    """A firm a news report names and an action lists; a count two sources give differently."""
    shutil.copytree(ROOT / "scripts", tiny.root / "scripts")
    tiny.add_row("data/action_targets.csv", action_id="a-001", target_no="3",
                 target_country="CN", target_count="11", target_count_basis="stated",
                 evidence_id="ae-0010")
    tiny.set_cell("data/actions.csv", 1, "target_count_total", "")
    out = tmp_path / "build"
    build(tiny.root, out, tiny.sources)
    con = duckdb.connect(str(out / "cnru.duckdb"), read_only=True)
    assert con.execute("SELECT entity_id, news_source_ids, first_named_in_news, action_id, "
                       "authority_name, tied_as, names_as_listed "
                       "FROM news_entities_actions").fetchall() == [
        ("acme-optics", "example-news", datetime.date(2024, 3, 15), "a-001", "The Department",
         "list-entry", "Acme Optics Co., Ltd.")]
    assert con.execute("SELECT action_id, target_country, source_id, figure_value, evidence_id "
                       "FROM disagreements WHERE action_id IS NOT NULL").fetchall() == [
        ("a-001", "CN", "example-news", 10.0, "ae-0001"),
        ("a-001", "CN", "example-statement", 11.0, "ae-0010")]
