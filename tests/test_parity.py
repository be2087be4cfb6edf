"""Stock frictionless is the reference: for the checks a Table Schema defines, cnru reports the
same problems (code, file, row, field) on the same package."""

from __future__ import annotations

from frictionless import Package

from cnru.validate import validate_package

SCHEMA_CODES = {"type-error", "constraint-error", "missing-cell", "extra-cell", "blank-row",
                "unique-error", "primary-key", "foreign-key"}
ROW_LEVEL = {"primary-key", "foreign-key", "blank-row", "extra-cell"}  # compared without field


def frictionless_problems(root) -> set[tuple]:
    report = Package(str(root / "datapackage.json")).validate(limit_errors=100_000)
    found = set()
    for task in report.tasks:
        for error in task.errors:
            if error.type in SCHEMA_CODES:
                field = None if error.type in ROW_LEVEL else error.field_name
                found.add((error.type, task.place, error.row_number - 1, field))
    return found


def cnru_problems(root, sources) -> set[tuple]:
    report = validate_package(root, sources)
    return {(p.code, p.file, p.row, None if p.code in ROW_LEVEL else p.field)
            for p in report.problems if p.code in SCHEMA_CODES}


def test_the_tiny_package_is_valid_for_both(tiny):
    assert frictionless_problems(tiny.root) == cnru_problems(tiny.root, tiny.sources) == set()


def mess_up(tiny) -> None:
    """Many schema-level problems at once, in several files."""
    tiny.set_cell("data/claims.csv", 1, "period_start", "2023-13-01")  # type
    tiny.set_cell("data/claims.csv", 1, "quantity_value", "seventy")  # type
    tiny.set_cell("data/claims.csv", 2, "stance", "suggests")  # enum
    tiny.set_cell("data/claims.csv", 2, "is_forecast", "")  # required
    tiny.set_cell("data/claims.csv", 2, "subject_entity_id", "acme")  # foreign key
    tiny.set_cell("data/claim_evidence.csv", 2, "evidence_id", "ev-0001")  # unique + primary key
    tiny.set_cell("data/entities.csv", 3, "country", "UK")  # enum (not ISO)
    tiny.set_cell("data/entities.csv", 4, "entity_id", "Acme Optics")  # pattern
    tiny.set_cell("data/action_targets.csv", 1, "target_count", "-3")  # minimum
    tiny.set_cell("data/action_targets.csv", 2, "target_no", "2.5")  # integer
    tiny.set_cell("data/sources.csv", 1, "archive_sha256", "abc")  # pattern
    tiny.set_cell("data/actions.csv", 1, "action_date", "15/03/2024")  # date format
    tiny.edit_text("data/entity_aliases.csv", "\nru,", "\n,,,\nru,")  # blank row
    tiny.edit_text("data/entity_aliases.csv", "acme-optics,example-news,Acme Optics,",
                   "acme-optics,example-news,Acme Optics,,surplus")  # extra cell
    tiny.edit_text("data/entity_aliases.csv", "the-department,example-news,The Department,",
                   "the-department,example-news")  # missing cells
    # valid, though not the common spelling: read by the general path, not the fast one
    tiny.set_cell("data/action_targets.csv", 2, "target_count", " 1_0 ")
    tiny.set_cell("data/claims.csv", 2, "quantity_value", "1e2")
    tiny.set_cell("data/claims.csv", 2, "period_start", "2024-3-5")
    tiny.set_cell("data/claims.csv", 1, "period_end", "2024-02-30")  # type: no such day


def test_a_messy_package_gets_the_same_problems_from_both(tiny):
    mess_up(tiny)
    ours, theirs = cnru_problems(tiny.root, tiny.sources), frictionless_problems(tiny.root)
    assert len(ours) > 15
    assert ours - theirs == set(), "cnru reports problems frictionless does not"
    assert theirs - ours == set(), "frictionless reports problems cnru does not"


def test_a_synthetic_package_with_planted_errors_gets_the_same_problems_from_both(tmp_path):
    from conftest import ROOT

    from cnru.synth import synthesize

    out = tmp_path / "synthetic"
    planted = synthesize(ROOT, out, claims=3_000, seed=7, corrupt=20)
    ours, theirs = cnru_problems(out, out / "sources"), frictionless_problems(out)
    planted_schema_level = {(p["code"], p["file"], p["row"],
                             None if p["code"] in ROW_LEVEL else p["field"])
                            for p in planted if p["code"] in SCHEMA_CODES}
    assert planted_schema_level and planted_schema_level <= theirs
    assert ours == theirs
