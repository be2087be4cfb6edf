"""The explorer page (`build/index.html`): what it embeds, that it reads offline, that it is the
same bytes every build, and that it stays small at a synthetic size."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
import synth
from conftest import ROOT

from cnru.outputs import page
from cnru.outputs.build import build

SYNTHETIC_CLAIMS = 3000


def csv_rows(root: Path, name: str) -> list[dict]:
    with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def embedded(html: str) -> dict:
    found = re.findall(r'<script type="application/json" id="cnru-data">(.*?)</script>', html,
                       flags=re.DOTALL)
    assert len(found) == 1
    return json.loads(found[0])


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.captions, self.fetching, self.in_caption = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self.figures.append(attrs["id"])
        self.in_caption = tag == "figcaption"
        if tag in ("link", "img", "iframe", "object", "embed") or "src" in attrs:
            self.fetching.append(tag)
        if re.match(r"\s*(https?:)?//", attrs.get("href") or ""):
            self.fetching.append(attrs["href"])

    def handle_data(self, data):
        if self.in_caption:
            self.captions.append(data.strip())
            self.in_caption = False


@pytest.fixture(scope="module")
def html(built) -> str:
    return (built / "index.html").read_text(encoding="utf-8")


def test_every_claim_and_quote_of_the_package_is_on_the_page(html):
    data = embedded(html)
    claims = csv_rows(ROOT, "claims")
    assert sorted(c["claim_id"] for c in data["claims"]) == sorted(c["claim_id"] for c in claims)
    on_page = {e["evidence_id"]: e["quote"] for c in data["claims"] for e in c["evidence"]}
    assert on_page == {e["evidence_id"]: e["quote"] for e in csv_rows(ROOT, "claim_evidence")}
    first = next(c for c in data["claims"] if c["claim_id"] == claims[0]["claim_id"])
    assert {k: first.get(k, "") for k in ("stance", "item_as_stated", "hedge_as_stated")} == {
        k: claims[0][k] for k in ("stance", "item_as_stated", "hedge_as_stated")}


def test_counts_are_of_every_row(html):
    data = embedded(html)
    actions = csv_rows(ROOT, "actions")
    assert data["counts"]["actions"] == len(actions)
    assert data["counts"]["undated_actions"] == sum(1 for a in actions if not a["action_date"])
    assert data["counts"]["claims"] == len(csv_rows(ROOT, "claims"))


def test_each_entity_lists_the_claims_about_it_and_by_it(html):
    data = embedded(html)
    claims = csv_rows(ROOT, "claims")
    china = next(e for e in data["entities"] if e["entity_id"] == "cn")
    assert china["about"] == sorted(c["claim_id"] for c in claims
                                    if "cn" in (c["subject_entity_id"], c["object_entity_id"]))
    assert china["by"] == sorted(c["claim_id"] for c in claims
                                 if c["asserted_by_entity_id"] == "cn")
    assert china["claims_about"] == len(china["about"])
    aliases = [a["surface_form"] for a in csv_rows(ROOT, "entity_aliases")
               if a["entity_id"] == "cn"]
    assert sorted(a["surface_form"] for a in china["aliases"]) == sorted(aliases)


def test_charts_split_claims_by_stance_and_read_offline(html):
    parser = Tags()
    parser.feed(html)
    assert parser.figures == ["chart-claims-by-category", "chart-suppliers",
                              "chart-stance-by-party", "chart-actions-by-date"]
    assert parser.captions[0] == "What the claims say, by item category"
    assert parser.fetching == []
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # every bar part has its count on hover; the weapons bar is split, not one bar
    claims = csv_rows(ROOT, "claims")
    weapons = [c for c in claims if c["item_category"] == "weapons"]
    denied = sum(1 for c in weapons if c["stance"] == "denies")
    assert f"<title>weapons: {denied} claims denied</title>" in html
    assert "matplotlib" not in html


def test_the_page_describes_the_dataset_in_json_ld(html, built):
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html,
                       flags=re.DOTALL)
    assert len(found) == 1
    block = json.loads(found[0])
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert block["@type"] == "Dataset" and block["@context"] == "https://schema.org/"
    assert block["name"] == descriptor["title"]
    assert block["version"] == descriptor["version"]
    assert block["license"] == descriptor["licenses"][0]["path"]
    downloads = [d["contentUrl"] for d in block["distribution"]]
    assert {"croissant.json", "cnru.duckdb", "datapackage.json"} <= set(downloads)
    assert {f"parquet/{r['name']}.parquet" for r in descriptor["resources"]} <= set(downloads)
    assert all((built / name).is_file() for name in downloads)  # each is beside the page
    assert all(d["@type"] == "DataDownload" and d["encodingFormat"]
               for d in block["distribution"])


def test_the_data_cannot_close_its_script_element():
    text = page.embedded_json({"notes": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"notes": "</script><script>alert(1)</script> & <!--"}


def test_a_note_with_markup_stays_text(tiny, tmp_path):
    hostile = "</script><script>document.title='x'</script>"
    tiny.set_cell("data/claims.csv", 1, "notes", hostile)
    build(tiny.root, tmp_path / "out", tiny.sources)
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.count("</script>") == 3  # the JSON-LD's, the data's and the script's own
    assert hostile in json.dumps(embedded(html))


def collect(database: Path) -> dict:
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{database}' AS dist (READ_ONLY)")
        return page.collect(con, "dist")


def test_official_tables_are_shown_when_they_exist(built):
    content = collect(built / "cnru.duckdb")
    entries = csv_rows(ROOT, "list_entries")
    first = entries[0]
    entity = next(e for e in content["entities"] if e["entity_id"] == first["entity_id"])
    listed = [e for e in entries if e["entity_id"] == first["entity_id"]]
    assert sorted(e["federal_register_as_listed"] for e in entity["list_entries"]) == sorted(
        e["federal_register_as_listed"] for e in listed)
    assert sorted(link["link_id"] for link in content["links"]) == sorted(
        link["link_id"] for link in csv_rows(ROOT, "links"))
    assert {s["source_kind"] for s in content["sources"]} == {
        s["source_kind"] for s in csv_rows(ROOT, "sources")}
    source = next(s for s in content["sources"] if s["source_id"] == first["source_id"])
    assert any(row["kind"] == "list-entry" and row["row_id"] == first["entry_id"]
               and row["parent_id"] == first["entity_id"]
               and row["quote"] == first["name_as_listed"] for row in source["rows"])


def test_an_entity_shows_its_identifiers_with_their_sources(tiny, tmp_path):
    path = tiny.path("sources/tiny.txt")
    path.write_bytes(path.read_bytes() + b"Acme Optics is Q42.\n")
    tiny.set_cell("data/sources.csv", 1, "archive_sha256",
                  hashlib.sha256(path.read_bytes()).hexdigest())
    tiny.add_row("data/entity_identifiers.csv", entity_id="acme-optics", scheme="wikidata",
                 identifier="Q42", source_id="example-news", quote="Acme Optics is Q42.",
                 notes="")
    build(tiny.root, tmp_path / "out", tiny.sources)
    content = embedded((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    acme = next(e for e in content["entities"] if e["entity_id"] == "acme-optics")
    assert content["has_identifiers"] is True
    assert [(i["scheme"], i["identifier"], i["source_id"], i["quote"], i["total"])
            for i in acme["identifiers"]] == [
        ("wikidata", "Q42", "example-news", "Acme Optics is Q42.", 1)]


def test_and_left_out_when_they_do_not(built, tmp_path):
    path = tmp_path / "cnru.duckdb"  # a database of a package without them: the tables
    with duckdb.connect(str(path)) as con:  # copied without their keys, and the views
        con.execute(f"ATTACH '{built / 'cnru.duckdb'}' AS built (READ_ONLY)")
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                             "'built' ORDER BY table_name").fetchall()
        for (name,) in tables:
            if name not in ("list_entries", "links", "entity_identifiers"):
                columns = "* EXCLUDE (source_kind)" if name == "sources" else "*"
                con.execute(f"CREATE TABLE {name} AS SELECT {columns} FROM built.{name}")
        views = con.execute("SELECT sql FROM duckdb_views() WHERE database_name = 'built' "
                            "AND NOT internal ORDER BY view_name").fetchall()
        con.execute("DETACH built")
        for (sql,) in views:
            con.execute(sql)
    content = collect(path)
    assert content["links"] == [] and content["has_list_entries"] is False
    assert content["has_identifiers"] is False
    assert all(e["identifiers"] == [] for e in content["entities"])
    assert all("source_kind" not in s for s in content["sources"])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, Path]:
    package = tmp_path_factory.mktemp("synthetic") / "package"
    assert synth.synthesize(ROOT, package, SYNTHETIC_CLAIMS, seed=3) == []
    out = package.parent / "build"
    build(package, out, package / "sources")
    return package, out


def test_at_a_synthetic_size_the_page_is_bounded_and_counts_every_row(synthetic):
    package, out = synthetic
    html = (out / "index.html").read_text(encoding="utf-8")
    assert len(html.encode()) < 1_500_000  # bounded by LIMITS, however many claims
    data = embedded(html)
    limits = page.LIMITS
    claims, actions = csv_rows(package, "claims"), csv_rows(package, "actions")
    assert data["counts"]["claims"] == len(claims) == SYNTHETIC_CLAIMS
    assert data["counts"]["undated_actions"] == sum(1 for a in actions if not a["action_date"])
    assert data["first_claims"] == sorted(c["claim_id"] for c in claims)[:limits["claims"]]
    assert len(data["claims"]) <= (
        limits["claims"] + 2 * limits["entities"] * limits["entity_claims"])
    assert len(data["entities"]) == limits["entities"]
    assert len(data["sources"]) <= limits["sources"]
    assert len(data["actions"]) <= 2 * limits["actions"] + (
        limits["entities"] * limits["entity_actions"])
    earliest = sorted((a["action_date"], a["action_id"]) for a in actions if a["action_date"])
    on_page = [(a["action_date"], a["action_id"]) for a in data["actions"] if "action_date" in a]
    assert set(earliest[:limits["actions"]]) <= set(on_page) and on_page == sorted(on_page)
    # the charts count every claim, not the rows on the page
    categorised = sum(row["n"] for row in data["charts"]["category"])
    assert categorised + data["charts"]["uncategorised"] == SYNTHETIC_CLAIMS
    # an entity's counts are of all its claims, and the rest are left to the SQL given
    china = next(e for e in data["entities"] if e["entity_id"] == "cn")
    about = [c for c in claims if "cn" in (c["subject_entity_id"], c["object_entity_id"])]
    assert china["claims_about"] == len(about) > len(china["about"]) == limits["entity_claims"]


def test_at_a_synthetic_size_a_second_build_writes_the_same_page(synthetic, tmp_path):
    package, out = synthetic
    build(package, tmp_path / "again", package / "sources")
    assert (tmp_path / "again" / "index.html").read_bytes() == (out / "index.html").read_bytes()


def test_the_readme_shows_a_screenshot_of_the_page():
    assert (ROOT / "docs" / "explorer.png").stat().st_size > 0
    assert "(docs/explorer.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
