"""The explorer page, `build/index.html`: claims as sentences with their quotes, one view per
entity, the actions on a timeline, the sources, the disagreements and charts, in one HTML file
that works offline from the file system (inline styles, script and data; no request to any host).

The data is embedded as JSON, bounded at any size: the first rows of each view (`LIMITS`),
with counts over all rows and the SQL that gets them all. Charts are inline SVG drawn here from
counts over all rows. Tables and columns the package lacks (`list_entries`, `links`,
`sources.source_kind`, ...) are simply left out. The same database gives the same bytes.
"""

from __future__ import annotations

import datetime
import json
import re
from html import escape
from importlib.resources import files

import duckdb
from jinja2 import Environment, select_autoescape

from . import croissant

# How many rows each view embeds; the page gives the count of the rest and how to query them.
LIMITS = {
    "claims": 200,  # the first claims, by identifier
    "entities": 250,  # the entities with the most claims and actions
    "entity_claims": 3,  # claims about and by each entity (each role), when not all fit
    "entity_actions": 10,  # actions that target each entity
    "aliases": 20,  # per entity
    "list_entries": 10,  # per entity
    "identifiers": 10,  # per entity
    "evidence": 5,  # quotes per claim
    "links": 500,
    "actions": 60,  # the first dated actions; as many undated ones
    "targets": 80,  # per action
    "action_evidence": 60,  # per action
    "sources": 50,
    "source_rows": 1500,  # rows that quote the sources: all of them up to this many,
    "source_rows_each": 3,  # else this many of each kind per source
    "disagreements": 100,
    "options": 100,  # parties, sources, authorities and types offered by the filters
    "parties": 12,  # asserting parties in the chart
}
SUMMARIES = {  # the summary tables the overview links to, with their titles
    "claims_by_category": "Claims by item category",
    "claims_by_supplier": "Who is said to supply whom",
    "claims_by_asserting_party": "Who makes the claims",
    "sanctions_timeline": "Sanctions and countermeasures, in date order",
    "source_coverage": "What each source supports",
    "disagreements": "Where sources disagree",
    "entity_network": "The entity network, as an edge list",
    "news_entities_actions": "Entities named in the news that an action targets or lists",
}
STANCES = (  # key, label, fill, pattern: three lightnesses and three patterns survive greyscale
    ("asserts", "asserts", "#1f4e79", None),
    ("denies", "denies", "#e6a23c", "hatch"),
    ("finds-no-evidence", "finds no evidence", "#f2f2f2", "dots"),
)
SAYS = (  # what a claim with an item category says
    ("asserts", "asserted", "#1f4e79", None),
    ("considers-stops-or-refrains", "only considering, stopping or refraining", "#8fb3d9", "lines"),
    ("denies", "denied", "#e6a23c", "hatch"),
    ("finds-no-evidence", "no evidence found", "#f2f2f2", "dots"),
)
SUPPLY = (
    ("supplies_asserted", "supply asserted", "#1f4e79", None),
    ("other", "joint production, considering, stopping or refraining", "#8fb3d9", "lines"),
    ("denied", "denied", "#e6a23c", "hatch"),
    ("no_evidence", "no evidence found", "#f2f2f2", "dots"),
)
STATUSES = (
    ("imposed", "imposed", "#7b2d26", None),
    ("authorised", "authorised", "#d9a441", "hatch"),
    ("threatened", "threatened", "#eeeeee", "dots"),
)
REQUIRED = {"claims", "claim_evidence", "entities", "entity_aliases", "actions",
            "action_targets", "action_evidence", "sources"}


def queries() -> dict[str, str]:
    """The named queries of sql/explorer.sql."""
    text = (files("cnru.outputs") / "sql" / "explorer.sql").read_text(encoding="utf-8")
    blocks = re.split(r"^-- name: (\w+)\n", text, flags=re.MULTILINE)
    return dict(zip(blocks[1::2], blocks[2::2], strict=True))


def plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.sql = con, queries()

    def rows(self, name: str, **parameters) -> list[dict]:
        """Rows as dicts without their empty cells."""
        result = self.con.execute(self.sql[name], parameters)
        columns = [d[0] for d in result.description]
        return [{c: plain(v) for c, v in zip(columns, row, strict=True) if v is not None}
                for row in result.fetchall()]


def grouped(rows: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.pop(key), []).append(row)
    return groups


def collect(con: duckdb.DuckDBPyConnection, database: str) -> dict:
    """What the page shows, read from the built database `database` (attached to `con`)."""
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $1", [database]).fetchall()}
    summaries = {name: con.execute(f'SELECT count(*) FROM {database}."{name}"').fetchone()[0]
                 for name in SUMMARIES if name in present}
    content = {"summaries": summaries}
    if not present >= REQUIRED:
        return content
    before = con.execute("SELECT current_database(), current_setting('search_path')").fetchone()
    con.execute(f'USE "{database}"')
    con.execute("SET search_path = 'main'")
    try:
        content.update(read(Reader(con), present))
    finally:
        con.execute(f'USE "{before[0]}"')
        con.execute("SET search_path = $1", [before[1]])
    return content


def read(db: Reader, present: set[str]) -> dict:
    counts = db.rows("counts")[0]
    ranked = db.rows("entity_rank", limit=LIMITS["entities"])
    entity_ids = [row["entity_id"] for row in ranked]

    # when every claim fits on the page, each entity lists all of its claims
    small = counts["claims"] <= LIMITS["claims"]
    about_by = db.rows("entity_claims", ids=entity_ids,
                       limit=LIMITS["claims"] if small else LIMITS["entity_claims"])
    first = [row["claim_id"] for row in db.rows("first_claims", limit=LIMITS["claims"])]
    claim_ids = sorted(set(first) | {row["claim_id"] for row in about_by})
    claims = db.rows("claims", ids=claim_ids)
    evidence = grouped(db.rows("claim_evidence", ids=claim_ids, limit=LIMITS["evidence"]),
                       "claim_id")
    links = (db.rows("links", ids=claim_ids, limit=LIMITS["links"])
             if "links" in present else [])
    for claim in claims:
        claim["evidence"] = evidence.get(claim["claim_id"], [])

    targeting = grouped(db.rows("entity_actions", ids=entity_ids,
                                limit=LIMITS["entity_actions"]), "entity_id")
    first_actions = [r["action_id"] for r in db.rows("first_actions", limit=LIMITS["actions"])]
    action_ids = sorted(set(first_actions)
                        | {r["action_id"] for rows in targeting.values() for r in rows})
    actions = db.rows("actions", ids=action_ids)
    targets = grouped(db.rows("action_targets", ids=action_ids, limit=LIMITS["targets"]),
                      "action_id")
    action_evidence = grouped(db.rows("action_evidence", ids=action_ids,
                                      limit=LIMITS["action_evidence"]), "action_id")
    for action in actions:
        action["targets"] = targets.get(action["action_id"], [])
        action["evidence"] = action_evidence.get(action["action_id"], [])

    entities = {row["entity_id"]: row for row in db.rows("entities", ids=entity_ids)}
    aliases = grouped(db.rows("aliases", ids=entity_ids, limit=LIMITS["aliases"]), "entity_id")
    entries = (grouped(db.rows("list_entries", ids=entity_ids, limit=LIMITS["list_entries"]),
                       "entity_id") if "list_entries" in present else {})
    identifiers = (grouped(db.rows("entity_identifiers", ids=entity_ids,
                                   limit=LIMITS["identifiers"]), "entity_id")
                   if "entity_identifiers" in present else {})
    roles = {}
    for row in about_by:
        roles.setdefault((row["entity_id"], row["role"]), []).append(row["claim_id"])
    entity_rows = []
    for rank in ranked:
        entity_id = rank["entity_id"]
        entity_rows.append({**entities[entity_id], **rank,
                            "aliases": aliases.get(entity_id, []),
                            "about": roles.get((entity_id, "about"), []),
                            "by": roles.get((entity_id, "by"), []),
                            "actions": [r["action_id"] for r in targeting.get(entity_id, [])],
                            "list_entries": entries.get(entity_id, []),
                            "identifiers": identifiers.get(entity_id, [])})

    sources = db.rows("sources", limit=LIMITS["sources"])
    source_ids = [row["source_id"] for row in sources]
    quoting_rows = db.rows("quoting_count")[0]["n"]
    per_kind = (LIMITS["source_rows"] if quoting_rows <= LIMITS["source_rows"]
                else LIMITS["source_rows_each"])
    quoting = db.rows("source_rows", ids=source_ids, limit=per_kind)
    if "list_entries" in present:
        quoting += db.rows("source_list_rows", ids=source_ids, limit=per_kind)
    quoting = grouped(quoting, "source_id")
    for source in sources:
        source["rows"] = quoting.get(source["source_id"], [])

    disagreements, disputed = [], {"rows": 0, "claims": 0}
    if "disagreements" in present:
        disagreements = db.rows("disagreements", limit=LIMITS["disagreements"])
        disputed = db.rows("disagreement_count")[0]

    options = grouped(db.rows("claim_options", limit=LIMITS["options"])
                      + db.rows("action_options", limit=LIMITS["options"]), "kind")
    referenced = set(entity_ids)
    for claim in claims:
        referenced.update(claim.get(k) for k in ("subject_entity_id", "object_entity_id",
                                                 "asserted_by_entity_id"))
    for action in actions:
        referenced.update(action.get(k) for k in ("authority_entity_id",
                                                  "announced_by_entity_id",
                                                  "issued_by_entity_id"))
        referenced.update(t.get("target_entity_id") for t in action["targets"])
    for source in sources:
        referenced.update(source.get(k) for k in ("publisher_entity_id",
                                                  "wire_service_entity_id",
                                                  "republished_by_entity_id"))
        referenced.update(r["parent_id"] for r in source["rows"]
                          if r["kind"] in ("entity-alias", "entity-country", "list-entry"))
    referenced.update(e.get("parent_entity_id") for e in entities.values())
    referenced.update(row["id"] for row in options.get("party", []) + options.get("authority", []))
    referenced.discard(None)
    names = {row["entity_id"]: row["name"]
             for row in db.rows("names", ids=sorted(referenced))}

    return {
        "counts": {**counts, "disagreement_rows": disputed["rows"],
                   "disputed_claims": disputed["claims"]},
        "limits": LIMITS, "has_list_entries": "list_entries" in present,
        "has_identifiers": "entity_identifiers" in present,
        "claims": claims, "first_claims": first, "links": links,
        "entities": entity_rows, "actions": actions, "sources": sources,
        "disagreements": disagreements, "names": names,
        "options": {kind: [[r["id"], r["n"]] for r in rows] for kind, rows in options.items()},
        "charts": {
            "category": db.rows("stance_by_category"),
            "uncategorised": db.rows("uncategorised")[0]["n"],
            "suppliers": (db.rows("suppliers", limit=LIMITS["parties"])
                          if "claims_by_supplier" in present else []),
            "party": db.rows("stance_by_party", limit=LIMITS["parties"]),
            "months": db.rows("actions_by_period"),
        },
    }


# ------------------------------------------------------------------ charts (inline SVG)

def patterns(series) -> str:
    """SVG pattern definitions: the fill colour with hatching or dots on it."""
    defs = []
    for key, _, fill, pattern in series:
        if pattern == "hatch":
            mark = '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#333" stroke-width="1"/>'
        elif pattern == "lines":
            mark = '<path d="M0,3 h6" stroke="#333" stroke-width="1"/>'
        elif pattern == "dots":
            mark = '<circle cx="3" cy="3" r="1.1" fill="#333"/>'
        else:
            continue
        defs.append(f'<pattern id="p-{key}" width="6" height="6" patternUnits="userSpaceOnUse">'
                    f'<rect width="6" height="6" fill="{fill}"/>{mark}</pattern>')
    return f"<defs>{''.join(defs)}</defs>"


def paint(key: str, fill: str, pattern: str | None) -> str:
    return f"url(#p-{key})" if pattern else fill


def legend(series, width: int) -> tuple[str, int]:
    """The legend, wrapped to the chart's width, and its height."""
    parts, x, y = [], 0, 0
    for key, label, fill, pattern in series:
        size = 30 + 7 * len(label)
        if x and x + size > width:
            x, y = 0, y + 20
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" '
                     f'fill="{paint(key, fill, pattern)}" stroke="#333" stroke-width="0.6"/>'
                     f'<text x="{x + 19}" y="{y + 11}">{escape(label)}</text>')
        x += size
    return "".join(parts), y + 28


def stacked_bars(title: str, rows: list[tuple[str, dict[str, int]]], series, unit: str) -> str:
    """Horizontal bars, one per row, stacked by series, with the total at the end of each and
    each part's count on hover (an SVG title)."""
    width, label_width, bar_height, gap = 640, 230, 18, 6
    key, top = legend(series, width)
    largest = max((sum(parts.values()) for _, parts in rows), default=0) or 1
    scale = (width - label_width - 50) / largest
    height = top + len(rows) * (bar_height + gap) + 4
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
           patterns(series), key]
    for index, (label, parts) in enumerate(rows):
        y = top + index * (bar_height + gap)
        shown = label if len(label) <= 32 else label[:31] + "…"
        out.append(f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">'
                   f'<title>{escape(label)}</title>{escape(shown)}</text>')
        x = label_width
        for key, name, fill, pattern in series:
            n = parts.get(key, 0)
            if n:
                w = max(n * scale, 1)
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                           f'fill="{paint(key, fill, pattern)}" stroke="#333" stroke-width="0.6">'
                           f'<title>{escape(label)}: {n} {unit} {escape(name)}</title></rect>')
                x += w
        total = sum(parts.values())
        out.append(f'<text x="{x + 5:.1f}" y="{y + 13}">{total}</text>')
    out.append("</svg>")
    return "".join(out)


def stance_rows(rows: list[dict]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["label"], {})[row["stance"]] = row["n"]
    return table


def charts(content: dict) -> list[dict]:
    if "charts" not in content:
        return []
    data, counts = content["charts"], content["counts"]
    by_category = stance_rows(data["category"])
    # most asserted first, then most claims
    order = sorted(by_category.items(), key=lambda item: (
        -item[1].get("asserts", 0), -sum(item[1].values()), item[0]))
    suppliers = [(row["label"], {key: row.get(key, 0) for key, *_ in SUPPLY})
                 for row in data["suppliers"]]
    by_party = list(stance_rows(data["party"]).items())  # already by claims, most first
    months: dict[str, dict[str, int]] = {}
    for row in data["months"]:
        months.setdefault(row["month"], {})[row["status"]] = row["n"]
    period = "month"
    if len(months) > 24:  # a bar per year instead, so that the chart stays short
        period, years = "year", {}
        for month, parts in months.items():
            year = years.setdefault(month[:4], {})
            for key, n in parts.items():
                year[key] = year.get(key, 0) + n
        months = years
    dated = counts["actions"] - counts["undated_actions"]
    found = [
        {"id": "chart-claims-by-category", "title": "What the claims say, by item category",
         "svg": stacked_bars("What the claims say, by item category", order, SAYS, "claims"),
         "note": "Each bar splits a category's claims by what they say: asserted, asserted only "
                 "as considering, stopping or refraining, denied, or no evidence found. Any "
                 "party may be the supplier: see who supplies whom below, or read the claims. "
                 f"{data['uncategorised']} claims name no item category (meetings, visits, "
                 "descriptions) and are not counted here."},
    ]
    if suppliers:
        found.append({"id": "chart-suppliers", "title": "Who is said to supply whom",
                      "svg": stacked_bars("Who is said to supply whom", suppliers, SUPPLY,
                                          "claims"),
                      "note": f"The {len(suppliers)} supplier and recipient pairs with the most "
                              "claims of supplying, producing with, or considering, stopping or "
                              "refraining from supplying."})
    found.append({"id": "chart-stance-by-party", "title": "Who makes the claims, by stance",
                  "svg": stacked_bars("Who makes the claims, by stance", by_party, STANCES,
                                      "claims"),
                  "note": f"The {len(by_party)} asserting parties with the most claims."})
    title = f"Dated actions per {period}, by status"
    found.append({"id": "chart-actions-by-date", "title": title,
                  "svg": stacked_bars(title, list(months.items()),
                                      STATUSES, "actions"),
                  "note": f"{dated} dated actions; {counts['undated_actions']} of "
                          f"{counts['actions']} actions have no known date and are listed "
                          "under Actions."})
    return found


# ------------------------------------------------------------------ the page

def embedded_json(data) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` appears literally, so no
    text in the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render(package, content: dict, result) -> str:
    environment = Environment(autoescape=select_autoescape(default=True))
    templates = files("cnru.outputs") / "templates"
    template = environment.from_string((templates / "index.html").read_text(encoding="utf-8"))
    descriptor = package.descriptor
    data = dict(content)
    data["package"] = {"name": package.name, "title": descriptor.get("title", ""),
                       "version": package.version}
    summaries = [(name, SUMMARIES[name], rows) for name, rows in content["summaries"].items()]
    return template.render(
        package=descriptor, rows=result.rows, summaries=summaries, charts=charts(content),
        data=embedded_json(data),
        jsonld=embedded_json(croissant.dataset_jsonld(package, croissant.built_files(package))),
        script=(templates / "explorer.js").read_text(encoding="utf-8"),
        style=(templates / "explorer.css").read_text(encoding="utf-8"))
