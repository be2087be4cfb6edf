"""Synthetic packages (tools/synth.py): valid, deterministic, in proportion, with the Table
Schemas' columns, and with planted errors that the validator reports; and not in the wheel."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import synth

from cnru.dataset.names import fold
from cnru.errors import UsageError
from cnru.validate import validate_package

TEMPLATE = Path(__file__).resolve().parents[1]
CLAIMS = 2_000


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def schema_fields(root: Path, name: str) -> tuple[str, ...]:
    schema = json.loads((root / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return tuple(field["name"] for field in schema["fields"])


def row_counts(root: Path) -> dict[str, int]:
    counts = {}
    for name in synth.TABLES:
        with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
            counts[name] = sum(1 for _ in csv.reader(file)) - 1
    return counts


def shown(problems) -> str:
    return "\n".join(f"  {p.code} {p.file} row {p.row} {p.field}: {p.value!r}"
                     for p in problems[:20])


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "package"
    assert synth.synthesize(TEMPLATE, out, CLAIMS, seed=1) == []
    return out


def test_synthetic_package_is_valid(package):
    report = validate_package(package, package / "sources")
    assert report.problems == (), f"{report.summary()}:\n{shown(report.problems)}"


def test_a_synthetic_package_finds_its_own_texts(package):
    """Validated without --sources-dir, it reads the texts it was written with."""
    report = validate_package(package)
    assert report.problems == (), f"{report.summary()}:\n{shown(report.problems)}"


def test_layout_follows_the_template(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    template = json.loads((TEMPLATE / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "cnru-synthetic"
    assert "ynthetic" in descriptor["description"]
    assert descriptor["resources"] == template["resources"]
    for schema in (TEMPLATE / "schemas").glob("*.json"):
        assert (package / "schemas" / schema.name).read_bytes() == schema.read_bytes()
    assert not (package / "planted.json").exists()
    texts = list((package / "sources").glob("*.txt"))
    assert len(texts) == row_counts(package)["sources"]
    assert max(t.stat().st_size for t in texts) < 20_000


def test_csv_is_what_the_csv_module_writes_with_the_schemas_columns(package):
    names = [path.stem for path in (TEMPLATE / "schemas").glob("*.json")]
    assert set(synth.TABLES) < set(names)
    for name in names:
        columns = schema_fields(TEMPLATE, name)
        data = (package / "data" / f"{name}.csv").read_bytes()
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert tuple(rows[0]) == columns
        assert all(len(row) == len(columns) for row in rows), name
        again = io.StringIO()
        csv.writer(again, lineterminator="\n").writerows(rows)
        assert again.getvalue().encode("utf-8") == data, name


def test_rows_are_in_proportion(package):
    counts = row_counts(package)
    per_claim = {name: count / CLAIMS for name, count in counts.items()}
    assert counts["claims"] == CLAIMS
    assert 1.05 <= per_claim["claim_evidence"] <= 1.2
    assert 0.08 <= per_claim["entities"] - len(synth.BASE_ENTITIES) / CLAIMS <= 0.12
    assert counts["entity_aliases"] == 2 * counts["entities"]
    assert 0.03 <= per_claim["actions"] <= 0.05
    assert 2 <= counts["action_targets"] / counts["actions"] <= 4
    assert counts["action_evidence"] == 2 * counts["actions"]
    assert counts["sources"] == CLAIMS // synth.CLAIMS_PER_SOURCE
    assert 2.5 <= sum(counts.values()) / CLAIMS <= 2.8


def test_claims_mix_the_vocabularies(package):
    with open(package / "data" / "claims.csv", encoding="utf-8", newline="") as file:
        claims = list(csv.DictReader(file))
    assert len({c["predicate"] for c in claims}) >= 30
    assert {c["stance"] for c in claims} == {"asserts", "denies", "finds-no-evidence"}
    assert {c["quantity_unit"] for c in claims} >= {"percent", "usd", "count"}
    assert {c["period_precision"] for c in claims} == {"", "day", "month", "quarter", "year"}
    for feature, share in (("hedge_as_stated", 0.05), ("quantity_value", 0.03),
                           ("period_start", 0.05), ("asserted_date", 0.02)):
        assert sum(bool(c[feature]) for c in claims) / len(claims) >= share, feature
    assert any(c["is_forecast"] == "true" for c in claims)
    with open(package / "data" / "claim_evidence.csv", encoding="utf-8", newline="") as file:
        evidence = list(csv.DictReader(file))
    sources_per_claim = Counter(e["claim_id"] for e in evidence)
    assert sum(n > 1 for n in sources_per_claim.values()) >= CLAIMS * 0.05
    assert sum(bool(e["figure_value"]) for e in evidence) >= CLAIMS * 0.03
    with open(package / "data" / "entities.csv", encoding="utf-8", newline="") as file:
        entities = list(csv.DictReader(file))
    assert sum(bool(e["parent_entity_id"]) for e in entities) >= 20
    assert sum(bool(e["country_quote"]) for e in entities) >= len(entities) / 3


def test_same_seed_same_bytes(tmp_path):
    synth.synthesize(TEMPLATE, tmp_path / "a", 500, seed=7)
    synth.synthesize(TEMPLATE, tmp_path / "b", 500, seed=7)
    synth.synthesize(TEMPLATE, tmp_path / "c", 500, seed=8)
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    third = files_of(tmp_path / "c")
    assert third["data/claims.csv"] != first["data/claims.csv"]


def test_planted_errors_are_reported(tmp_path):
    out = tmp_path / "corrupt"
    planted = synth.synthesize(TEMPLATE, out, CLAIMS, seed=3, corrupt=20)
    assert json.loads((out / "planted.json").read_text(encoding="utf-8")) == planted
    kinds = Counter(p["code"] for p in planted)
    assert kinds == dict.fromkeys(synth.ERROR_KINDS, 2)
    rows = [(p["file"], p["row"]) for p in planted]
    assert len(set(rows)) == len(rows), "two errors in one row"
    report = validate_package(out, out / "sources")
    reported = {(p.code, p.file, p.row, p.field) for p in report.problems}
    missing = [p for p in planted if (p["code"], p["file"], p["row"], p["field"]) not in reported]
    assert not missing, ("planted but not reported:\n"
                         + "\n".join(map(str, missing)) + f"\nreported:\n{shown(report.problems)}")


def test_corrupting_keeps_the_rest_of_the_package(tmp_path):
    synth.synthesize(TEMPLATE, tmp_path / "clean", 300, seed=5)
    synth.synthesize(TEMPLATE, tmp_path / "corrupt", 300, seed=5, corrupt=10)
    clean, corrupt = files_of(tmp_path / "clean"), files_of(tmp_path / "corrupt")
    changed = sorted(name for name in corrupt if clean.get(name) != corrupt[name])
    assert changed == ["data/claim_evidence.csv", "data/claims.csv", "planted.json"]


def test_refuses_bad_arguments(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        synth.synthesize(TEMPLATE, tmp_path / "full", 100, seed=1)
    with pytest.raises(UsageError, match="need at least"):
        synth.synthesize(TEMPLATE, tmp_path / "small", 10, seed=1, corrupt=10)
    assert (tmp_path / "full" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_tiny_package_is_valid(tmp_path):
    synth.synthesize(TEMPLATE, tmp_path / "tiny", 7, seed=2)
    report = validate_package(tmp_path / "tiny", tmp_path / "tiny" / "sources")
    assert report.problems == (), shown(report.problems)


def test_generated_names_stay_distinct():
    """More entities than a small package makes: ids and folded names never repeat."""
    factory = synth.EntityFactory(random.Random(4))
    source = synth.plan_sources(3, random.Random(4))[2]
    companies: list[synth.Entity] = []
    ids, names = set(), set()
    for _ in range(30_000):
        entity, _, _ = factory.make(source, companies)
        if entity.kind == "company":
            companies = companies[-9:] + [entity]
        ids.add(entity.entity_id)
        names.add(fold(entity.full))
    assert len(ids) == len(names) == 30_000
    base = {row[0] for row in synth.BASE_ENTITIES}
    assert not ids & base


def test_vocabularies_fit_the_texts():
    for row in synth.BASE_ENTITIES:
        for form in row[5:]:
            assert form in synth.BACKGROUND, form
    words = [*synth.HEDGES, *synth.END_USES, *synth.QUARTERS]
    assert all(w == w.lower() for w in words), "hedges, end uses and quarters sit mid-sentence"


def test_vocabularies_come_from_the_schemas(package):
    """Predicates, categories, stances, units and action types are the schemas' enums, each
    used at this size; an item is stated in its category's words."""
    def enum(name: str, field: str) -> set[str]:
        schema = json.loads((TEMPLATE / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        return set(next(f for f in schema["fields"] if f["name"] == field)["constraints"]["enum"])

    def column(name: str, field: str) -> list[str]:
        with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
            return [row[field] for row in csv.DictReader(file)]

    for name, field in (("claims", "predicate"), ("claims", "item_category"),
                        ("claims", "stance"), ("claim_evidence", "figure_unit"),
                        ("actions", "action_type"), ("actions", "status")):
        assert set(column(name, field)) - {""} == enum(name, field), field
    items = zip(column("claims", "item_category"), column("claims", "item_as_stated"),
                strict=True)
    assert all(stated == category.replace("-", " ") for category, stated in items)


def test_a_schema_in_another_column_order_gives_files_in_that_order(tmp_path):
    """The generator reads the columns from the Table Schemas: a template whose claims schema
    lists its fields in reverse gets claims.csv in reverse, with the same rows."""
    template = tmp_path / "template"
    template.mkdir()
    for name in ("datapackage.json", "schemas"):
        source = TEMPLATE / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, template / name)
    path = template / "schemas" / "claims.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"].reverse()
    path.write_text(json.dumps(schema), encoding="utf-8")
    synth.synthesize(TEMPLATE, tmp_path / "usual", 300, seed=6)
    synth.synthesize(template, tmp_path / "reversed", 300, seed=6)

    def rows(root: Path) -> list[list[str]]:
        with open(root / "data" / "claims.csv", encoding="utf-8", newline="") as file:
            return list(csv.reader(file))

    assert [row[::-1] for row in rows(tmp_path / "reversed")] == rows(tmp_path / "usual")
    report = validate_package(tmp_path / "reversed", tmp_path / "reversed" / "sources")
    assert report.problems == (), shown(report.problems)


def test_identifiers_follow_the_schemas_patterns(tmp_path):
    """A template whose claim identifiers are `k-` and six digits gets them so, valid."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE / "schemas", template / "schemas")
    shutil.copy(TEMPLATE / "datapackage.json", template)
    for name in ("claims", "claim_evidence", "links"):
        path = template / "schemas" / f"{name}.json"
        path.write_text(path.read_text(encoding="utf-8").replace("c-[0-9]{4,}", "k-[0-9]{6,}"),
                        encoding="utf-8")
    synth.synthesize(template, tmp_path / "out", 300, seed=6)
    with open(tmp_path / "out" / "data" / "claims.csv", encoding="utf-8", newline="") as file:
        ids = [row["claim_id"] for row in csv.DictReader(file)]
    assert ids == [f"k-{n:06d}" for n in range(1, 301)]
    report = validate_package(tmp_path / "out", tmp_path / "out" / "sources")
    assert report.problems == (), shown(report.problems)


def test_a_required_column_the_generator_cannot_fill_is_refused(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE / "schemas", template / "schemas")
    shutil.copy(TEMPLATE / "datapackage.json", template)
    path = template / "schemas" / "claims.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"].append({"name": "reviewer", "type": "string",
                             "constraints": {"required": True}})
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(UsageError, match="^the template's claims requires 'reviewer', which "
                       "the generator does not fill$"):
        synth.synthesize(template, tmp_path / "out", 100, seed=1)


def test_the_tool_runs_from_the_command_line(tmp_path):
    tool = [sys.executable, str(TEMPLATE / "tools" / "synth.py")]
    done = subprocess.run([*tool, str(tmp_path / "p"), "--claims", "50", "--seed", "2"],
                          cwd=TEMPLATE, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"wrote {tmp_path / 'p'} (50 claims, 0 planted "
                                                 "errors)\n")
    again = subprocess.run([*tool, str(tmp_path / "p"), "--claims", "50"], cwd=TEMPLATE,
                           capture_output=True, text=True)
    assert (again.returncode, again.stderr) == (1, f"Error: {tmp_path / 'p'} is not empty\n")


def test_the_generator_is_not_part_of_the_installed_package():
    """It lives in tools/; the wheel's packages are src/cnru's, which has no synth module, and
    no `cnru synth` command."""
    import importlib.util

    from typer.testing import CliRunner

    from cnru.cli import app
    assert importlib.util.find_spec("cnru.synth") is None
    assert not list((TEMPLATE / "src").rglob("synth*"))
    result = CliRunner().invoke(app, ["synth", "out"])
    assert result.exit_code == 2 and "No such command 'synth'" in result.output
