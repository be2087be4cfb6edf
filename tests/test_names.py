"""Look-alike entity names: the ASCII shortcut of `fold` agrees with the full folding."""

from __future__ import annotations

import pytest

from cnru.names import fold, fold_unicode


@pytest.mark.parametrize("name", ["Acme Optics", "  ACME\toptics ", "acme\x1coptics",
                                  "Tu-154 \x0b M", "", "ß is not ASCII", "Rаytheon"])
def test_fold_agrees_with_the_full_folding(name):
    assert fold(name) == fold_unicode(name)


def test_spacing_and_case_do_not_tell_names_apart():
    assert fold("  ACME\toptics ") == fold("Acme Optics") == "acme optics"
    assert fold("Rаytheon") == fold("Raytheon")  # a Cyrillic "а"
