"""The docs are tested: the README's queries give the outputs it shows, generated docs are
current, and the set-up the README promises is what CI runs."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from cnru.docs import generated
from cnru.outputs.query import markdown, run_query

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```sql\n(.*?)```\n\n((?:\|[^\n]*\|\n)+)", README, flags=re.S)


@pytest.fixture(scope="module")
def database(built):
    return built / "cnru.duckdb"


def test_the_readme_has_its_example_queries():
    assert len(EXAMPLES) == 5


@pytest.mark.parametrize("sql, shown", EXAMPLES, ids=[f"query-{i}" for i in range(len(EXAMPLES))])
def test_every_readme_query_gives_the_output_shown(database, monkeypatch, sql, shown):
    monkeypatch.chdir(ROOT)  # the first query reads data/claims.csv
    assert markdown(run_query(database, sql)) + "\n" == shown


def test_the_readme_pandas_snippet_reads_proper_types(database, monkeypatch):
    import pandas as pd
    import pyarrow as pa

    snippets = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(snippets) == 1
    monkeypatch.chdir(database.parent.parent)  # the snippet reads build/parquet/...
    names: dict = {}
    exec(snippets[0], names)
    claims, targets = names["claims"], names["targets"]
    assert claims["period_start"].dtype == pd.ArrowDtype(pa.date32())
    assert claims["quantity_value"].dtype == pd.ArrowDtype(pa.float64())
    assert claims["is_forecast"].dtype == pd.ArrowDtype(pa.bool_())
    # a whole number with empty cells stays a whole number, not float64
    assert targets["target_count"].isna().any()
    assert targets["target_count"].dtype == pd.ArrowDtype(pa.int64())
    assert object not in set(claims.dtypes)


def test_a_newcomer_finds_set_up_and_a_query_in_the_first_30_lines():
    head = "\n".join(README.splitlines()[:30])
    assert f"{INSTALL} && .venv/bin/cnru build" in head
    assert TESTS in head
    assert "```sql" in head


INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -e ."
TESTS = '.venv/bin/pip install -q -e ".[test]" && .venv/bin/pytest'


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert INSTALL in ci
    assert TESTS in ci


@pytest.mark.parametrize("name", sorted(generated(ROOT)))
def test_generated_docs_are_current(name):
    assert (ROOT / name).read_text(encoding="utf-8") == generated(ROOT)[name], (
        f"{name} is out of date: run `python -m cnru.docs`")
