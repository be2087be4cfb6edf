"""Stock frictionless is the reference: for the checks a Table Schema defines, cnru reports the
same problems (code, file, row, field) on the same package."""

from __future__ import annotations

import os

import pytest
from frictionless import Package

from cnru.validate import validate_package

SCHEMA_CODES = {"type-error", "constraint-error", "missing-cell", "extra-cell", "blank-row",
                "unique-error", "primary-key", "foreign-key"}
ROW_LEVEL = {"primary-key", "foreign-key", "blank-row", "extra-cell"}  # compared without field
LABEL_CODES = {"blank-label", "duplicate-label", "incorrect-label", "missing-label",
               "extra-label"}  # of the header: no row
# The randomised comparisons: a sample by default, every case with CNRU_FULL_TESTS=1 (.ci/run)
FULL = os.environ.get("CNRU_FULL_TESTS") == "1"


def frictionless_problems(root) -> set[tuple]:
    report = Package(str(root / "datapackage.json")).validate(limit_errors=100_000)
    found = set()
    for task in report.tasks:
        for error in task.errors:
            if error.type in SCHEMA_CODES:
                field = None if error.type in ROW_LEVEL else error.field_name
                found.add((error.type, task.place, error.row_number - 1, field))
            elif error.type in LABEL_CODES:
                found.add((error.type, task.place, None, error.field_name or None))
    return found


def cnru_problems(root, sources) -> set[tuple]:
    report = validate_package(root, sources)
    return {(p.code, p.file, p.row, None if p.code in ROW_LEVEL else p.field)
            for p in report.problems if p.code in SCHEMA_CODES | LABEL_CODES}


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
    # an empty line (DuckDB skips it) before a row with problems: the rows after it shift
    tiny.edit_text("data/action_targets.csv", "\na-001,2.5,", "\n\na-001,2.5,")
    tiny.set_cell("data/sources.csv", 1, "published_date", "0000-01-01")  # type: no year 0
    tiny.set_cell("data/sources.csv", 1, "url", "https://example.org/a\xa0b")  # pattern: \s
    tiny.set_cell("data/claim_evidence.csv", 1, "figure_value", "\u0667\u0660")  # valid: 70


@pytest.mark.parametrize(("header", "code"), [
    ("entity_id,source_id,,notes", "blank-label"),
    ("entity_id,source_id,surface_form,surface_form", "duplicate-label"),
    ("entity_id,,surface_form,surface_form", "blank-label"),
    ("entity_id,source,surface_form,notes", "incorrect-label"),  # renamed
    ("entity_id,surface_form,source_id,notes", "incorrect-label"),  # out of order
    ("entity_id,source_id,surface_form", "missing-label"),  # its cells are extra cells
    ("entity_id,source_id,surface_form,notes,checked", "extra-label"),  # short rows miss it
    ("entity_id,source_id,surface_form,notes,", "extra-label"),  # blank
    ("entity_id,source_id,surface_form,notes,notes", "extra-label"),  # read as notes2
    ("entity_id,source,surface_form", "missing-label"),
])
def test_a_header_label_problem_does_not_hide_the_rows_problems(tiny, header, code):
    """A blank, repeated, renamed, missing or extra label is one problem each, and the rows are
    still checked by position, as frictionless checks them: the same problems from both, the
    rows' included."""
    mess_up(tiny)
    tiny.edit_text("data/entity_aliases.csv", "entity_id,source_id,surface_form,notes", header)
    ours, theirs = cnru_problems(tiny.root, tiny.sources), frictionless_problems(tiny.root)
    aliases = {p for p in ours if p[1] == "data/entity_aliases.csv"}
    assert code in {p[0] for p in aliases}
    assert {"blank-row", "missing-cell"} <= {p[0] for p in aliases}
    # the row with a surplus cell has as many as a header with an extra label
    assert ("extra-cell" in {p[0] for p in aliases}) == (code != "extra-label")
    assert ours == theirs


def test_a_messy_package_gets_the_same_problems_from_both(tiny):
    mess_up(tiny)
    ours, theirs = cnru_problems(tiny.root, tiny.sources), frictionless_problems(tiny.root)
    assert len(ours) > 15
    assert ours - theirs == set(), "cnru reports problems frictionless does not"
    assert theirs - ours == set(), "frictionless reports problems cnru does not"


@pytest.mark.parametrize("ends", ["\r", "\r\n|\n", "\r|\n|\r\n"])
def test_other_line_ends_get_the_same_problems_from_both(tiny, ends):
    """CR alone, and line ends mixed in one file, as frictionless reads them."""
    mess_up(tiny)
    for name in ("data/entity_aliases.csv", "data/action_targets.csv", "data/claims.csv"):
        path = tiny.path(name)
        lines = path.read_bytes().decode("utf-8").split("\n")
        choices = ends.split("|")
        path.write_bytes("".join(line + choices[n % len(choices)]
                                 for n, line in enumerate(lines[:-1])).encode("utf-8"))
    assert frictionless_problems(tiny.root) == cnru_problems(tiny.root, tiny.sources) != set()


def test_a_synthetic_package_with_planted_errors_gets_the_same_problems_from_both(tmp_path):
    from conftest import ROOT
    from synth import synthesize

    out = tmp_path / "synthetic"
    planted = synthesize(ROOT, out, claims=3_000, seed=7, corrupt=20)
    ours, theirs = cnru_problems(out, out / "sources"), frictionless_problems(out)
    planted_schema_level = {(p["code"], p["file"], p["row"],
                             None if p["code"] in ROW_LEVEL else p["field"])
                            for p in planted if p["code"] in SCHEMA_CODES}
    assert planted_schema_level and planted_schema_level <= theirs
    assert ours == theirs


# Spellings at the edges of each type: the SQL's own casts (plain ASCII digits) on one side,
# frictionless's reader, which cnru calls for everything else, on the other.
SPELLINGS = {
    "integer": ["7", "-7", "+7", " 7 ", "\t7", "07", "-0", "1_000", "1__0", "_1", "1_", "1.0",
                "1e3", "0x10", "9223372036854775807", "-9223372036854775808",
                "123456789012345678", "1234567890123456789", "١٢", "５", "\xa05", "5\u3000",
                "\x1c5", "1 0", "--1", "+-1", "seven"],
    "number": ["1.5", "-1.5", "1.", ".5", "1e5", "1E+5", "1e", ".", "e5", "1_0.5", "1e5_",
               "_1", "1._5", "in_f", "inf", "-Infinity", "nan", "NaN", "n_an", "nan12", "snan",
               "-sNaN7", "1e400", "-1e400", "1e-400", "123456789012345.123456789012345",
               "1234567890123456.5", "-0", " 2.5 ", "٣.٥", "５", "\u20005", "1,5", "0x1p3",
               "1.5.5", "1e1_0", "four"],
    "date": ["2024-01-05", "2024-1-5", "2024-01- 5", "2024- 1-05", "2024-01-05 ", " 2024-01-05",
             "0000-01-01", "0001-01-01", "0999-12-31", "1899-12-31", "9999-12-31", "2024-02-29",
             "2023-02-29", "2024-02-30", "2024-00-10", "2024-13-01", "2024-12-32", "20240105",
             "2024/01/05", "2024-01-05T00:00", "１２３４-01-05", "2024-1٣-05", "2024-01-1٣",
             "24-01-05", "yesterday"],
    "boolean": ["true", "True", "TRUE", "1", "false", "False", "FALSE", "0", "yes", "tRue",
                " true", "true ", "00"],
}


def test_every_spelling_is_read_as_frictionless_reads_it():
    """Valid or not, and the same value, for spellings at the edges of each type and for random
    strings of digits, signs, separators and other scripts' digits and spaces."""
    import math
    import random

    import duckdb
    from frictionless import Field

    from cnru.engine import readers
    from cnru.engine.schema_sql import cast, literal

    con = duckdb.connect()
    readers.register(con)
    alphabet = list("0123456789" * 3 + "_.-+eE ,infaNsT/") + ["\t", "\xa0", "\x1c", "١", "５"]
    rng = random.Random(6)
    for kind, spellings in SPELLINGS.items():
        reference = Field.from_descriptor({"name": "cell", "type": kind})
        texts = spellings + ["".join(rng.choices(alphabet, k=rng.randint(1, 8)))
                             for _ in range(1500 if FULL else 500)]
        ours = con.execute("SELECT " + ", ".join(cast({"name": "cell", "type": kind},
                                                      literal(text), {}) for text in texts)
                           ).fetchone()
        for text, value in zip(texts, ours, strict=True):
            theirs, notes = reference.read_cell(text)
            if notes:  # frictionless cannot read it
                assert value is None, (kind, text, value)
            elif kind == "integer" and not -(2**63) <= theirs < 2**63:
                assert value is None, (kind, text)  # a documented difference: 64 bits
            elif kind == "number" and theirs.is_nan():
                assert math.isnan(value), (kind, text, value)
            else:
                expected = float(theirs) if kind == "number" else theirs
                assert value == expected, (kind, text, value, expected)


def edit_lines(text: str, rng) -> str:
    """One random edit of a CSV's lines: the slips of a hand-edited file. Misplaced quotes
    and rows of commas only are left out: cnru rejects the first as a CSV error (see
    docs/validation.md), and frictionless may take the second for the header."""
    lines = text.split("\n")
    at = rng.choice([i for i in range(1, len(lines)) if lines[i]])
    edit = rng.choice(["blank", "spaces", "copy", "cell lost", "cell added", "crlf", "cr",
                       "tab", "end blank", "no last end", "quoted newline"])
    if edit == "blank":
        lines.insert(at, "")
    elif edit == "spaces":
        lines.insert(at, rng.choice(["   ", "\t"]))
    elif edit == "copy":
        lines.insert(at, lines[at])
    elif edit == "cell lost":
        lines[at] = lines[at].replace(",", "", 1)
    elif edit == "cell added":
        lines[at] += rng.choice([",", ",x", ",x,y"])
    elif edit == "crlf":
        return text.replace("\n", "\r\n")
    elif edit == "cr":
        lines[at] += "\r"
    elif edit == "tab":
        lines[at] = lines[at].replace(",", ",\t", 1)
    elif edit == "end blank":
        return text + "\n\n"
    elif edit == "no last end":
        return text.rstrip("\n")
    else:
        cells = lines[at].split(",")
        cell = rng.randrange(len(cells))
        cells[cell] = '"' + cells[cell].replace('"', '""') + '\nmore"'
        lines[at] = ",".join(cells)
    return "\n".join(lines)


def test_random_edits_of_the_files_get_the_same_problems_from_both(tmp_path):
    """Blank and doubled lines, lost and surplus cells, line ends, quoted newlines: the row
    numbers and verdicts of both tools agree, edit after edit."""
    import random

    from conftest import TinyPackage

    differences = []
    for seed in range(25 if FULL else 8):
        rng = random.Random(seed)
        tiny = TinyPackage(tmp_path / str(seed))
        files = [file for file in sorted(tiny.path("data").glob("*.csv"))
                 if file.read_text(encoding="utf-8").count("\n") > 1]  # with a row to edit
        for file in rng.sample(files, rng.randint(1, 3)):
            text = file.read_text(encoding="utf-8")
            file.write_text(edit_lines(text, rng), encoding="utf-8", newline="")
        ours, theirs = cnru_problems(tiny.root, tiny.sources), frictionless_problems(tiny.root)
        if ours != theirs:
            differences.append((seed, sorted(ours - theirs), sorted(theirs - ours)))
    assert differences == []


def edit_header(text: str, rng) -> str:
    """One random edit of a CSV's header: a label renamed, dropped, added, moved, blanked,
    repeated or padded with spaces."""
    head, _, rest = text.partition("\n")
    labels = head.split(",")
    at = rng.randrange(len(labels))
    edit = rng.choice(["rename", "drop", "add", "add two", "swap", "blank", "repeat", "spaces"])
    if edit == "rename":
        labels[at] += "_x"
    elif edit == "drop" and len(labels) > 1:
        labels.pop()
    elif edit == "add":
        labels.append(rng.choice(["extra", labels[0], ""]))
    elif edit == "add two":
        labels += ["a", "b"]
    elif edit == "swap" and at > 0:
        labels[at], labels[at - 1] = labels[at - 1], labels[at]
    elif edit == "blank":
        labels[at] = ""
    elif edit == "repeat":
        labels[at] = labels[0]
    else:
        labels[at] = f" {labels[at]} "
    return ",".join(labels) + "\n" + rest


def test_random_edits_of_the_headers_get_the_same_problems_from_both(tmp_path):
    """Renamed, missing, extra, moved, blank and repeated labels, in clean and messy files: the
    same label and row problems from both, but in a file whose header cnru refuses because
    frictionless would take a later row for it (a header-mismatch)."""
    import random

    from conftest import TinyPackage

    differences, seen = [], set()
    for seed in range(25 if FULL else 4):
        rng = random.Random(seed)
        tiny = TinyPackage(tmp_path / str(seed))
        if seed % 2:
            mess_up(tiny)
        for file in rng.sample(sorted(tiny.path("data").glob("*.csv")), 2):
            text = file.read_text(encoding="utf-8")
            file.write_text(edit_header(text, rng), encoding="utf-8", newline="")
        refused = {p.file for p in validate_package(tiny.root, tiny.sources).problems
                   if p.code == "header-mismatch"}
        ours = {p for p in cnru_problems(tiny.root, tiny.sources) if p[1] not in refused}
        theirs = {p for p in frictionless_problems(tiny.root) if p[1] not in refused}
        seen |= {p[0] for p in ours}
        if ours != theirs:
            differences.append((seed, sorted(ours - theirs), sorted(theirs - ours)))
    assert differences == []
    assert LABEL_CODES - {"blank-label"} <= seen if FULL else seen & LABEL_CODES
