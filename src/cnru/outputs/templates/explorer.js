// The explorer: renders the views from the JSON embedded in the page. Reads nothing else, writes
// text only through textContent (no markup from the data), and asks no host for anything.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("cnru-data").textContent);
  const $ = (id) => document.getElementById(id);
  const PAGE = 50;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === "") continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  const sq = (text) => "'" + String(text).replace(/'/g, "''") + "'";
  const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");
  const names = D.names || {};
  const nameOf = (id) => names[id] || id;

  const claims = D.claims || [];
  const entities = D.entities || [];
  const actions = D.actions || [];
  const sources = D.sources || [];
  const counts = D.counts || {};
  const claimIndex = new Map(claims.map((c) => [c.claim_id, c]));
  const entityIndex = new Map(entities.map((e) => [e.entity_id, e]));
  const actionIndex = new Map(actions.map((a) => [a.action_id, a]));
  const sourceIndex = new Map(sources.map((s) => [s.source_id, s]));

  const LABELS = {
    archive_sha256: "SHA-256 of the archived text", archive_file: "Archived file",
    url: "URL as the text states it", source_kind: "Kind of source", entity_id: "Identifier",
    entity_type: "Type", parent_entity_id: "Part of", country_source_id: "Country per source",
    country_quote: "Country as quoted", target_count_total: "Targets in all",
    claim_id: "Claim", action_id: "Action", source_id: "Source", evidence_id: "Evidence row",
    entry_id: "List entry", is_forecast: "Forecast", language: "Language",
  };
  function human(field) {
    if (LABELS[field]) return LABELS[field];
    const text = field.replace(/_entity_id$/, "").replace(/_as_stated$/, " (as stated)")
      .replace(/_as_listed$/, " (as listed)").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  const words = (value) => String(value).replace(/-/g, " ");

  function entityLink(id) {
    if (!id) return "";
    return el("a", { href: "#entity/" + encodeURIComponent(id) }, nameOf(id));
  }
  function sourceLink(id) {
    const source = sourceIndex.get(id);
    const label = source && source.title ? source.title + " (" + id + ")" : id;
    return el("a", { href: "#source/" + encodeURIComponent(id) }, label);
  }
  function link(kind, id) {
    return el("a", { href: "#" + kind + "/" + encodeURIComponent(id) }, id);
  }
  function value(field, v) {
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (field === "entity_id") return el("code", {}, v);
    if (/entity_id$/.test(field)) return entityLink(v);
    if (field === "source_id" || /_source_id$/.test(field)) return sourceLink(v);
    if (field === "action_id") return link("action", v);
    if (field === "claim_id" || field === "related_claim_id") return link("claim", v);
    return String(v);
  }
  function facts(row, fields) {
    const list = el("dl", { class: "facts" });
    for (const field of fields) {
      const v = row[field];
      if (v === undefined || v === null || v === "" || typeof v === "object") continue;
      list.append(el("dt", {}, human(field)), el("dd", {}, value(field, v)));
    }
    return list.children.length ? list : "";
  }
  const rest = (row, known) => Object.keys(row).filter((k) => !known.has(k) && k !== "total").sort();
  function more(shown, total, what, sql) {
    if (total <= shown) return "";
    return el("div", { class: "note" },
      "The first " + shown + " of " + total + " " + what + ". All of them: ",
      el("code", {}, sql));
  }

  // ------------------------------------------------------------ claims
  function period(c) {
    if (!c.period_start && !c.period_end) return "";
    const span = c.period_end && c.period_end !== c.period_start
      ? c.period_start + " to " + c.period_end : c.period_start || c.period_end;
    return span + (c.period_precision ? " (" + c.period_precision + ")" : "");
  }
  function quantity(c) {
    if (c.quantity_value === undefined) return "";
    return [c.quantity_qualifier ? words(c.quantity_qualifier) : "", c.quantity_value,
      c.quantity_unit || ""].filter((x) => x !== "").join(" ");
  }
  function sentence(c) {
    return [entityLink(c.subject_entity_id), " " + words(c.predicate),
      c.object_entity_id ? [" ", entityLink(c.object_entity_id)] : "",
      c.item_as_stated ? ": " + c.item_as_stated : ""];
  }
  function badge(kind) { return el("span", { class: "badge " + kind }, words(kind)); }
  function figure(e) {
    if (!e.figure_as_stated) return "";
    const parts = [e.figure_qualifier ? words(e.figure_qualifier) : "", e.figure_value,
      e.figure_unit || ""].filter((x) => x !== undefined && x !== "").join(" ");
    return el("div", {}, el("strong", {}, "Figure as stated: "), "“" + e.figure_as_stated + "”",
      parts ? " (" + parts + ")" : "",
      e.figure_min !== undefined || e.figure_max !== undefined
        ? " range " + (e.figure_min ?? "…") + " to " + (e.figure_max ?? "…") : "");
  }
  function quote(e, extra) {
    return el("blockquote", {}, el("div", {}, "“" + e.quote + "”"),
      el("footer", {}, e.attribution_as_stated ? "Attribution as stated: “" + e.attribution_as_stated + "”. " : "",
        "Source: ", sourceLink(e.source_id),
        e.quote_location ? " (" + e.quote_location + ")" : "", ". ", extra || "",
        e.notes ? " Note: " + e.notes : ""), figure(e));
  }
  const CLAIM_SHOWN = new Set(["claim_id", "subject_entity_id", "predicate", "object_entity_id",
    "item_as_stated", "stance", "asserted_by_entity_id", "hedge_as_stated", "period_start",
    "period_end", "period_precision", "quantity_value", "quantity_unit", "quantity_qualifier",
    "evidence", "notes"]);
  function linksOf(c) {
    const rows = (D.links || []).filter((l) => l.claim_id === c.claim_id || l.related_claim_id === c.claim_id);
    if (!rows.length) return "";
    return el("ul", {}, rows.map((l) => el("li", {}, words(l.link_type), ": ",
      l.claim_id === c.claim_id ? "" : [link("claim", l.claim_id), " → "],
      l.related_claim_id ? (l.related_claim_id === c.claim_id ? "this claim" : link("claim", l.related_claim_id)) : "",
      l.action_id ? link("action", l.action_id) : "", l.notes ? " (" + l.notes + ")" : "")));
  }
  function claimCard(c) {
    const evidence = c.evidence || [];
    const total = evidence.length ? evidence[0].total || evidence.length : 0;
    return el("li", { "data-claim": c.claim_id },
      el("p", { class: "sentence" }, badge(c.stance), sentence(c)),
      el("dl", { class: "facts" },
        el("dt", {}, "Asserted by"), el("dd", {}, entityLink(c.asserted_by_entity_id), " (", words(c.stance), ")"),
        c.hedge_as_stated ? [el("dt", {}, "Hedge as stated"), el("dd", {}, "“" + c.hedge_as_stated + "”")] : "",
        period(c) ? [el("dt", {}, "Period"), el("dd", {}, period(c))] : "",
        quantity(c) ? [el("dt", {}, "Quantity"), el("dd", {}, quantity(c))] : "",
        el("dt", {}, "Claim"), el("dd", {}, link("claim", c.claim_id))),
      facts(c, rest(c, CLAIM_SHOWN)),
      evidence.map((e) => quote(e)),
      more(evidence.length, total, "quotes",
        "SELECT * FROM evidence_detailed WHERE claim_id = " + sq(c.claim_id)),
      linksOf(c),
      c.notes ? el("p", { class: "note" }, "Note: " + c.notes) : "");
  }

  const claimText = new Map(claims.map((c) => [c.claim_id, [nameOf(c.subject_entity_id),
    c.predicate, words(c.predicate), nameOf(c.object_entity_id || ""), c.item_as_stated,
    c.hedge_as_stated, nameOf(c.asserted_by_entity_id), c.claim_id,
    ...(c.evidence || []).map((e) => [e.quote, e.attribution_as_stated].join(" "))]
    .join(" ").toLowerCase()]));

  function fill(select, options, all) {
    select.replaceChildren(el("option", { value: "" }, all),
      ...options.map(([v, label]) => el("option", { value: v }, label)));
  }
  function claimFilters() {
    const categories = new Map();
    for (const row of (D.charts && D.charts.category) || []) {
      if (row.label) categories.set(row.label, (categories.get(row.label) || 0) + row.n);
    }
    fill($("claim-category"), [...categories].sort().map(([k, n]) => [k, words(k) + " (" + n + ")"]), "Any category");
    fill($("claim-stance"), ["asserts", "denies", "finds-no-evidence"].map((s) => [s, words(s)]), "Any stance");
    const options = D.options || {};
    fill($("claim-party"), (options.party || []).map(([id, n]) => [id, nameOf(id) + " (" + n + ")"]), "Anyone");
    fill($("claim-source"), (options.source || []).map(([id, n]) => [id, id + " (" + n + ")"]), "Any source");
    const years = [];
    for (const c of claims) {
      for (const d of [c.period_start, c.period_end]) if (d) years.push(Number(d.slice(0, 4)));
    }
    const periods = [];
    if (years.length) {
      const low = Math.max(Math.min(...years), Math.max(...years) - 60);
      for (let y = Math.max(...years); y >= low; y--) periods.push([String(y), "covers " + y]);
    }
    fill($("claim-period"), periods, "Any period");
  }
  let claimShown = PAGE;
  function claimMatches() {
    const q = $("claim-search").value.trim().toLowerCase();
    const category = $("claim-category").value, stance = $("claim-stance").value;
    const party = $("claim-party").value, source = $("claim-source").value;
    const year = $("claim-period").value;
    const where = [];
    if (category) where.push("item_category = " + sq(category));
    if (stance) where.push("stance = " + sq(stance));
    if (party) where.push("asserted_by_entity_id = " + sq(party));
    if (source) where.push("list_contains(source_ids, " + sq(source) + ")");
    if (year) where.push("period_start <= DATE " + sq(year + "-12-31") +
      " AND coalesce(period_end, period_start) >= DATE " + sq(year + "-01-01"));
    if (q) {
      const like = sq("%" + q.replace(/[\\%_]/g, (m) => "\\" + m) + "%") + " ESCAPE '\\'";
      where.push("(concat_ws(' ', subject_name, predicate, replace(predicate, '-', ' '), object_name, " +
        "item_as_stated, hedge_as_stated, asserted_by_name, claim_id) ILIKE " + like +
        " OR claim_id IN (SELECT claim_id FROM evidence_detailed WHERE concat_ws(' ', quote, " +
        "attribution_as_stated) ILIKE " + like + "))");
    }
    $("claim-sql").textContent = "SELECT * FROM claims_detailed" +
      (where.length ? "\nWHERE " + where.join("\n  AND ") : "") + "\nORDER BY claim_id;";
    return claims.filter((c) => {
      if (category && c.item_category !== category) return false;
      if (stance && c.stance !== stance) return false;
      if (party && c.asserted_by_entity_id !== party) return false;
      if (source && !(c.evidence || []).some((e) => e.source_id === source)) return false;
      if (year) {
        const start = c.period_start || c.period_end, end = c.period_end || c.period_start;
        if (!start || start > year + "-12-31" || end < year + "-01-01") return false;
      }
      return !q || claimText.get(c.claim_id).includes(q);
    });
  }
  function renderClaims() {
    const matches = claimMatches();
    const total = counts.claims || 0;
    const scope = claims.length < total
      ? " among the " + claims.length + " claims on this page (the first " + (D.first_claims || []).length +
        " by identifier and those shown for each entity) of " + total + " in all; the SQL below finds every match"
      : " of " + total + " claims";
    $("claim-status").textContent = plural(matches.length, "claim") + " match" + scope + "." +
      (matches.length > claimShown ? " Showing the first " + claimShown + "." : "");
    $("claim-list").replaceChildren(...matches.slice(0, claimShown).map(claimCard));
    $("claim-more").hidden = matches.length <= claimShown;
  }

  // ------------------------------------------------------------ entities
  const ENTITY_SHOWN = new Set(["entity_id", "name", "aliases", "about", "by", "actions",
    "list_entries", "identifiers", "claims_about", "claims_by", "actions_targeting"]);
  function entityLine(e) {
    return el("li", { "data-entity": e.entity_id }, entityLink(e.entity_id), " ",
      el("span", { class: "note" }, [words(e.entity_type || ""), e.country || ""].filter(Boolean).join(", ") +
        " · " + e.claims_about + " about, " + e.claims_by + " by" +
        (e.actions_targeting ? ", " + plural(e.actions_targeting, "action") : "")));
  }
  function renderEntities() {
    const q = $("entity-search").value.trim().toLowerCase();
    const matches = entities.filter((e) => !q || [e.entity_id, e.name, ...(e.aliases || []).map((a) => a.surface_form)]
      .join(" ").toLowerCase().includes(q));
    const total = counts.entities || 0;
    $("entity-status").textContent = plural(matches.length, "entity") .replace("entitys", "entities") +
      (entities.length < total ? " among the " + entities.length + " with the most claims and actions, of " + total +
        " in all (every one: SELECT * FROM entities)." : " of " + total + ".");
    $("entity-list").replaceChildren(...matches.map(entityLine));
  }
  function section(title, n, ...body) {
    return el("section", {}, el("h3", {}, title + (n === undefined ? "" : " (" + n + ")")), ...body);
  }
  function claimList(ids, total, sql) {
    const shown = ids.map((id) => claimIndex.get(id)).filter(Boolean);
    if (!total) return el("p", { class: "note" }, "None.");
    return [el("ol", { class: "cards" }, shown.map(claimCard)), more(shown.length, total, "claims", sql)];
  }
  function renderEntity(id) {
    const view = $("view-entity");
    const e = entityIndex.get(id);
    if (!e) {
      view.replaceChildren(el("h2", {}, nameOf(id)), el("p", {}, "This entity is not among the " + entities.length +
        " shown on this page. Query it: ", el("code", {}, "SELECT * FROM entities WHERE entity_id = " + sq(id))));
      return;
    }
    const aliases = e.aliases || [];
    const entries = e.list_entries || [];
    const identifiers = e.identifiers || [];
    const actionRows = (e.actions || []).map((a) => actionIndex.get(a)).filter(Boolean);
    view.replaceChildren(
      el("h2", {}, e.name),
      facts(e, ["entity_id", "entity_type", "country", "country_basis", "country_source_id", "country_quote",
        "parent_entity_id", ...rest(e, new Set([...ENTITY_SHOWN, "entity_type", "country", "country_basis",
          "country_source_id", "country_quote", "parent_entity_id"]))]),
      section("Aliases", aliases.length ? aliases[0].total : 0,
        aliases.length ? el("ul", {}, aliases.map((a) => el("li", {}, "“" + a.surface_form + "” in ", sourceLink(a.source_id),
          a.notes ? " (" + a.notes + ")" : ""))) : el("p", { class: "note" }, "None."),
        more(aliases.length, aliases.length ? aliases[0].total : 0, "aliases",
          "SELECT * FROM entity_aliases WHERE entity_id = " + sq(id))),
      D.has_identifiers ? section("Identifiers", identifiers.length ? identifiers[0].total : 0,
        identifiers.length ? el("ul", {}, identifiers.map((x) => el("li", {}, x.scheme + " " + x.identifier + ": “" +
          x.quote + "” in ", sourceLink(x.source_id), x.notes ? " (" + x.notes + ")" : "")))
          : el("p", { class: "note" }, "None: no archived text states one."),
        more(identifiers.length, identifiers.length ? identifiers[0].total : 0, "identifiers",
          "SELECT * FROM entity_identifiers WHERE entity_id = " + sq(id))) : "",
      section("Claims about " + e.name, e.claims_about, claimList(e.about || [], e.claims_about,
        "SELECT * FROM claims_detailed WHERE " + sq(id) + " IN (subject_entity_id, object_entity_id)")),
      section("Claims by " + e.name, e.claims_by, claimList(e.by || [], e.claims_by,
        "SELECT * FROM claims_detailed WHERE asserted_by_entity_id = " + sq(id))),
      section("Actions that target " + e.name, e.actions_targeting,
        e.actions_targeting ? el("ul", { class: "cards" }, actionRows.map(actionCard)) : el("p", { class: "note" }, "None."),
        more(actionRows.length, e.actions_targeting, "actions",
          "SELECT DISTINCT action_id FROM action_targets WHERE target_entity_id = " + sq(id))),
      "list_entries" in e && D.has_list_entries ? section("Official list entries", entries.length ? entries[0].total : 0,
        entries.length ? el("ul", { class: "cards" }, entries.map((x) => el("li", {},
          facts(x, ["entry_id", ...rest(x, new Set(["entry_id"]))])))) : el("p", { class: "note" }, "None."),
        more(entries.length, entries.length ? entries[0].total : 0, "entries",
          "SELECT * FROM list_entries WHERE entity_id = " + sq(id))) : "");
  }

  // ------------------------------------------------------------ actions
  const ACTION_SHOWN = new Set(["action_id", "action_date", "action_date_precision", "authority_entity_id",
    "status", "action_type", "targets", "evidence", "notes"]);
  function when(a) {
    if (!a.action_date) return "date unknown";
    const precision = a.action_date_precision;
    const date = precision === "month" ? a.action_date.slice(0, 7) : precision === "year" ? a.action_date.slice(0, 4) : a.action_date;
    return date + (precision && precision !== "day" ? " (" + precision + ")" : "");
  }
  function actionCard(a) {
    const targets = a.targets || [], evidence = a.evidence || [];
    const targetTotal = targets.length ? targets[0].total : 0;
    const evidenceTotal = evidence.length ? evidence[0].total : 0;
    return el("li", { "data-action": a.action_id },
      el("p", { class: "sentence" }, el("time", {}, when(a)), " · ", badge(a.status), entityLink(a.authority_entity_id),
        ": ", words(a.action_type), " (", link("action", a.action_id), ")"),
      facts(a, rest(a, ACTION_SHOWN)),
      targets.length ? el("div", {}, el("strong", {}, "Targets: "), el("ul", {}, targets.map((t) => el("li", {},
        t.target_entity_id ? entityLink(t.target_entity_id) : "", t.target_country ? " " + t.target_country : "",
        t.target_count !== undefined ? ": " + t.target_count + (t.target_count_basis ? " (" + t.target_count_basis + ")" : "") : "",
        t.notes ? " (" + t.notes + ")" : "")))) : "",
      more(targets.length, targetTotal, "targets", "SELECT * FROM action_targets WHERE action_id = " + sq(a.action_id)),
      evidence.map((e) => quote(e)),
      more(evidence.length, evidenceTotal, "quotes", "SELECT * FROM action_evidence WHERE action_id = " + sq(a.action_id)),
      a.notes ? el("p", { class: "note" }, "Note: " + a.notes) : "");
  }
  function actionFilters() {
    const options = D.options || {};
    fill($("action-authority"), (options.authority || []).map(([id, n]) => [id, nameOf(id) + " (" + n + ")"]), "Any authority");
    fill($("action-type"), (options.type || []).map(([id, n]) => [id, words(id) + " (" + n + ")"]), "Any type");
  }
  function renderActions() {
    const authority = $("action-authority").value, type = $("action-type").value;
    const matches = actions.filter((a) => (!authority || a.authority_entity_id === authority) && (!type || a.action_type === type));
    const dated = matches.filter((a) => a.action_date), undated = matches.filter((a) => !a.action_date);
    const total = counts.actions || 0, undatedTotal = counts.undated_actions || 0;
    const filtered = authority || type;
    $("action-status").textContent = (filtered ? plural(dated.length, "dated action") + " and " + undated.length +
      " undated match" + (actions.length < total ? " among the " + actions.length + " on this page" : "") + ". " : "") +
      "In all: " + plural(total, "action") + ", " + (total - undatedTotal) + " dated and " + undatedTotal +
      " without a known date" + (actions.length < total ? "; this page lists the first of each in date order" : "") + ".";
    $("action-dated").replaceChildren(...dated.map(actionCard));
    $("action-undated-heading").textContent = "Actions without a known date (" + undatedTotal + " in all)";
    $("action-undated").replaceChildren(...undated.map(actionCard));
    const where = [];
    if (authority) where.push("authority_entity_id = " + sq(authority));
    if (type) where.push("action_type = " + sq(type));
    $("action-sql").textContent = "SELECT * FROM actions_detailed" + (where.length ? "\nWHERE " + where.join("\n  AND ") : "") +
      "\nORDER BY action_date NULLS LAST, action_id;";
  }

  // ------------------------------------------------------------ sources
  const KINDS = { "claim-evidence": "Claim evidence", "action-evidence": "Action evidence", "entity-alias": "Aliases",
    "entity-country": "Entity countries", "list-entry": "Official list entries" };
  const KIND_SQL = { "claim-evidence": "SELECT * FROM evidence_detailed WHERE source_id = ",
    "action-evidence": "SELECT * FROM action_evidence WHERE source_id = ",
    "entity-alias": "SELECT * FROM entity_aliases WHERE source_id = ",
    "entity-country": "SELECT * FROM entities WHERE country_source_id = ",
    "list-entry": "SELECT * FROM list_entries WHERE source_id = " };
  const SOURCE_SHOWN = new Set(["source_id", "title", "rows"]);
  function sourceFacts(s) { return facts(s, rest(s, SOURCE_SHOWN)); }
  function sourceCounts(s) {
    const byKind = new Map();
    for (const r of s.rows || []) byKind.set(r.kind, r.total);
    return [...byKind].map(([k, n]) => KINDS[k].toLowerCase() + ": " + n).join(", ");
  }
  function renderSources() {
    const total = counts.sources || 0;
    $("source-status").textContent = plural(total, "archived text") + (sources.length < total
      ? "; the first " + sources.length + " by identifier are listed (all: SELECT * FROM sources)." : ".");
    $("source-list").replaceChildren(...sources.map((s) => el("li", { "data-source": s.source_id },
      el("p", { class: "sentence" }, sourceLink(s.source_id)), sourceFacts(s),
      el("p", { class: "note" }, "Rows that quote it: " + (sourceCounts(s) || "none") + ". ",
        el("a", { href: "#source/" + encodeURIComponent(s.source_id) }, "See them")))));
  }
  function sourceRow(r) {
    if (r.kind === "claim-evidence") {
      const c = claimIndex.get(r.parent_id);
      return el("li", {}, el("blockquote", {}, "“" + r.quote + "”",
        el("footer", {}, r.row_id + ", claim ", link("claim", r.parent_id), c ? [": ", sentence(c)] : "")));
    }
    if (r.kind === "action-evidence") {
      return el("li", {}, el("blockquote", {}, "“" + r.quote + "”", el("footer", {}, r.row_id + ", action ", link("action", r.parent_id))));
    }
    return el("li", {}, "“" + r.quote + "” for ", entityLink(r.parent_id), r.kind === "list-entry" ? " (" + r.row_id + ")" : "");
  }
  function renderSource(id) {
    const view = $("view-source");
    const s = sourceIndex.get(id);
    if (!s) {
      view.replaceChildren(el("h2", {}, id), el("p", {}, "This source is not among the " + sources.length +
        " shown on this page. Query it: ", el("code", {}, "SELECT * FROM sources WHERE source_id = " + sq(id))));
      return;
    }
    const groups = new Map();
    for (const r of s.rows || []) {
      if (!groups.has(r.kind)) groups.set(r.kind, []);
      groups.get(r.kind).push(r);
    }
    view.replaceChildren(el("h2", {}, s.title || id), el("p", { class: "note" }, "Source " + id), sourceFacts(s),
      ...[...groups].map(([kind, rows]) => section(KINDS[kind], rows[0].total, el("ul", { class: "cards" }, rows.map(sourceRow)),
        more(rows.length, rows[0].total, "rows", KIND_SQL[kind] + sq(id)))));
  }

  // ------------------------------------------------------------ disagreements
  function renderDisagreements() {
    const rows = D.disagreements || [];
    const byClaim = new Map();
    for (const r of rows) {
      if (!byClaim.has(r.claim_id)) byClaim.set(r.claim_id, []);
      byClaim.get(r.claim_id).push(r);
    }
    const claimsTotal = counts.disputed_claims || 0;
    $("disagreement-status").textContent = plural(claimsTotal, "claim") + " whose sources state different figures" +
      (rows.length < (counts.disagreement_rows || 0) ? "; the first " + rows.length + " of " + counts.disagreement_rows +
        " rows are shown (all: SELECT * FROM disagreements)." : ".");
    $("disagreement-list").replaceChildren(...[...byClaim].map(([claimId, figures]) => {
      const first = figures[0], c = claimIndex.get(claimId);
      const evidence = new Map(((c && c.evidence) || []).map((e) => [e.evidence_id, e]));
      return el("div", { class: "disagreement" },
        el("h3", {}, c ? sentence(c) : [first.subject_name, " ", words(first.predicate), first.object_name ? " " + first.object_name : "",
          first.item_category ? " (" + words(first.item_category) + ")" : ""], " ", el("span", { class: "note" }, "(", link("claim", claimId), ")")),
        el("div", { class: "side-by-side" }, figures.map((f) => {
          const e = evidence.get(f.evidence_id);
          return el("div", {}, el("div", { class: "figure" }, "“" + f.figure_as_stated + "”"),
            el("div", { class: "note" }, [f.figure_qualifier ? words(f.figure_qualifier) : "", f.figure_value, f.figure_unit || ""]
              .filter((x) => x !== undefined && x !== "").join(" ")),
            el("div", {}, f.publisher_name, ": ", sourceLink(f.source_id)),
            e ? el("blockquote", {}, "“" + e.quote + "”") : "");
        })));
    }));
  }

  // ------------------------------------------------------------ routing
  function show(view) {
    for (const node of document.querySelectorAll(".view")) node.hidden = node.id !== "view-" + view;
    const tab = { entity: "entities", source: "sources", claim: "claims", action: "actions" }[view] || view;
    for (const a of document.querySelectorAll("nav a")) {
      if (a.getAttribute("href") === "#" + tab) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }
  function single(kind, id, index, card) {
    const view = $("view-" + (kind === "claim" ? "claims" : "actions"));
    const row = index.get(id);
    show(kind === "claim" ? "claims" : "actions");
    for (const node of view.children) node.hidden = true;
    let detail = $("single");
    if (detail) detail.remove();
    detail = el("div", { id: "single" }, el("p", {}, el("a", { href: "#" + (kind === "claim" ? "claims" : "actions") }, "All " + kind + "s")),
      row ? el("ul", { class: "cards" }, card(row)) : el("p", {}, "This " + kind + " is not among those shown on this page. Query it: ",
        el("code", {}, "SELECT * FROM " + kind + "s_detailed WHERE " + kind + "_id = " + sq(id))));
    view.append(detail);
  }
  function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    const [view, ...rest] = hash.split("/");
    const id = rest.join("/");
    const single_ = $("single");
    if (single_) single_.remove();
    for (const v of ["view-claims", "view-actions"]) for (const node of $(v).children) node.hidden = false;
    $("claim-more").hidden = true;
    if (view === "entity" && id) { renderEntity(id); show("entity"); }
    else if (view === "source" && id) { renderSource(id); show("source"); }
    else if (view === "claim" && id) single("claim", id, claimIndex, claimCard);
    else if (view === "action" && id) single("action", id, actionIndex, actionCard);
    else if (["claims", "entities", "actions", "sources", "disagreements"].includes(view)) {
      show(view);
      if (view === "claims") renderClaims();
    } else show("overview");
    window.scrollTo(0, 0);
  }

  claimFilters();
  actionFilters();
  for (const id of ["claim-search", "claim-category", "claim-stance", "claim-party", "claim-source", "claim-period"]) {
    $(id).addEventListener("input", () => { claimShown = PAGE; renderClaims(); });
  }
  $("claim-more").addEventListener("click", () => { claimShown += PAGE; renderClaims(); });
  $("entity-search").addEventListener("input", renderEntities);
  for (const id of ["action-authority", "action-type"]) $(id).addEventListener("input", renderActions);
  for (const form of document.querySelectorAll("form.filters")) form.addEventListener("submit", (e) => e.preventDefault());
  renderClaims();
  renderEntities();
  renderActions();
  renderSources();
  renderDisagreements();
  window.addEventListener("hashchange", route);
  route();
})();
