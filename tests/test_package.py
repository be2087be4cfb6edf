"""Guardrails over the shipped package, checked independently of cnru's own validator: each test
collects every violation and fails once with the whole list."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys

from conftest import ROOT, SOURCES

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def text_of(source_id: str) -> str:
    source = next(s for s in rows("sources") if s["source_id"] == source_id)
    return (SOURCES / source["archive_file"]).read_text(encoding="utf-8")


def test_stock_frictionless_validates_the_package():
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_every_quote_is_verbatim_in_its_archived_text():
    verbatim = [("claim_evidence", "quote", "source_id"),
                ("claim_evidence", "attribution_as_stated", "source_id"),
                ("action_evidence", "quote", "source_id"),
                ("entity_aliases", "surface_form", "source_id"),
                ("entities", "country_quote", "country_source_id")]
    missing = [f"{name}:{i} {column}: {row[column]!r}"
               for name, column, source in verbatim
               for i, row in enumerate(rows(name), start=1)
               if row[column] and row[column] not in text_of(row[source])]
    assert missing == []


def test_every_archived_text_matches_its_sha256():
    wrong = [s["source_id"] for s in rows("sources")
             if hashlib.sha256((SOURCES / s["archive_file"]).read_bytes()).hexdigest()
             != s["archive_sha256"]]
    assert wrong == []


def test_every_claim_and_action_has_evidence():
    claims = {r["claim_id"] for r in rows("claim_evidence")}
    actions = {r["action_id"] for r in rows("action_evidence")}
    unsupported = ([c["claim_id"] for c in rows("claims") if c["claim_id"] not in claims]
                   + [a["action_id"] for a in rows("actions") if a["action_id"] not in actions])
    assert unsupported == []


def test_every_data_file_pairs_with_a_schema_and_a_resource():
    resources = {r["name"]: r for r in DESCRIPTOR["resources"]}
    data = {p.stem for p in (ROOT / "data").glob("*.csv")}
    schemas = {p.stem for p in (ROOT / "schemas").glob("*.json")}
    assert data == schemas == set(resources)
    assert [name for name, r in resources.items()
            if (r["path"], r["schema"]) != (f"data/{name}.csv", f"schemas/{name}.json")] == []


def test_every_field_has_a_description_a_type_and_constraints():
    incomplete = [f"{p.stem}.{field['name']}" for p in sorted((ROOT / "schemas").glob("*.json"))
                  for field in json.loads(p.read_text())["fields"]
                  if not (field.get("description") and field.get("type")
                          and field.get("constraints"))]
    assert incomplete == []


def test_the_descriptor_is_complete():
    missing = [key for key in ("name", "title", "description", "version", "licenses",
                               "contributors", "sources") if not DESCRIPTOR.get(key)]
    assert missing == []
    assert {r.get("encoding") for r in DESCRIPTOR["resources"]} == {"utf-8"}


def test_figures_that_sources_state_differently_are_kept_apart():
    """The model's promise: a claim's quantity is only filled when every source agrees."""
    figures: dict[str, set] = {}
    for evidence in rows("claim_evidence"):
        if evidence["figure_value"]:
            figures.setdefault(evidence["claim_id"], set()).add(
                (evidence["figure_value"], evidence["figure_unit"], evidence["figure_qualifier"]))
    merged = [c["claim_id"] for c in rows("claims")
              if c["quantity_value"] and len(figures.get(c["claim_id"], ())) > 1]
    assert merged == []
