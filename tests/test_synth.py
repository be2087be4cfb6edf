"""Synthetic packages (cnru.synth): valid, deterministic, in proportion, and with planted errors
that the validator reports."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from cnru import synth
from cnru.errors import UsageError
from cnru.names import fold
from cnru.validate import validate_package

TEMPLATE = Path(__file__).resolve().parents[1]
CLAIMS = 2_000


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def row_counts(root: Path) -> dict[str, int]:
    counts = {}
    for name in synth.COLUMNS:
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


def test_csv_is_what_the_csv_module_writes(package):
    for name in (*synth.COLUMNS, *synth.HEADER_ONLY):
        columns = synth.all_columns(name)
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
    for _, _, _, template, item, _ in synth.GENERIC:
        assert item in template and "{" not in item, item
    words = [w for forms in synth.ITEMS.values() for w in forms] + list(synth.END_USES)
    assert all(w == w.lower() for w in words), "goods and end uses sit mid-sentence"
