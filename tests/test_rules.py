"""Every problem code: a broken copy of the tiny package fails with exactly that code, file,
row and field (and nothing else, unless the case says what else must be reported)."""

from __future__ import annotations

import hashlib
import json

import pytest

from cnru.engine import load
from cnru.engine.load import FileFacts, scan_file
from cnru.engine.problems import CODES  # with the codes of cnru.dataset, which validate imports
from cnru.validate import validate_package

CLAIMS, EVIDENCE, ENTITIES = "data/claims.csv", "data/claim_evidence.csv", "data/entities.csv"
ACTIONS, TARGETS = "data/actions.csv", "data/action_targets.csv"
ALIASES, SOURCES_CSV = "data/entity_aliases.csv", "data/sources.csv"
ACTION_EVIDENCE = "data/action_evidence.csv"
LINKS, LIST_ENTRIES = "data/links.csv", "data/list_entries.csv"
IDENTIFIERS = "data/entity_identifiers.csv"


def write(name, content):
    def mutate(p):
        path = p.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return mutate


def cell(file, row, field, value):
    return lambda p: p.set_cell(file, row, field, value)


def text(file, old, new):
    return lambda p: p.edit_text(file, old, new)


def descriptor(change):
    def mutate(p):
        path = p.path("datapackage.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return mutate


def resource(data, name):
    return next(r for r in data["resources"] if r["name"] == name)


def both(*mutations):
    def mutate(p):
        for m in mutations:
            m(p)
    return mutate


def rename_claims(p):
    p.path(CLAIMS).rename(p.path("data/claim_list.csv"))
    descriptor(lambda d: resource(d, "claims").update(path="data/claim_list.csv"))(p)


def unsupported_type(p):
    schema = json.loads(p.path("schemas/claims.json").read_text(encoding="utf-8"))
    schema["fields"][0]["type"] = "geopoint"
    p.path("schemas/claims.json").write_text(json.dumps(schema), encoding="utf-8")


def evidence_of_another_action(p):
    """A second action with its own evidence row, which the first action's target cites."""
    p.add_row(ACTIONS, **dict(p.rows(ACTIONS)[0], action_id="a-002"))
    p.add_row(ACTION_EVIDENCE, **dict(p.rows(ACTION_EVIDENCE)[0], evidence_id="ae-0011",
                                      action_id="a-002"))
    p.set_cell(TARGETS, 1, "evidence_id", "ae-0011")


def identifier(scheme, value, quote=None, entity="acme-optics", words=None):
    """An identifier of an entity, stated in a line added to the end of the tiny text (whose
    hash is updated, so that only the identifier's own problems are reported)."""
    def mutate(p):
        if words is not None:
            path = p.path("sources/tiny.txt")
            path.write_bytes(path.read_bytes() + words.encode("utf-8") + b"\n")
            p.set_cell(SOURCES_CSV, 1, "archive_sha256",
                       hashlib.sha256(path.read_bytes()).hexdigest())
        p.add_row(IDENTIFIERS, entity_id=entity, scheme=scheme, identifier=value,
                  source_id="example-news", quote=words if quote is None else quote, notes="")
    return mutate


HEADER_ACTION_EVIDENCE = ("evidence_id,action_id,source_id,quote,notes,quote_start,quote_end,"
                          "quote_location\n")
CASES = {
    # the descriptor
    "descriptor-error": (write("datapackage.json", "{not json"),
                         [("descriptor-error", "datapackage.json", None, None)]),
    "schema-error": (unsupported_type, [("schema-error", "schemas/claims.json", None, "claim_id")]),
    "unsafe-path": (descriptor(lambda d: resource(d, "actions").update(path="../actions.csv")),
                    [("unsafe-path", "datapackage.json", None, None)]),
    "remote-path": (descriptor(lambda d: resource(d, "actions").update(
                        path="https://example.com/actions.csv")),
                    [("remote-path", "datapackage.json", None, None)]),
    "unlisted-file": (write("data/notes.csv", "a,b\n1,2\n"),
                      [("unlisted-file", "data/notes.csv", None, None)]),
    "name-mismatch": (rename_claims, [("name-mismatch", "datapackage.json", None, None)]),
    # files
    "file-missing": (lambda p: p.path(ACTION_EVIDENCE).unlink(),
                     [("file-missing", ACTION_EVIDENCE, None, None)]),
    "file-empty": (write(ACTION_EVIDENCE, ""), [("file-empty", ACTION_EVIDENCE, None, None)]),
    "file-binary": (write(ACTION_EVIDENCE, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
                    [("file-binary", ACTION_EVIDENCE, None, None)]),
    "encoding-error": (write(ACTION_EVIDENCE, (HEADER_ACTION_EVIDENCE + "ae-0001,a-001,"
                             "example-news,quote,caf\xe9\n").encode("latin-1")),
                       [("encoding-error", ACTION_EVIDENCE, None, "notes")]),
    "csv-error": (write(ACTION_EVIDENCE, HEADER_ACTION_EVIDENCE
                        + "ae-0001,a-001,example-news,\"" + "x" * 3_000_000 + "\",\n"),
                  [("csv-error", ACTION_EVIDENCE, None, None)]),
    "header-mismatch": (text(ACTION_EVIDENCE, "evidence_id,action_id", "\nevidence_id,action_id"),
                        [("header-mismatch", ACTION_EVIDENCE, None, None)]),
    "incorrect-label": (text(ACTION_EVIDENCE, "evidence_id,action_id", "evidence,action_id"),
                        [("incorrect-label", ACTION_EVIDENCE, None, "evidence_id")]),
    # the rows keep their last cell: beyond the header's columns, an extra cell
    "missing-label": (text(ACTION_EVIDENCE, ",quote_location\n", "\n"),
                      [("missing-label", ACTION_EVIDENCE, None, "quote_location"),
                       ("extra-cell", ACTION_EVIDENCE, 1, None),
                       ("extra-cell", ACTION_EVIDENCE, 2, None)]),
    # the rows lack a cell of the header's
    "extra-label": (text(ACTION_EVIDENCE, ",quote_location\n", ",quote_location,reviewer\n"),
                    [("extra-label", ACTION_EVIDENCE, None, None),
                     ("missing-cell", ACTION_EVIDENCE, 1, "reviewer"),
                     ("missing-cell", ACTION_EVIDENCE, 2, "reviewer")]),
    "blank-label": (text(ACTION_EVIDENCE, "quote,notes,", "quote,,"),
                    [("blank-label", ACTION_EVIDENCE, None, "notes")]),
    "duplicate-label": (text(ACTION_EVIDENCE, "quote,notes,", "quote,quote,"),
                        [("duplicate-label", ACTION_EVIDENCE, None, "notes")]),
    # rows and cells, from the schemas
    "blank-row": (text(TARGETS, "\na-001,2,", "\n\na-001,2,"),  # its key is empty too, as in
                  [("blank-row", TARGETS, 2, None),                  # frictionless
                   ("primary-key", TARGETS, 2, "action_id, target_no")]),
    "missing-cell": (text(TARGETS, "12 - 10 = 2.,", "12 - 10 = 2.,\na-001,3,,,1,stated,"),
                     [("missing-cell", TARGETS, 3, "evidence_id")]),
    "extra-cell": (text(TARGETS, "12 - 10 = 2.,", "12 - 10 = 2.,,surplus"),
                   [("extra-cell", TARGETS, 2, None)]),
    "type-error": (cell(CLAIMS, 1, "period_start", "2023-10-32"),
                   [("type-error", CLAIMS, 1, "period_start")]),
    "constraint-error": (cell(CLAIMS, 2, "predicate", "sells"),
                         [("constraint-error", CLAIMS, 2, "predicate")]),
    "unique-error": (cell(SOURCES_CSV, 1, "archive_file", "tiny.txt"), []),  # replaced below
    "primary-key": (text(TARGETS, "a-001,2,", "a-001,1,"),
                    [("primary-key", TARGETS, 2, "action_id, target_no")]),
    "foreign-key": (cell(CLAIMS, 2, "object_entity_id", "north-korea"),
                    [("foreign-key", CLAIMS, 2, "object_entity_id")]),
    # cells: safety and hygiene
    "formula-injection": (cell(CLAIMS, 2, "notes", "=HYPERLINK(\"http://x\")"),
                          [("formula-injection", CLAIMS, 2, "notes")]),
    "control-character": (cell(ENTITIES, 6, "notes", "first line\nsecond line"),
                          [("control-character", ENTITIES, 6, "notes")]),
    "bad-whitespace": (cell(ENTITIES, 5, "name", "The\u00a0Department"),
                       [("bad-whitespace", ENTITIES, 5, "name")]),
    "duplicate-entity-name": (cell(ENTITIES, 5, "name", "Acme Оptics"),  # Cyrillic О
                              [("duplicate-entity-name", ENTITIES, 5, "name")]),
    # rules across columns and tables
    "period-order": (both(cell(CLAIMS, 1, "period_start", "2024-01-01"),
                          cell(CLAIMS, 1, "period_end", "2023-12-31"),
                          cell(CLAIMS, 1, "period_precision", "year")),
                     [("period-order", CLAIMS, 1, "period_end")]),
    "date-after-publication": (cell(ACTIONS, 1, "action_date", "2024-03-16"),
                               [("date-after-publication", ACTIONS, 1, "action_date")]),
    "date-precision": (cell(ACTIONS, 1, "action_date_precision", "month"),
                       [("date-precision", ACTIONS, 1, "action_date")]),
    "note-missing": (cell(CLAIMS, 1, "period_note", ""),
                     [("note-missing", CLAIMS, 1, "period_note")]),
    "percent-out-of-range": (both(cell(CLAIMS, 1, "quantity_value", "170"),
                                  cell(EVIDENCE, 1, "figure_value", "170"),
                                  cell(EVIDENCE, 1, "figure_max", "")),
                             [("percent-out-of-range", CLAIMS, 1, "quantity_value"),
                              ("percent-out-of-range", EVIDENCE, 1, "figure_value")]),
    "quantity-unit-missing": (both(cell(CLAIMS, 1, "quantity_unit", ""),
                                   cell(CLAIMS, 1, "quantity_qualifier", "")),
                              [("quantity-unit-missing", CLAIMS, 1, "quantity_unit"),
                               ("claim-quantity-mismatch", CLAIMS, 1, "quantity_value")]),
    "quantity-value-missing": (cell(EVIDENCE, 1, "figure_value", ""),
                               [("quantity-value-missing", EVIDENCE, 1, "figure_value")]),
    "claim-quantity-mismatch": (cell(CLAIMS, 1, "quantity_qualifier", "more-than"),
                                [("claim-quantity-mismatch", CLAIMS, 1, "quantity_value")]),
    "claim-without-evidence": (lambda p: p.drop_rows(EVIDENCE, lambda r: r["claim_id"] != "c-0002"),
                               [("claim-without-evidence", CLAIMS, 2, "claim_id")]),
    "action-without-evidence": (write(ACTION_EVIDENCE, HEADER_ACTION_EVIDENCE),
                                [("action-without-evidence", ACTIONS, 1, "action_id"),
                                 ("foreign-key", TARGETS, 1, "evidence_id"),
                                 ("foreign-key", TARGETS, 2, "evidence_id")]),
    "entity-without-alias": (lambda p: p.drop_rows(ALIASES, lambda r: r["entity_id"] != "ru"),
                             [("entity-without-alias", ENTITIES, 2, "entity_id")]),
    "country-quote-missing": (cell(ENTITIES, 2, "country_quote", ""),
                              [("country-quote-missing", ENTITIES, 2, "country")]),
    "target-empty": (both(cell(TARGETS, 2, "target_count", ""),
                          cell(TARGETS, 2, "target_count_basis", ""),
                          cell(TARGETS, 2, "notes", "")),
                     [("target-empty", TARGETS, 2, "target_entity_id")]),
    "target-count-exceeds-total": (
        cell(ACTIONS, 1, "target_count_total", "9"),
        [("target-count-exceeds-total", ACTIONS, 1, "target_count_total")]),
    "target-evidence-other-action": (evidence_of_another_action,
                                     [("target-evidence-other-action", TARGETS, 1,
                                       "evidence_id")]),
    "link-target-mismatch": (cell(LINKS, 1, "related_claim_id", "c-0001"),
                             [("link-target-mismatch", LINKS, 1, "link_type")]),
    "identifier-pattern": (identifier("lei", "12345", words="Acme Optics has the LEI 12345."),
                           [("identifier-pattern", IDENTIFIERS, 1, "identifier")]),
    "date-bounds-order": (cell(SOURCES_CSV, 3, "published_date_not_after", "2024-03-01"),
                          [("date-bounds-order", SOURCES_CSV, 3, "published_date_not_after")]),
    "date-outside-bounds": (cell(ACTIONS, 1, "action_date_not_before", "2024-03-16"),
                            [("date-outside-bounds", ACTIONS, 1, "action_date")]),
    "figure-bounds-order": (cell(EVIDENCE, 1, "figure_min", "80"),
                            [("figure-bounds-order", EVIDENCE, 1, "figure_max"),
                             ("figure-outside-bounds", EVIDENCE, 1, "figure_value")]),
    "figure-outside-bounds": (cell(EVIDENCE, 1, "figure_max", "69"),
                              [("figure-outside-bounds", EVIDENCE, 1, "figure_value")]),
    "country-basis-mismatch": (cell(ENTITIES, 5, "country_basis", "based-in"),
                               [("country-basis-mismatch", ENTITIES, 5, "country_basis")]),
    "unknown-reference": (cell(CLAIMS, 2, "notes", "Compare c-0003."),
                          [("unknown-reference", CLAIMS, 2, "notes")]),
    # sources
    "quote-not-in-source": (text(EVIDENCE, "is likely providing", "is probably providing"),
                            [("quote-not-in-source", EVIDENCE, 2, "quote"),
                             ("as-stated-not-in-quote", CLAIMS, 2, "hedge_as_stated")]),
    "as-stated-not-in-quote": (cell(CLAIMS, 1, "item_as_stated", "metalworking machinery"),
                               [("as-stated-not-in-quote", CLAIMS, 1, "item_as_stated")]),
    "quote-offset-incomplete": (cell(EVIDENCE, 1, "quote_end", ""),
                                [("quote-offset-incomplete", EVIDENCE, 1, "quote_end")]),
    "quote-offset-mismatch": (cell(ACTION_EVIDENCE, 2, "quote_start", "127"),
                              [("quote-offset-mismatch", ACTION_EVIDENCE, 2, "quote_start")]),
    "source-file-missing": (cell(SOURCES_CSV, 1, "archive_file", "elsewhere.txt"),
                            [("source-file-missing", SOURCES_CSV, 1, "archive_file")]),
    "source-hash-mismatch": (text("sources/tiny.txt", "15 March", "16 March"),
                             [("source-hash-mismatch", SOURCES_CSV, 1, "archive_sha256")]),
    "sources-dir-missing": (lambda p: None, [("sources-dir-missing", SOURCES_CSV, None, None)]),
    "sources-not-checked": (lambda p: None, [("sources-not-checked", SOURCES_CSV, None, None)]),
    # dataset assertions
    "too-few-rows": (write("cnru.toml", "[minimum_rows]\nclaims = 3\n"
                                        "[minimum_claims_per_category]\noptics = 1\n"),
                     [("too-few-rows", CLAIMS, None, None)]),
    "assertions-error": (write("cnru.toml", "[minimum_rows]\nclaim = 1\n"),
                         [("assertions-error", "cnru.toml", None, None)]),
    # names
    "invisible-character": (lambda p: p.set_cell(ENTITIES, 1, "name",
                                                 p.rows(ENTITIES)[0]["name"] + "\u200b"),
                            [("invisible-character", ENTITIES, 1, "name")]),
}


def duplicate_alias_name(p):
    # a second source row that reuses the first one's archive file (unique: true)
    row = dict(p.rows(SOURCES_CSV)[0], source_id="example-news-copy")
    p.add_row(SOURCES_CSV, **row)


CASES["unique-error"] = (duplicate_alias_name,
                         [("unique-error", SOURCES_CSV, 4, "archive_file")])


def found(report):
    return {(p.code, p.file, p.row, p.field) for p in report.problems}


def test_the_tiny_package_is_valid(tiny):
    report = validate_package(tiny.root, tiny.sources)
    assert report.problems == ()


def test_every_code_has_a_case():
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_broken_copy_fails_with_exactly_its_problem(tiny, code):
    mutate, expected = CASES[code]
    mutate(tiny)
    sources = tiny.root / "no-such-dir" if code == "sources-dir-missing" else tiny.sources
    report = validate_package(tiny.root, sources, check_sources=code != "sources-not-checked")
    assert found(report) == set(expected), [p.message for p in report.problems]
    assert all(p.message for p in report.problems)
    if CODES[code].severity == "error":
        assert not report.valid


@pytest.mark.parametrize("value", ["a bell\x07", "a tab\tinside", "a delete\x7f"])
def test_control_characters_besides_line_breaks_are_found(tiny, value):
    """A file with control bytes besides its line ends takes the general row test."""
    tiny.set_cell(CLAIMS, 2, "notes", value)
    report = validate_package(tiny.root, tiny.sources)
    assert found(report) == {("control-character", CLAIMS, 2, "notes")}


@pytest.mark.parametrize(("content", "facts"), [
    (b"a,b\n1,2\n", FileFacts(lines=2, plain=True)),
    (b"a,b\n1,2", FileFacts(lines=2, plain=True)),  # the last line counts without its end
    (b"a,b\n\n\n1,2\n", FileFacts(lines=4, plain=True)),
    (b'a,b\n"1\n2",3\n', FileFacts(lines=3, plain=True)),  # a quoted LF is a line end
    (b"a,b\r\n1,2\r\n", FileFacts(lines=2, plain=False)),
    (b"a,b\n1,\x7f\n", FileFacts(lines=2, plain=False)),
    (b"a,b\n1,\x00\n", FileFacts(lines=2, plain=False)),
    (b"a,b\n1,\xc3\xa9\xe2\x80\xa8\n", FileFacts(lines=2, plain=True)),  # UTF-8 is not
    (b"a,b\r1,2\r\n3,4\n", FileFacts(lines=3, plain=False, mixed=True)),
    (b"a,b\r\n1,2\r\n3,4", FileFacts(lines=3, plain=False)),
])
@pytest.mark.parametrize("counter", ["bytes", "numpy"])
def test_scan_file_counts_lines_and_finds_control_bytes(tmp_path, monkeypatch, content, facts,
                                                        counter):
    """Small files are counted by bytes methods, large ones by numpy, in chunks (here of 3
    bytes, so that a CRLF falls across two): the same facts."""
    monkeypatch.setattr(load, "NUMPY_FROM", 0 if counter == "numpy" else 1 << 40)
    monkeypatch.setattr(load, "SCAN_CHUNK", 3)
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    assert scan_file(path) == facts


@pytest.mark.parametrize(("value", "formula"), [
    ("=1+1", True), ("+cmd", True), ("-cmd", True), ("@SUM(A1)", True), ("\tx", True),
    ("-5 units", False), ("+44 20", False), ("a = b", False), ("é=", False),
])
def test_formula_starts_are_found_and_signed_numbers_are_not(tiny, value, formula):
    tiny.set_cell(CLAIMS, 2, "notes", value)
    report = validate_package(tiny.root, tiny.sources)
    assert (("formula-injection", CLAIMS, 2, "notes") in found(report)) == formula


SECOND_QUOTE = "The Department said Friday it added 12 entities to the Entity List"
OPTICS_QUOTE = "Chinese firm Acme Optics is likely providing optics"


@pytest.mark.parametrize(("value", "reported"), [
    ("optics", False),  # in the first quote only
    ("the Entity List", False),  # in the second quote only
    ("satellites", True),  # in neither
])
def test_an_as_stated_value_needs_one_of_the_rows_quotes(tiny, value, reported):
    """A claim or action with two evidence rows: a value either quote contains passes."""
    tiny.add_row(EVIDENCE, evidence_id="ev-0003", claim_id="c-0002", source_id="example-news",
                 quote=SECOND_QUOTE)
    tiny.set_cell(CLAIMS, 2, "item_as_stated", value)
    tiny.add_row(ACTION_EVIDENCE, evidence_id="ae-0002", action_id="a-001",
                 source_id="example-news", quote=OPTICS_QUOTE)
    tiny.set_cell(ACTIONS, 1, "measure_as_stated", value)
    expected = {("as-stated-not-in-quote", CLAIMS, 2, "item_as_stated"),
                ("as-stated-not-in-quote", ACTIONS, 1, "measure_as_stated")}
    assert found(validate_package(tiny.root, tiny.sources)) == (expected if reported else set())


MESSAGES = {
    "link-target-mismatch": "a concerns-action link needs action_id and no related_claim_id; "
                            "the other types need related_claim_id and no action_id",
    "date-bounds-order": "the date's upper bound is before its lower bound",
    "date-outside-bounds": "the date lies outside its own not_before/not_after bounds",
    "figure-outside-bounds": "figure_value lies outside figure_min and figure_max",
    "country-basis-mismatch": "country_basis says how the quote establishes country: give it "
                              "exactly when country is given",
    "target-evidence-other-action": "the evidence row is evidence of a-002, not of the "
                                    "target's action a-001",
    "identifier-pattern": "not a lei identifier: the scheme's pattern is [A-Z0-9]{18}[0-9]{2}",
    "quote-offset-incomplete": "quote_start and quote_end go together: give both, or neither",
    "quote-offset-mismatch": "the text at quote_start-quote_end does not match the quote; its "
                             "first match is at 126-272",
    "quote-not-in-source": "not found verbatim in the archived text of the source (exact): its "
                           "first 28 of 91 characters are found at offset 135, then the quote "
                           "has 'probably providing o' where the text has 'likely providing opt'",
}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_the_rules_of_the_official_record_say_what_is_wrong(tiny, code):
    CASES[code][0](tiny)
    report = validate_package(tiny.root, tiny.sources)
    assert [p.message for p in report.problems if p.code == code] == [MESSAGES[code]]


def test_figure_bounds_order_message(tiny):
    tiny.set_cell(EVIDENCE, 1, "figure_min", "80")
    report = validate_package(tiny.root, tiny.sources)
    assert [(p.code, p.value, p.message) for p in report.problems] == [
        ("figure-bounds-order", "70", "figure_max is below figure_min"),
        ("figure-outside-bounds", "70", "figure_value lies outside figure_min and figure_max")]


def test_a_date_inside_its_month_is_inside_bounds_that_start_within_the_month(tiny):
    tiny.set_cell(ACTIONS, 1, "action_date", "2024-03-01")
    tiny.set_cell(ACTIONS, 1, "action_date_precision", "month")
    tiny.set_cell(ACTIONS, 1, "action_date_not_before", "2024-03-10")
    tiny.set_cell(ACTIONS, 1, "action_date_not_after", "2024-03-15")
    assert validate_package(tiny.root, tiny.sources).problems == ()


@pytest.mark.parametrize(("file", "field", "value", "reported"), [
    # Markdown: emphasis, a link and a hard wrap between the words, and spaces folded
    (ACTION_EVIDENCE, "quote", "added Acme Optics (Acme) to the Entity List for", False),
    (ACTION_EVIDENCE, "quote", "added  Acme Optics\u00a0(Acme) to the Entity List for", False),
    (ACTION_EVIDENCE, "quote", "added **Acme Optics** (Acme)", True),  # markup is not text
    (ACTION_EVIDENCE, "quote", "The additions follow an earlier warning.", False),  # a bullet
    (ACTION_EVIDENCE, "quote", "Russia's military", True),  # curly quotes stay curly
    (ACTION_EVIDENCE, "quote", "title: \"Statement on the Entity List additions\"", False),
    # JSON: within one string value, folded; not across values, not in keys
    (LIST_ENTRIES, "address_as_listed", "1 Lens Road, Shenzhen", False),
    (LIST_ENTRIES, "address_as_listed", "Shenzhen", False),
    (LIST_ENTRIES, "country_as_listed", "China 1 Lens Road", True),
    (LIST_ENTRIES, "country_as_listed", "federal_register", True),
    # plain text: exact, whitespace too
    (EVIDENCE, "quote", "US officials  said China", True),
])
def test_the_matching_rule_by_kind_of_text(tiny, file, field, value, reported):
    row = 2 if file == ACTION_EVIDENCE else 1
    tiny.set_cell(file, row, field, value)
    if file != LIST_ENTRIES:
        tiny.set_cell(file, row, "quote_start", "")
        tiny.set_cell(file, row, "quote_end", "")
    problems = {(p.code, p.file, p.row, p.field)
                for p in validate_package(tiny.root, tiny.sources).problems}
    assert (("quote-not-in-source", file, row, field) in problems) == reported


@pytest.mark.parametrize(("scheme", "value", "fits"), [
    ("wikidata", "Q42", True), ("wikidata", "Q0", False), ("wikidata", "q42", False),
    ("wikidata", "Q42x", False),
    ("lei", "ABCDEFGHIJ1234567890", True), ("lei", "abcdefghij1234567890", False),
    ("lei", "ABCDEFGHIJ12345678X0", False), ("lei", "ABCDEFGHIJ123456789", False),
    ("opensanctions", "NK-abc.1_x", True), ("opensanctions", "_abc", False),
    ("ofac", "12345", True), ("ofac", "012345", False), ("ofac", "SDN 1", False),
])
def test_each_scheme_has_its_pattern(tiny, scheme, value, fits):
    identifier(scheme, value, words=f"Acme Optics: {value}.")(tiny)
    codes = [p.code for p in validate_package(tiny.root, tiny.sources).problems]
    assert codes == ([] if fits else ["identifier-pattern"])


def test_an_identifier_names_one_entity(tiny):
    both(identifier("wikidata", "Q42", words="Acme Optics is Q42."),
         identifier("wikidata", "Q42", quote="Acme Optics is Q42.", entity="cn"))(tiny)
    assert found(validate_package(tiny.root, tiny.sources)) == {
        ("primary-key", IDENTIFIERS, 2, "scheme, identifier")}


def test_an_identifier_stands_in_its_quote_and_the_quote_in_its_text(tiny):
    identifier("wikidata", "Q43", quote="Acme Optics is Q42.", words="Acme Optics is Q42.")(tiny)
    identifier("wikidata", "Q44", quote="Acme Optics is Q44.")(tiny)
    assert found(validate_package(tiny.root, tiny.sources)) == {
        ("as-stated-not-in-quote", IDENTIFIERS, 1, "identifier"),
        ("quote-not-in-source", IDENTIFIERS, 2, "quote")}


def test_the_failing_rows_of_a_large_table_are_collected_frame_by_frame(monkeypatch):
    """pandera checks a rule's rows a frame at a time (here 2,048 rows); every failing row of
    every frame is collected, with its values, and no passing one."""
    import duckdb

    from cnru.dataset import rules

    monkeypatch.setattr(rules, "CHUNK", 1)
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 'claims' AS resource, range + 1 AS _row, "
                "'x' AS field, range AS x FROM range(5000)")
    target = rules.Target("t", "x % 3 <> 0 OR x IS NULL", "divisible by three", value="x")
    cases = rules.failing_rows("divisible", target, con)
    assert sorted(case["_row"] for case in cases) == [x + 1 for x in range(0, 5000, 3)]
    assert all(case["value"] == case["_row"] - 1 and case["field"] == "x" for case in cases)
