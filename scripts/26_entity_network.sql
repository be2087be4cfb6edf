-- entity_network: an edge list of who supplies, sanctions, accuses or deals with whom: claims
-- (subject to object), assertions (asserting party to subject) and actions (authority to target).
--
-- from_entity_id: The edge's start: a claim's subject, an asserting party, or an action's
--   authority (entities.entity_id).
-- from_name: Its name.
-- to_entity_id: The edge's end: a claim's object, the subject of an asserted claim, or an
--   action's target (entities.entity_id).
-- to_name: Its name.
-- relation: A claim's predicate; for an assertion, stance: predicate; for an action, action_type
--   (status).
-- stance: The claims' stance; `asserts` for actions.
-- kind: claim, assertion or action: the rows the edge comes from.
-- rows: How many rows give the edge.
-- row_ids: Their identifiers (claim_id or action_id), sorted, comma-separated.
CREATE OR REPLACE TABLE entity_network AS
WITH
claim_edges AS (
    SELECT
        subject_entity_id AS from_entity_id,
        object_entity_id AS to_entity_id,
        CAST(predicate AS VARCHAR) AS relation,
        CAST(stance AS VARCHAR) AS stance,
        'claim' AS kind,
        claim_id AS row_id
    FROM claims
    WHERE object_entity_id IS NOT NULL
),

assertion_edges AS (
    SELECT
        asserted_by_entity_id AS from_entity_id,
        subject_entity_id AS to_entity_id,
        CAST(stance AS VARCHAR) || ': ' || CAST(predicate AS VARCHAR) AS relation,
        CAST(stance AS VARCHAR) AS stance,
        'assertion' AS kind,
        claim_id AS row_id
    FROM claims
    WHERE asserted_by_entity_id <> subject_entity_id
),

action_edges AS (
    SELECT
        actions.authority_entity_id AS from_entity_id,
        targets.target_entity_id AS to_entity_id,
        CAST(actions.action_type AS VARCHAR) || ' (' || CAST(actions.status AS VARCHAR) || ')'
            AS relation,
        'asserts' AS stance,
        'action' AS kind,
        actions.action_id AS row_id
    FROM actions
    JOIN action_targets AS targets USING (action_id)
    WHERE targets.target_entity_id IS NOT NULL
),

edges AS (
    SELECT * FROM claim_edges
    UNION ALL
    SELECT * FROM assertion_edges
    UNION ALL
    SELECT * FROM action_edges
),

-- counted by identifier first, so that names are joined once per edge, not once per row
counts AS (
    SELECT
        from_entity_id,
        to_entity_id,
        relation,
        stance,
        kind,
        count(*) AS rows,
        -- sorting each list is cheaper than an ordered aggregate
        array_to_string(list_sort(list(row_id)), ', ') AS row_ids
    FROM edges
    GROUP BY ALL
),

final AS (
    SELECT
        counts.from_entity_id,
        source.name AS from_name,
        counts.to_entity_id,
        target.name AS to_name,
        counts.relation,
        counts.stance,
        counts.kind,
        counts.rows,
        counts.row_ids
    FROM counts
    JOIN entities AS source ON source.entity_id = counts.from_entity_id
    JOIN entities AS target ON target.entity_id = counts.to_entity_id
)

SELECT * FROM final ORDER BY from_entity_id, to_entity_id, relation, stance, kind;
