"""The exports `cnru build` writes for other tools, each read back by the tool its users use:
Croissant by mlcroissant, FollowTheMoney by followthemoney, the Excel CSVs by a BOM-aware
CSV reader (as Excel reads them)."""

from __future__ import annotations

import collections
import csv
import hashlib
import json

import duckdb
import pytest
from conftest import ROOT, SOURCES
from typer.testing import CliRunner

import cnru.outputs.ftm
from cnru.cli import app
from cnru.engine.descriptor import load_package
from cnru.outputs.build import build
from cnru.outputs.croissant import dataset_jsonld
from cnru.outputs.excel import write_table

RESOURCES = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]]


def csv_rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


# --- Croissant ---------------------------------------------------------------------------------

def test_croissant_validates_and_its_records_are_the_tables(built):
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=str(built / "croissant.json"))
    assert [issue for issue in dataset.metadata.ctx.issues.errors] == []
    claims = list(dataset.records("claims"))
    assert len(claims) == len(csv_rows("claims"))
    first = csv_rows("claims")[0]
    assert claims[0]["claims/claim_id"].decode() == first["claim_id"]
    targets = list(dataset.records("action_targets"))
    assert [r["action_targets/target_no"] for r in targets[:2]] == [1, 2]


def test_croissant_describes_keys_references_types_and_checksums(built):
    described = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    sets = {r["name"]: r for r in described["recordSet"]}
    assert list(sets) == RESOURCES
    assert sets["claims"]["key"] == {"@id": "claims/claim_id"}
    assert sets["entity_aliases"]["key"] == [{"@id": "entity_aliases/entity_id"},
                                             {"@id": "entity_aliases/source_id"},
                                             {"@id": "entity_aliases/surface_form"}]
    fields = {f["name"]: f for f in sets["claims"]["field"]}
    assert fields["subject_entity_id"]["references"] == {"field": {"@id": "entities/entity_id"}}
    assert fields["period_start"]["dataType"] == "sc:Date"
    assert fields["quantity_value"]["dataType"] == "sc:Float"
    for item in described["distribution"]:
        digest = hashlib.sha256((built / item["contentUrl"]).read_bytes()).hexdigest()
        assert item["sha256"] == digest


def test_dataset_jsonld_is_a_schema_org_dataset():
    package = load_package(ROOT)
    block = dataset_jsonld(package, {"cnru.duckdb": "application/vnd.duckdb"})
    descriptor = json.loads((ROOT / "datapackage.json").read_text())
    assert block["@context"] == "https://schema.org/" and block["@type"] == "Dataset"
    assert block["name"] == descriptor["title"]
    assert block["version"] == descriptor["version"]
    assert block["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert block["distribution"] == [{"@type": "DataDownload", "contentUrl": "cnru.duckdb",
                                      "encodingFormat": "application/vnd.duckdb"}]
    json.dumps(block)  # it goes into a page as JSON


# --- FollowTheMoney ----------------------------------------------------------------------------

def test_followthemoney_reads_the_export_back(built):
    model = pytest.importorskip("followthemoney").model
    lines = (built / "ftm" / "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]
    counts = collections.Counter(proxy.schema.name for proxy in proxies)
    entities = csv_rows("entities")
    assert sum(counts[s] for s in ("Company", "Person", "PublicBody", "Organization")) == len(
        entities)
    assert counts["Company"] == sum(e["entity_type"] == "company" for e in entities)
    assert counts["Person"] == sum(e["entity_type"] == "person" for e in entities)
    assert counts["Document"] == len(csv_rows("sources"))
    assert counts["Sanction"] == sum(bool(t["target_entity_id"])
                                     for t in csv_rows("action_targets"))
    assert counts["Documentation"] >= len(csv_rows("claim_evidence"))
    # a round trip: each line is what the library makes of it, and a quote is kept verbatim
    assert [json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True) for p in proxies] == lines
    by_id = {proxy.id: proxy for proxy in proxies}
    evidence = csv_rows("claim_evidence")[0]
    documentation = by_id[f"cnru-claim-evidence-{evidence['evidence_id']}"]
    assert documentation.get("summary") == [evidence["quote"]]
    assert documentation.get("document") == [f"cnru-source-{evidence['source_id']}"]
    assert documentation.get("entity")[0] in by_id
    china = by_id["cnru-entity-cn"]
    assert china.schema.name == "PublicBody" and "the PRC" in china.get("alias")


def test_an_entitys_identifiers_are_followthemoney_properties(tiny, tmp_path):
    model = pytest.importorskip("followthemoney").model
    path = tiny.path("sources/tiny.txt")
    path.write_bytes(path.read_bytes() + b"Acme Optics is Q42, LEI ABCDEFGHIJ1234567848.\n")
    tiny.set_cell("data/sources.csv", 1, "archive_sha256",
                  hashlib.sha256(path.read_bytes()).hexdigest())
    for scheme, value in (("wikidata", "Q42"), ("lei", "ABCDEFGHIJ1234567848"), ("ofac", "42")):
        tiny.add_row("data/entity_identifiers.csv", entity_id="acme-optics", scheme=scheme,
                     identifier=value, source_id="example-news",
                     quote="Acme Optics is Q42, LEI ABCDEFGHIJ1234567848.", notes="")
    build(tiny.root, tmp_path / "build", tiny.sources)
    lines = (tmp_path / "build" / "ftm" / "entities.ftm.json").read_text(encoding="utf-8")
    proxies = {p.id: p for p in (model.get_proxy(json.loads(line)) for line in lines.splitlines())}
    acme = proxies["cnru-entity-acme-optics"]
    assert (acme.get("wikidataId"), acme.get("leiCode")) == (["Q42"], ["ABCDEFGHIJ1234567848"])
    assert "42" not in acme.to_dict()["properties"].get("idNumber", [])
    assert not proxies["cnru-entity-cn"].get("wikidataId")


def test_without_followthemoney_the_build_says_it_wrote_no_export(monkeypatch, tmp_path):
    monkeypatch.setattr(cnru.outputs.ftm, "available", lambda: False)
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", str(ROOT), "--out", str(out),
                                      "--sources-dir", str(SOURCES)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ('not written: ftm/entities.ftm.json: followthemoney is not installed '
                             '(pip install -e ".[ftm]")\n')
    assert not (out / "ftm").exists()
    assert (out / "croissant.json").is_file()


# --- Excel -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", RESOURCES)
def test_excel_csvs_have_a_bom_and_the_same_cells(built, name):
    raw = (built / "excel" / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(built / "excel" / f"{name}.csv", encoding="utf-8-sig", newline="") as file:
        assert list(csv.DictReader(file)) == csv_rows(name)  # no cell of the data needed a prefix


def test_cells_excel_would_run_as_formulas_are_prefixed(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('a,b\n=1+1,-5\n@SUM(A1),+x\n-2+3,"plain “quoted”, with a comma"\n'
                      '"\tcmd",+1.5\n', encoding="utf-8")
    target = tmp_path / "out.csv"
    with duckdb.connect() as con:
        write_table(con, source, target)
    with open(target, encoding="utf-8-sig", newline="") as file:
        assert list(csv.reader(file)) == [["a", "b"], ["'=1+1", "-5"], ["'@SUM(A1)", "'+x"],
                                          ["'-2+3", "plain “quoted”, with a comma"],
                                          ["'\tcmd", "+1.5"]]
    assert target.read_bytes().startswith(b"\xef\xbb\xbfa,b\r\n")
    assert target.read_bytes().count(b"\r\n") == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]
