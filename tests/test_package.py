"""Guardrails over the shipped package, checked independently of cnru's own validator: each test
collects every violation and fails once with the whole list."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
import subprocess
import sys

from conftest import ROOT, SOURCES

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def fold(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def json_strings(node):
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [text for value in node for text in json_strings(value)]
    return [fold(node)] if isinstance(node, str) else []


def markdown_text(text: str) -> str:
    """The reader text, made another way than cnru.dataset.matching's: by substitution."""
    front = re.match(r"---\n.*?\n---\n", text, flags=re.S)
    head, body = (front.group(0), text[front.end():]) if front else ("", text)
    body = re.sub(r"(?<!\\)\[([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)", r"\1", body)
    body = re.sub(r"(?m)^[ \t]*(?:(?:>[ \t]?)+|#{1,6}[ \t]+|[-*+][ \t]+)", "", body)
    body = re.sub(r"(?<![\s\\])[*_]+|[*_]+(?!\s)", lambda m: m.group(0) if "_" in m.group(0)
                  and re.fullmatch(r"\w", body[m.start() - 1:m.start()] or " ")
                  and re.fullmatch(r"\w", body[m.end():m.end() + 1] or " ") else "", body)
    return fold(head + body)


@functools.cache  # each text read and parsed once, not once per row that quotes it
def texts_of(source_id: str) -> tuple[tuple[str, ...], bool]:
    """What a value must be a substring of (the text, or one of its JSON string values), and
    whether whitespace is folded."""
    source = next(s for s in rows("sources") if s["source_id"] == source_id)
    name = source["archive_file"]
    text = (SOURCES / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return tuple(json_strings(json.loads(text))), True
    if name.endswith(".md"):
        return (markdown_text(text),), True
    return (text,), False


def found(value: str, source_id: str) -> bool:
    texts, folded = texts_of(source_id)
    return any((fold(value) if folded else value) in text for text in texts)


def test_stock_frictionless_validates_the_package():
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_every_quote_is_verbatim_in_its_archived_text():
    verbatim = [("claim_evidence", "quote", "source_id"),
                ("claim_evidence", "attribution_as_stated", "source_id"),
                ("action_evidence", "quote", "source_id"),
                ("entity_aliases", "surface_form", "source_id"),
                ("entities", "country_quote", "country_source_id"),
                *(("list_entries", f"{field}_as_listed", "source_id")
                  for field in ("name", "country", "address", "federal_register",
                                "license_requirement"))]
    missing = [f"{name}:{i} {column}: {row[column]!r}"
               for name, column, source in verbatim
               for i, row in enumerate(rows(name), start=1)
               if row[column] and not found(row[column], row[source])]
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
