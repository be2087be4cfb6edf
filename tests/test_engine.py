"""The generic engine on Table Schema packages that are not this dataset: the other field types,
encodings and dialect options, with the same verdicts as stock frictionless."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import duckdb
import pytest
from frictionless import Field
from test_parity import LABEL_CODES, ROW_LEVEL, SCHEMA_CODES, frictionless_problems

from cnru.engine import readers
from cnru.engine.schema_sql import DUCKDB_TYPES, cast, literal
from cnru.validate import validate_package


def write_package(root, fields: list[dict], text: str, *, encoding: str = "utf-8",
                  resource: dict | None = None, primary_key=None):
    """A package of one resource, `readings`, as the data/ and schemas/ pair cnru expects."""
    (root / "data").mkdir(parents=True)
    (root / "schemas").mkdir()
    schema = {"fields": fields, **({"primaryKey": primary_key} if primary_key else {})}
    (root / "schemas" / "readings.json").write_text(json.dumps(schema), encoding="utf-8")
    item = {"name": "readings", "path": "data/readings.csv", "schema": "schemas/readings.json",
            **(resource or {})}
    (root / "datapackage.json").write_text(json.dumps({"name": "readings", "resources": [item]}),
                                           encoding="utf-8")
    (root / "data" / "readings.csv").write_bytes(text.encode(encoding))
    return root


def cnru_problems(root) -> set[tuple]:
    report = validate_package(root, check_sources=False)
    return {(p.code, p.file, p.row, None if p.code in ROW_LEVEL else p.field)
            for p in report.problems if p.code in SCHEMA_CODES | LABEL_CODES}


def schema_errors(root) -> list[str]:
    return [p.message for p in validate_package(root, check_sources=False).problems
            if p.code in ("schema-error", "descriptor-error")]


OTHER_FIELDS = [
    {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
    {"name": "at", "type": "datetime"},
    {"name": "clock", "type": "time"},
    {"name": "year", "type": "year", "constraints": {"maximum": 2030, "enum": [1999, 2024, 2031]}},
    {"name": "month", "type": "yearmonth", "constraints": {"required": True}},
    {"name": "span", "type": "duration"},
    {"name": "where", "type": "geopoint"},
    {"name": "shape", "type": "geojson"},
    {"name": "meta", "type": "object"},
    {"name": "tags", "type": "array"},
    {"name": "note", "type": "any", "constraints": {"required": True, "enum": ["x", "y"]}},
]
POINT = '"{""type"": ""Point"", ""coordinates"": [1, 2]}"'
OTHER_ROWS = f"""id,at,clock,year,month,span,where,shape,meta,tags,note
1,2024-01-05T10:00:00Z,10:00:00,2024,2024-01,P1D,"90,45",{POINT},"{{""a"": 1}}","[1, 2]",x
2,1999-01-05T10:00:00+01:00,24:00:00,2031,2024-13,1D,"181,0",{{}},[],{{}},
3,2024-01-05T10:00,10:00,24,2024-1,PT1H,"1, 2",[],{{}},[],y
3,2024-02-30T10:00:00,23:59:60,1999,,P1Y2M,"a,b","{{""type"": ""Pointy""}}",1,x,z
4,2024-01-05T24:00:00.5-05:30,23:30:00+01:00,0000,0-1,PT0.5S,"-180,-90",,"{{""b"": []}}",[[]],y
5,0999-12-31T23:59:59,00:00:00Z,9999,99999-12,P,"1.50,2",,,,x
"""


def test_the_other_field_types_get_the_same_problems_from_both(tmp_path):
    """datetime, time, year, yearmonth, duration, geopoint, geojson, object, array and any:
    types, bounds, enums, required and unique cells, and a package with no line of this
    dataset."""
    root = write_package(tmp_path, OTHER_FIELDS, OTHER_ROWS, primary_key=["id"])
    ours, theirs = cnru_problems(root), frictionless_problems(root)
    assert {"type-error", "constraint-error", "unique-error", "primary-key"} <= {p[0] for p in ours}
    assert {p[3] for p in ours if p[0] == "type-error"} >= {
        "at", "clock", "year", "month", "span", "where", "shape", "meta", "tags"}
    assert ours == theirs


def test_a_package_of_the_other_types_can_be_valid(tmp_path):
    rows = "\n".join(line for line in OTHER_ROWS.splitlines() if line[:2] in ("id", "1,")) + "\n"
    root = write_package(tmp_path, OTHER_FIELDS, rows, primary_key=["id"])
    assert frictionless_problems(root) == cnru_problems(root) == set()
    assert list(validate_package(root, check_sources=False).problems) == []


def test_the_bounds_of_dates_and_times_get_the_same_problems_from_both(tmp_path):
    """Bounds compare values, with or without an offset (frictionless raises an exception
    comparing a value with an offset to a bound without one: not tried here)."""
    fields = [{"name": "at", "type": "datetime",
               "constraints": {"minimum": "2000-01-01T00:00:00", "maximum":
                               "2029-12-31T23:59:59"}},
              {"name": "clock", "type": "time", "constraints": {"maximum": "23:00:00Z"}}]
    rows = ("at,clock\n1999-12-31T23:59:59,23:00:00Z\n2000-01-01T00:00:00,23:30:00+01:00\n"
            "2030-01-01T00:00:00,22:30:00-01:00\n2029-12-31T24:00:00,23:00:01+00:00\n"
            "2024-01-05T10:00:00.5,00:00:00Z\n")
    root = write_package(tmp_path, fields, rows)
    ours, theirs = cnru_problems(root), frictionless_problems(root)
    assert {(p[2], p[3]) for p in ours} == {(1, "at"), (3, "at"), (4, "at"), (3, "clock"),
                                           (4, "clock")}
    assert ours == theirs


OTHER_SPELLINGS = {
    "datetime": ["2024-01-05T10:00:00", "2024-01-05T24:00:00", "2023-12-31T23:59:60",
                 "2024-02-30T00:00:00", "2024-01-05T10:00:00.1234567", "2024-01-05 10:00:00",
                 "2024-01-05T10:00:00Z", "2024-01-05T10:00:00+01:00", "2024-01-05T10:00:00-05:30",
                 "0999-01-01T00:00:00", "0000-01-01T00:00:00", "2024-01-05T10:00",
                 "-2024-01-05T10:00:00", "2024-01-05T10:00:00.5Z", "20240105T100000",
                 "2024-01-05T10:00:00+0100", "2024-01-05t10:00:00", "2024-01-05T10:00:00 "],
    "time": ["10:00:00", "24:00:00", "23:59:60", "10:00:00.5", "10:00:00Z", "10:00:00+01:00",
             "00:30:00+01:00", "1:00:00", "10:00", "10:00:00.1234567", " 10:00:00", "25:00:00",
             "10:60:00"],
    "year": ["2024", "0000", "0999", "9999", "-999", "+999", " 999", "1_00", "\u0662\u0660\u0662"
             "\u0664", "10000", "20 4", "abcd", "24"],
    "yearmonth": ["2024-01", "2024-13", "2024-00", "0-1", "2024-1", " 2024-01", "2024-01-01",
                  "99999-12", "2024"],
    "duration": ["P1D", "PT1H", "PT60M", "P1Y2M", "P1W", "PT0.5S", "P", "1D", "-P1D"],
    "geopoint": ["90,45", "90, 45", "181,0", "0,91", "-180,-90", "a,b", "1,2,3", "1.50,2"],
    "object": ['{"a": 1}', "{}", "[]", "1", '{"a":', '{"b":1,"a":2}'],
    "array": ["[1, 2]", "[]", "{}", '"a"', "[1,"],
    "geojson": ['{"type": "Point", "coordinates": [1, 2]}', '{"type": "Pointy"}', "[]", "{}"],
}


@pytest.mark.parametrize("kind", sorted(OTHER_SPELLINGS))
def test_every_spelling_of_the_other_types_is_read_as_frictionless_reads_it(kind):
    """Valid or not, and the same value: the SQL's cast of the plain spelling of a datetime, a
    time or a year, and frictionless's reader for every other cell; random strings too."""
    con = duckdb.connect()
    readers.register(con)
    rng = random.Random(kind)
    texts = list(OTHER_SPELLINGS[kind])
    if kind in ("datetime", "time", "year", "yearmonth"):
        texts += ["".join(rng.choices("0123456789" * 3 + "-:T.Z+ ", k=rng.randint(4, 22)))
                  for _ in range(1000)]
    if kind in ("datetime", "time"):
        for _ in range(1000):
            moment = (f"{rng.randint(900, 2100):04d}-{rng.randint(0, 13):02d}-"
                      f"{rng.randint(0, 32):02d}T{rng.randint(0, 25):02d}:"
                      f"{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}")
            texts.append(moment[11 if kind == "time" else 0:]
                         + rng.choice(["", "Z", "+01:00", ".5", "-23:59"]))
    field = {"name": "cell", "type": kind}
    ours = con.execute("SELECT " + ", ".join(f"CAST({cast(field, literal(t), {})} AS VARCHAR)"
                                             for t in texts)).fetchone()
    reference = Field.from_descriptor(field)
    for text, value in zip(texts, ours, strict=True):
        theirs, notes = reference.read_cell(text)
        expected = None if notes else readers.canonical(kind, theirs)
        if expected is not None:  # as DuckDB writes the value of the column's type
            expected = con.execute(f"SELECT CAST(CAST(? AS {DUCKDB_TYPES[kind]}) AS VARCHAR)",
                                   [expected]).fetchone()[0]
        assert value == expected, (kind, text, value, expected)


@pytest.mark.parametrize(("field", "named"), [
    ({"name": "at", "type": "datetime", "constraints": {"pattern": "2.*"}}, "'pattern'"),
    ({"name": "at", "type": "yearmonth", "constraints": {"minimum": "2020-01"}}, "'minimum'"),
    ({"name": "at", "type": "array", "constraints": {"maxLength": 2}}, "'maxLength'"),
    ({"name": "at", "type": "array", "arrayItem": {"type": "integer"}}, "arrayItem"),
    ({"name": "at", "type": "datetime", "format": "%d/%m/%Y %H:%M"}, "default format"),
])
def test_what_is_not_supported_of_the_other_types_is_refused_in_one_line(tmp_path, field, named):
    root = write_package(tmp_path, [field], "at\n2024-01-05T10:00:00\n")
    errors = schema_errors(root)
    assert len(errors) == 1 and named in errors[0] and "'at'" in errors[0]


PLAIN_FIELDS = [
    {"name": "id", "type": "integer", "constraints": {"unique": True}},
    {"name": "name", "type": "string", "constraints": {"required": True, "maxLength": 8}},
    {"name": "at", "type": "date"},
    {"name": "score", "type": "number", "constraints": {"minimum": 0}},
]
PLAIN_ROWS = ("id,name,at,score\n1,Zoë,2024-01-05,1.5\n2,Ångström café,2024-13-01,-1\n"
              "2,,2024-01-05,x\n\n3,Łódź,2024-02-30\n4,a,2024-01-05,1,extra\n")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "iso-8859-1", "windows-1252"])
def test_a_declared_encoding_is_read_as_declared(tmp_path, encoding):
    """The same problems from both, on the same rows, the non-ASCII names counted as
    characters (maxLength) in the declared encoding."""
    rows = PLAIN_ROWS if encoding == "utf-8-sig" else PLAIN_ROWS.replace("Łódź", "Lodz")
    root = write_package(tmp_path, PLAIN_FIELDS, rows, encoding=encoding,
                         resource={"encoding": encoding})
    ours, theirs = cnru_problems(root), frictionless_problems(root)
    assert ("constraint-error", "data/readings.csv", 2, "name") in ours  # 13 characters
    assert {"type-error", "unique-error", "blank-row", "missing-cell", "extra-cell"} <= {
        p[0] for p in ours}
    assert ours == theirs


def test_an_undeclared_byte_order_mark_is_read_as_frictionless_reads_it(tmp_path):
    root = write_package(tmp_path, PLAIN_FIELDS, "\ufeff" + PLAIN_ROWS)
    ours = cnru_problems(root)
    assert ours and ours == frictionless_problems(root)


def test_a_byte_not_in_the_declared_encoding_is_one_problem(tmp_path):
    root = write_package(tmp_path, PLAIN_FIELDS, "id,name,at,score\n1,a\x81b,2024-01-05,1\n",
                         encoding="latin-1", resource={"encoding": "windows-1252"})
    problems = validate_package(root, check_sources=False).problems
    assert [(p.code, p.field) for p in problems] == [("encoding-error", "name")]
    assert "windows-1252" in problems[0].message


@pytest.mark.parametrize("dialect", [
    {"delimiter": ";"},
    {"delimiter": "\t", "quoteChar": "'"},
    {"skipInitialSpace": True},
    {"delimiter": "|", "doubleQuote": False, "escapeChar": "\\"},
    {"header": True, "headerRows": [1], "lineTerminator": "\n"},
])
def test_a_dialect_is_read_as_frictionless_reads_it(tmp_path, dialect):
    """The rows written in the dialect, spaces after the delimiter and quotes inside values
    included: the same problems from both."""
    delimiter, quote = dialect.get("delimiter", ","), dialect.get("quoteChar", '"')
    escape = dialect.get("escapeChar")

    def cell(value: str) -> str:
        if delimiter in value or quote in value:
            inner = value.replace(quote, (escape or quote) + quote)
            return quote + inner + quote
        return value

    rows = [["id", "name", "at", "score"], ["1", f"a{quote}b", "2024-01-05", "1.5"],
            ["2", f"x{delimiter}y", " 2024-01-05", "-1"], ["2", "", "2024-13-01", " 7"],
            [], ["3", "ok"], ["4", "a", "2024-01-05", "1", "extra"]]
    text = "".join(delimiter.join(cell(c) for c in row) + "\n" for row in rows)
    if dialect.get("skipInitialSpace"):
        text = text.replace(",", ", ")
    root = write_package(tmp_path, PLAIN_FIELDS, text, resource={"dialect": dialect})
    ours, theirs = cnru_problems(root), frictionless_problems(root)
    assert {"constraint-error", "unique-error", "blank-row", "missing-cell", "extra-cell"} <= {
        p[0] for p in ours}
    assert ours == theirs


@pytest.mark.parametrize(("dialect", "named"), [
    ({"commentChar": ""}, "'commentChar' = \"\""),
    ({"headerRows": [2, 1]}, "'headerRows' = [2, 1]"),
    ({"commentRows": ["3"]}, "'commentRows' = [\"3\"]"),
    ({"header": False}, "'header' = false"),
    ({"nullSequence": "\\N"}, "'nullSequence'"),
])
def test_a_dialect_option_not_read_is_refused_in_one_line(tmp_path, dialect, named):
    root = write_package(tmp_path, PLAIN_FIELDS, PLAIN_ROWS, resource={"dialect": dialect})
    problems = validate_package(root, check_sources=False).problems
    assert [p.code for p in problems] == ["descriptor-error"]
    assert named in problems[0].message


def test_an_encoding_not_read_is_refused_in_one_line(tmp_path):
    root = write_package(tmp_path, PLAIN_FIELDS, PLAIN_ROWS, encoding="utf-16",
                         resource={"encoding": "utf-16"})
    problems = validate_package(root, check_sources=False).problems
    assert [p.code for p in problems] == ["descriptor-error"]
    assert "'utf-16'" in problems[0].message


ENGINE_ONLY = """
import sys, tempfile
from pathlib import Path
from cnru.engine import readers
from cnru.engine.db import sandbox
from cnru.engine.descriptor import load_package
from cnru.engine.load import load_resource
from cnru.engine.schema_sql import TYPED, schema_problems

package = load_package(sys.argv[1])
found = [p.code for p in package.problems]
with tempfile.TemporaryDirectory() as scratch, sandbox(package.root, Path(scratch)) as con:
    con.execute(f"CREATE SCHEMA {TYPED}")
    readers.register_on_demand(con)
    for resource in package.resources:
        read = load_resource(con, resource, None, Path(scratch))
        found += [p.code for p in read.problems]
        query = schema_problems(resource.name, resource.schema, {resource.name})
        found += [row[0] for row in con.execute(f"SELECT * FROM ({query})").fetchall()]
print(sorted(set(found)))
print(sorted(m for m in sys.modules if m.startswith(("cnru.dataset", "cnru.outputs"))))
"""


def test_the_engine_alone_validates_a_package_that_is_not_this_dataset(tmp_path):
    """In a fresh interpreter, the engine's modules alone read another package's descriptor, load
    its table and find its schema problems, and nothing of cnru.dataset or cnru.outputs loads."""
    root = write_package(tmp_path / "other", [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "at", "type": "date"}], "id,at\n1,2024-01-05\n1,2024-13-01\n,2024-02-01\n",
        primary_key=["id"])
    done = subprocess.run([sys.executable, "-c", ENGINE_ONLY, str(root)], capture_output=True,
                          text=True, check=True)
    codes, modules = done.stdout.splitlines()
    assert codes == str(sorted(["primary-key", "type-error", "constraint-error"]))
    assert modules == "[]"
    # the same problems as the whole validator finds on it
    assert {p.code for p in validate_package(root, check_sources=False).problems} == {
        "primary-key", "type-error", "constraint-error"}


NARROW_HEADER = "id\n1,2,x\n2,b,y\n3,4,z\n4,5,w\n"  # one label, rows of three cells


def test_a_header_frictionless_would_not_take_is_refused_in_one_line(tmp_path):
    """Without a declared headerRows, frictionless takes a later row, of the rows' width, for
    the header; cnru says so in one line and checks no row."""
    fields = [{"name": "id", "type": "integer"}, {"name": "n", "type": "integer"},
              {"name": "s"}]
    root = write_package(tmp_path, fields, NARROW_HEADER)
    problems = validate_package(root, check_sources=False).problems
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("header-mismatch", 1, "line 1: the header has 1 columns, too far from the rows' "
         "average width: frictionless would take row 2 for the header, which cnru does not "
         "guess; make the header the schema's field names, or declare the dialect's "
         "headerRows [1]")]


def test_a_declared_header_row_with_missing_labels_gets_the_same_problems_from_both(tmp_path):
    fields = [{"name": "id", "type": "integer"}, {"name": "n", "type": "integer"},
              {"name": "s"}]
    root = write_package(tmp_path, fields, NARROW_HEADER, resource={"dialect": {"headerRows": [1]}})
    ours, theirs = cnru_problems(root), frictionless_problems(root)
    assert {("missing-label", "data/readings.csv", None, "n"),
            ("extra-cell", "data/readings.csv", 1, None)} <= ours
    assert ours == theirs


LAYOUT_FIELDS = [{"name": "id", "type": "integer", "constraints": {"required": True}},
                 {"name": "n", "type": "integer"}, {"name": "s"}]
LAYOUT_ROWS = '1,2,a\n2,x,b\n\n3,4\n4,5,c,d\n#5,y,e\n"6\nsix",7,f\n7,z,g\n'


@pytest.mark.parametrize(("head", "dialect"), [
    ("a title\nid,n,s\n", {"headerRows": [2]}),
    ("i,n,s\nd,,\n", {"headerRows": [1, 2], "headerJoin": ""}),  # joined: id, n, s
    ("id,n,x\n,,s\n", {"headerRows": [1, 2]}),  # joined with a space: 'x s'
    ("# a comment\nid,n,s\n", {"commentChar": "#"}),  # frictionless finds the header
    ("a note\nid,n,s\n", {"commentRows": [1], "commentChar": "#"}),
    ("a\nid;n\n", {"headerRows": [2], "commentRows": [9], "delimiter": ";"}),
])
def test_header_rows_and_comments_get_the_same_problems_from_both(tmp_path, head, dialect):
    """Header rows other than the first (joined), comment rows and comment characters, as
    frictionless reads them: the same problems, on the same rows."""
    rows = LAYOUT_ROWS.replace(",", ";") if dialect.get("delimiter") == ";" else LAYOUT_ROWS
    root = write_package(tmp_path, LAYOUT_FIELDS, head + rows, resource={"dialect": dialect})
    ours, theirs = cnru_problems(root), frictionless_problems(root)
    assert {"type-error", "blank-row", "extra-cell"} <= {p[0] for p in ours}
    assert ours == theirs
    # a row's number counts the rows above it, header and comments included; a comment row
    # ('#5,y,e', the sixth after the header) is not checked
    above = head.count("\n")
    assert ("type-error", "data/readings.csv", above + 1, "n") in ours
    assert (("type-error", "data/readings.csv", above + 5, "n") in ours) == (
        "commentChar" not in dialect)


def test_a_header_row_beyond_the_file_is_refused_in_one_line(tmp_path):
    root = write_package(tmp_path, LAYOUT_FIELDS, "id,n,s\n", resource={
        "dialect": {"headerRows": [3]}})
    problems = validate_package(root, check_sources=False).problems
    assert [(p.code, p.message) for p in problems] == [
        ("header-mismatch", "the header rows the dialect declares are blank, comments or "
         "beyond the end of the file")]
