"""`build/ftm/entities.ftm.json`: the package as FollowTheMoney entities (the model of
OpenSanctions and Aleph), one JSON object a line, written with the `followthemoney` library.

- each entity: a Company, Person or PublicBody (government bodies, armed forces and countries),
  otherwise an Organization; with its aliases, country, parent and notes;
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
from pathlib import Path

import duckdb

FOLDER = "ftm"
FILE = "entities.ftm.json"
PREFIX = "cnru"
SCHEMATA = {"company": "Company", "person": "Person", "government-body": "PublicBody",
            "armed-forces": "PublicBody", "country": "PublicBody"}
EXTRA = "ftm"  # the optional dependency's name in pyproject.toml


def available() -> bool:
    try:
        import followthemoney  # noqa: F401
    except ImportError:
        return False
    return True


def rows(con: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    result = con.execute(f'SELECT * EXCLUDE (_row, _problems) FROM typed."{table}" ORDER BY _row')
    columns = [d[0] for d in result.description]
    return [{c: (None if v is None else str(v) if not isinstance(v, bool) else v)
             for c, v in zip(columns, row, strict=True)} for row in result.fetchall()]


def partial_date(value: str | None, precision: str | None) -> str | None:
    """A date as precise as it is known: 2023-09 for a month."""
    if value is None or precision in (None, "unknown"):
        return None
    return {"day": value, "month": value[:7], "year": value[:4]}.get(precision)


def entities(con: duckdb.DuckDBPyConnection) -> list:
    """The FollowTheMoney entities, in a fixed order: entities, documents, sanctions, and
    documentation of claims and of actions, each in the order of its CSV."""
    from followthemoney import model

    def make(schema: str, identifier: str, **properties):
        proxy = model.make_entity(schema)
        proxy.id = f"{PREFIX}-{identifier}"
        for name, value in properties.items():
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item != "":
                    proxy.add(name, item)
        return proxy

    aliases: dict[str, list[str]] = {}
    for alias in rows(con, "entity_aliases"):
        aliases.setdefault(alias["entity_id"], []).append(alias["surface_form"])
    names: dict[str, str] = {}
    out = []
    for entity in rows(con, "entities"):
        names[entity["entity_id"]] = entity["name"]
        known = [a for a in dict.fromkeys(aliases.get(entity["entity_id"], []))
                 if a != entity["name"]]
        parent = entity["parent_entity_id"]
        out.append(make(SCHEMATA.get(entity["entity_type"], "Organization"),
                        f"entity-{entity['entity_id']}", name=entity["name"], alias=known,
                        country=(entity["country"] or "").lower() or None,
                        parent=f"{PREFIX}-entity-{parent}" if parent else None,
                        notes=entity["notes"]))
    for source in rows(con, "sources"):
        out.append(make("Document", f"source-{source['source_id']}",
                        fileName=source["archive_file"], title=source["title"],
                        author=source["author"], sourceUrl=source["url"],
                        publisher=names.get(source["publisher_entity_id"] or ""),
                        publishedAt=partial_date(source["published_date"],
                                                 source["published_date_precision"]),
                        description=f"SHA-256 {source['archive_sha256']}",
                        notes=source["notes"]))
    actions = {action["action_id"]: action for action in rows(con, "actions")}
    sanctions: dict[str, list[str]] = {}
    for target in rows(con, "action_targets"):
        if target["target_entity_id"] is None:
            continue  # a count by country: a Sanction needs the entity it applies to
        action = actions[target["action_id"]]
        identifier = f"sanction-{action['action_id']}-{target['target_no']}"
        sanctions.setdefault(action["action_id"], []).append(f"{PREFIX}-{identifier}")
        out.append(make("Sanction", identifier,
                        entity=f"{PREFIX}-entity-{target['target_entity_id']}",
                        authority=names.get(action["authority_entity_id"]),
                        program=action["instrument_as_stated"],
                        provisions=action["measure_as_stated"],
                        reason=action["reason_as_stated"], status=action["status"],
                        startDate=partial_date(action["action_date"],
                                               action["action_date_precision"]),
                        summary=f"{action['action_type']} ({action['status']})",
                        description=[action["notes"], target["notes"]]))
    claims = {claim["claim_id"]: claim for claim in rows(con, "claims")}
    for evidence in rows(con, "claim_evidence"):
        claim = claims[evidence["claim_id"]]
        out.append(make("Documentation", f"claim-evidence-{evidence['evidence_id']}",
                        document=f"{PREFIX}-source-{evidence['source_id']}",
                        entity=f"{PREFIX}-entity-{claim['subject_entity_id']}",
                        role=f"claim {claim['claim_id']}: {claim['predicate']} "
                             f"({claim['stance']})",
                        summary=evidence["quote"],
                        description=evidence["attribution_as_stated"]))
    for evidence in rows(con, "action_evidence"):
        for sanction in sanctions.get(evidence["action_id"], []):
            out.append(make("Documentation",
                            f"action-evidence-{evidence['evidence_id']}-"
                            f"{sanction.rsplit('-', 1)[1]}",
                            document=f"{PREFIX}-source-{evidence['source_id']}",
                            entity=sanction, role=f"action {evidence['action_id']}",
                            summary=evidence["quote"]))
    return out


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
