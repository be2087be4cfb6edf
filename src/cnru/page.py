"""The summary page: headline figures, the summary tables and two charts, as one static HTML
file that reads offline (charts are inline SVG drawn with matplotlib, no scripts)."""

from __future__ import annotations

import io
from importlib.resources import files

import duckdb
from jinja2 import Environment, select_autoescape

PAGE_ROWS = 30  # rows of each table shown on the page; the summaries hold them all
TABLES = {
    "claims_by_category": "Claims by item category",
    "sanctions_timeline": "Sanctions and countermeasures",
    "claims_by_supplier": "Who is said to supply whom",
    "claims_by_asserting_party": "Who makes the claims",
    "disagreements": "Where sources disagree",
    "source_coverage": "What each source supports",
}


def collect(con: duckdb.DuckDBPyConnection, database: str) -> dict:
    """The summary tables as {name: {"columns": [...], "rows": [...]}}; a package without the
    model's scripts has none."""
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $1", [database]).fetchall()}
    content = {}
    for name in TABLES:
        if name in present:
            total = con.execute(f'SELECT count(*) FROM {database}."{name}"').fetchone()[0]
            result = con.execute(f'SELECT * FROM {database}."{name}" LIMIT {PAGE_ROWS}')
            content[name] = {"columns": [d[0] for d in result.description],
                             "rows": result.fetchall(), "total": total}
    return content


def svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "cnru", "svg.fonttype": "none",
                                "font.family": "sans-serif", "font.size": 9})
    import matplotlib.pyplot as plt

    return plt


def category_chart(table: dict) -> str:
    plt = pyplot()
    rows = list(reversed(table["rows"]))
    figure, axes = plt.subplots(figsize=(7, 0.28 * len(rows) + 0.8))
    axes.barh([r[0] for r in rows], [r[1] for r in rows], color="#4c72b0")
    axes.set_xlabel("claims")
    axes.spines[["top", "right"]].set_visible(False)
    chart = svg(figure)
    plt.close(figure)
    return chart


def timeline_chart(table: dict) -> str:
    plt = pyplot()
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    columns = table["columns"]
    rows = [dict(zip(columns, row, strict=True)) for row in table["rows"]]
    dated = [r for r in rows if r["action_date"] is not None]
    authorities = sorted({r["authority_name"] for r in dated})
    figure, axes = plt.subplots(figsize=(7, 1.0 + 0.35 * max(len(authorities), 1)))
    colours = {"imposed": "#c44e52", "authorised": "#dd8452", "threatened": "#8172b3"}
    for status, colour in colours.items():
        points = [r for r in dated if r["status"] == status]
        if points:
            axes.scatter([r["action_date"] for r in points], [r["authority_name"] for r in points],
                         color=colour, label=status, s=60, zorder=3)
    for r in dated:
        axes.annotate(r["action_id"], (r["action_date"], r["authority_name"]),
                      textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.margins(x=0.15, y=0.4)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    axes.grid(axis="x", color="#dddddd")
    axes.spines[["top", "right"]].set_visible(False)
    chart = svg(figure)
    plt.close(figure)
    return chart


def cell(value) -> str:
    return "" if value is None else str(value)


def render(package, content: dict, result) -> str:
    environment = Environment(autoescape=select_autoescape(default=True))
    environment.filters["cell"] = cell
    template = environment.from_string(
        (files("cnru") / "templates" / "index.html").read_text(encoding="utf-8"))
    charts = []
    if "sanctions_timeline" in content:
        timeline = content["sanctions_timeline"]
        undated = sum(1 for row in timeline["rows"] if row[0] is None)
        charts.append(("chart-sanctions-timeline", "Sanctions timeline (dated actions)",
                       timeline_chart(timeline),
                       f"{undated} action(s) without a known date are listed in the table below."))
    if "claims_by_category" in content:
        charts.append(("chart-claims-by-category", "Claims by item category",
                       category_chart(content["claims_by_category"]), ""))
    titles = {name: title for name, title in TABLES.items() if name in content}
    return template.render(package=package.descriptor, rows=result.rows, tables=content,
                           titles=titles, charts=charts)
