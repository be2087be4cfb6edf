"""`build/ftm/entities.ftm.json`: the package as FollowTheMoney entities (the model of
OpenSanctions and Aleph), one JSON object a line, written with the `followthemoney` library.

- each entity: a Company, Person or PublicBody (government bodies, armed forces and countries),
  otherwise an Organization; with its aliases, country, parent and notes, and its external
  identifiers where FollowTheMoney has a property for the scheme (`wikidataId`, `leiCode`; an
  OpenSanctions id or an OFAC entry number stays in `entity_identifiers.csv`);
- each action's named target: a Sanction of that entity, with the authority, instrument
  (`program`), measure (`provisions`), reason, status and date as precise as it is known;
- each source: a Document (its archived file, title, publisher, date);
- each evidence row: a Documentation linking the source's Document to the Sanction or to the
  claim's subject, with the verbatim quote as its `summary`.

followthemoney is an optional dependency (`pip install -e ".[ftm]"`): without it the build
writes no export and says so. Identifiers are the package's own, prefixed `cnru-`, so that the
same input gives the same file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb

FOLDER = "ftm"
FILE = "entities.ftm.json"
PREFIX = "cnru"
SCHEMATA = {"company": "Company", "person": "Person", "government-body": "PublicBody",
            "armed-forces": "PublicBody", "country": "PublicBody"}
IDENTIFIER_PROPERTIES = {"wikidata": "wikidataId", "lei": "leiCode"}
EXTRA = "ftm"  # the optional dependency's name in pyproject.toml


def available() -> bool:
    try:
        import followthemoney  # noqa: F401
    except ImportError:
        return False
    return True


def stream(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple]:
    result = con.execute(sql)
    while batch := result.fetchmany(10_000):
        yield from batch


def partial_date(value, precision) -> str | None:
    """A date as precise as it is known: 2023-09 for a month."""
    if value is None or precision in (None, "unknown"):
        return None
    text = str(value)
    return {"day": text, "month": text[:7], "year": text[:4]}.get(str(precision))


ENTITIES = """
SELECT e.entity_id, e.name, CAST(e.entity_type AS VARCHAR), lower(CAST(e.country AS VARCHAR)),
       e.parent_entity_id, e.notes, a.aliases, i.identifiers
FROM typed.entities AS e
LEFT JOIN (SELECT entity_id, list(surface_form ORDER BY _row) AS aliases
           FROM typed.entity_aliases GROUP BY entity_id) AS a USING (entity_id)
LEFT JOIN (SELECT entity_id, list((CAST(scheme AS VARCHAR), identifier) ORDER BY _row)
                  AS identifiers
           FROM typed.entity_identifiers GROUP BY entity_id) AS i USING (entity_id)
ORDER BY e._row"""
SOURCES = """
SELECT s.source_id, s.archive_file, s.title, s.author, s.url, p.name, s.published_date,
       CAST(s.published_date_precision AS VARCHAR), s.archive_sha256, s.notes
FROM typed.sources AS s LEFT JOIN typed.entities AS p ON p.entity_id = s.publisher_entity_id
ORDER BY s._row"""
SANCTIONS = """
SELECT a.action_id, t.target_no, t.target_entity_id, authority.name, a.instrument_as_stated,
       a.measure_as_stated, a.reason_as_stated, CAST(a.status AS VARCHAR), a.action_date,
       CAST(a.action_date_precision AS VARCHAR), CAST(a.action_type AS VARCHAR), a.notes, t.notes
FROM typed.action_targets AS t
JOIN typed.actions AS a USING (action_id)
LEFT JOIN typed.entities AS authority ON authority.entity_id = a.authority_entity_id
WHERE t.target_entity_id IS NOT NULL  -- a count by country: a Sanction needs its entity
ORDER BY t._row"""
CLAIM_EVIDENCE = """
SELECT ev.evidence_id, ev.source_id, c.subject_entity_id, c.claim_id,
       CAST(c.predicate AS VARCHAR), CAST(c.stance AS VARCHAR), ev.quote, ev.attribution_as_stated
FROM typed.claim_evidence AS ev JOIN typed.claims AS c USING (claim_id)
ORDER BY ev._row"""
ACTION_EVIDENCE = """
SELECT ev.evidence_id, ev.source_id, ev.action_id, t.target_no, ev.quote
FROM typed.action_evidence AS ev
JOIN typed.action_targets AS t ON t.action_id = ev.action_id AND t.target_entity_id IS NOT NULL
ORDER BY ev._row, t.target_no"""


def entities(con: duckdb.DuckDBPyConnection) -> Iterator:
    """The FollowTheMoney entities, in a fixed order: entities, documents, sanctions, and
    documentation of claims and of actions, each in the order of its CSV."""
    from followthemoney import model

    def make(schema: str, identifier: str, **properties):
        proxy = model.make_entity(schema)
        proxy.id = f"{PREFIX}-{identifier}"
        for name, value in properties.items():
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item != "":
                    proxy.add(name, str(item))
        return proxy

    for entity_id, name, kind, country, parent, notes, aliases, identifiers in stream(
            con, ENTITIES):
        known = [a for a in dict.fromkeys(aliases or []) if a != name]
        codes: dict[str, list[str]] = {}
        for scheme, value in identifiers or []:
            if scheme in IDENTIFIER_PROPERTIES:
                codes.setdefault(IDENTIFIER_PROPERTIES[scheme], []).append(value)
        yield make(SCHEMATA.get(kind, "Organization"), f"entity-{entity_id}", name=name,
                   alias=known, country=country,
                   parent=f"{PREFIX}-entity-{parent}" if parent else None, notes=notes,
                   **codes)
    for (source_id, file, title, author, url, publisher, published, precision, digest,
         notes) in stream(con, SOURCES):
        yield make("Document", f"source-{source_id}", fileName=file, title=title, author=author,
                   sourceUrl=url, publisher=publisher,
                   publishedAt=partial_date(published, precision),
                   description=f"SHA-256 {digest}", notes=notes)
    for (action_id, target_no, target, authority, instrument, measure, reason, status, date,
         precision, kind, notes, target_notes) in stream(con, SANCTIONS):
        yield make("Sanction", f"sanction-{action_id}-{target_no}",
                   entity=f"{PREFIX}-entity-{target}", authority=authority, program=instrument,
                   provisions=measure, reason=reason, status=status,
                   startDate=partial_date(date, precision), summary=f"{kind} ({status})",
                   description=[notes, target_notes])
    for (evidence_id, source_id, subject, claim_id, predicate, stance, quote,
         attribution) in stream(con, CLAIM_EVIDENCE):
        yield make("Documentation", f"claim-evidence-{evidence_id}",
                   document=f"{PREFIX}-source-{source_id}", entity=f"{PREFIX}-entity-{subject}",
                   role=f"claim {claim_id}: {predicate} ({stance})", summary=quote,
                   description=attribution)
    for evidence_id, source_id, action_id, target_no, quote in stream(con, ACTION_EVIDENCE):
        yield make("Documentation", f"action-evidence-{evidence_id}-{target_no}",
                   document=f"{PREFIX}-source-{source_id}",
                   entity=f"{PREFIX}-sanction-{action_id}-{target_no}",
                   role=f"action {action_id}", summary=quote)


def write(con: duckdb.DuckDBPyConnection, out: Path) -> Path | None:
    """The export, or None (nothing written) when followthemoney is not installed."""
    if not available():
        return None
    folder = out / FOLDER
    folder.mkdir()
    target = folder / FILE
    with open(target, "w", encoding="utf-8", newline="\n") as file:
        for proxy in entities(con):
            file.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return target
