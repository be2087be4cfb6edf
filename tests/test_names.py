"""Look-alike entity names: the ASCII shortcut of `fold` agrees with the full folding, and what
does not show does not tell names apart."""

from __future__ import annotations

import pytest

from cnru.dataset.names import fold, fold_unicode
from cnru.validate import validate_package


@pytest.mark.parametrize("name", ["Acme Optics", "  ACME\toptics ", "acme\x1coptics",
                                  "Tu-154 \x0b M", "", "ß is not ASCII", "Rаytheon"])
def test_fold_agrees_with_the_full_folding(name):
    assert fold(name) == fold_unicode(name)


def test_spacing_and_case_do_not_tell_names_apart():
    assert fold("  ACME\toptics ") == fold("Acme Optics") == "acme optics"
    assert fold("Rаytheon") == fold("Raytheon")  # a Cyrillic "а"


CHINA = ["Chi\u200bna", "Chi\u200cna", "Chi\u200dna", "Chi\u2060na", "Chi\u00adna",
         "\ufeffChina", "C\u0336hina", "\u202eChina"]  # zero-width ..., soft hyphen, overlay, RLO


@pytest.mark.parametrize("name", CHINA)
def test_what_does_not_show_does_not_tell_names_apart(name):
    assert fold(name) == fold("China")


def test_china_eight_ways_is_one_entity_and_invisible_characters_are_problems(tiny):
    rows = tiny.rows("data/entities.csv")
    tiny.write_rows("data/entities.csv", rows + [
        dict(rows[0], entity_id=f"china-{n}", name=name) for n, name in enumerate(CHINA)])
    report = validate_package(tiny.root, tiny.sources)
    china = next(r["name"] for r in rows if fold(r["name"]) == "china")
    duplicates = [p for p in report.problems if p.code == "duplicate-entity-name"]
    assert [p.value for p in duplicates] == CHINA
    assert all(p.message.startswith(f"looks the same as {china!r} on line ") for p in duplicates)
    invisible = [p.value for p in report.problems if p.code == "invisible-character"]
    assert invisible == [name for name in CHINA if name != "C\u0336hina"]
