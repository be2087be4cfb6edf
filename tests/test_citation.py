"""CITATION.cff: valid CFF 1.2.0, and its version is the package's (datapackage.json's)."""

from __future__ import annotations

import json

import jsonschema
import yaml
from conftest import ROOT

SCHEMA = ROOT / "tests" / "fixtures" / "cff-1.2.0-schema.json"


def citation() -> dict:
    # CFF dates are strings to the schema: YAML's own dates are read as text
    return yaml.load((ROOT / "CITATION.cff").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_citation_is_valid_cff_1_2_0():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    assert [error.message for error in validator.iter_errors(citation())] == []


def test_a_broken_citation_fails_the_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**citation(), "cff-version": "1.2.0", "authors": []}
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_citation_names_the_package_version_and_title():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    cff = citation()
    assert cff["version"] == descriptor["version"]
    assert cff["title"] == descriptor["title"]
    assert cff["license"] == descriptor["licenses"][0]["name"]
