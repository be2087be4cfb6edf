-- The explorer page's queries, one per `-- name:` block, run against the built database by
-- cnru.page. Each reads whole tables once; what the page embeds is bounded by $limit-style
-- parameters, and every count is over all rows. Rows come out in a total order.

-- name: counts
-- How many rows the views draw from, and how many actions have no known date.
SELECT
    (SELECT count(*) FROM claims) AS claims,
    (SELECT count(*) FROM claim_evidence) AS claim_evidence,
    (SELECT count(*) FROM entities) AS entities,
    (SELECT count(*) FROM actions) AS actions,
    (SELECT count(*) FROM actions WHERE action_date IS NULL) AS undated_actions,
    (SELECT count(*) FROM sources) AS sources;

-- name: stance_by_category
-- Claims with an item category, by what they say: asserted, asserted only as considering,
-- stopping or refraining from supplying, denied, or no evidence found.
SELECT
    CAST(item_category AS VARCHAR) AS label,
    CASE
        WHEN stance <> 'asserts' THEN CAST(stance AS VARCHAR)
        WHEN predicate IN ('considers-supplying', 'stops-supplying', 'refrains-from-supplying')
            THEN 'considers-stops-or-refrains'
        ELSE 'asserts'
    END AS stance,
    count(*) AS n
FROM claims
WHERE item_category IS NOT NULL
GROUP BY ALL
ORDER BY label, stance;

-- name: uncategorised
SELECT count(*) AS n FROM claims WHERE item_category IS NULL;

-- name: suppliers
-- Who is said to supply whom: the pairs with the most claims, from the summary table.
SELECT
    supplier_name || ' → ' || coalesce(recipient_name, '(no recipient named)') AS label,
    supplies_asserted, denied, no_evidence,
    claims - supplies_asserted - denied - no_evidence AS other
FROM claims_by_supplier
ORDER BY claims DESC, supplier_entity_id, recipient_entity_id NULLS LAST
LIMIT $limit;

-- name: stance_by_party
-- Claims per asserting party and stance, for the parties with the most claims.
WITH
parties AS (
    SELECT asserted_by_entity_id, count(*) AS total
    FROM claims
    GROUP BY asserted_by_entity_id
    ORDER BY total DESC, asserted_by_entity_id
    LIMIT $limit
),

counts AS (
    SELECT asserted_by_entity_id, CAST(stance AS VARCHAR) AS stance, count(*) AS n
    FROM claims
    SEMI JOIN parties USING (asserted_by_entity_id)
    GROUP BY ALL
)

SELECT entities.name AS label, counts.stance, counts.n, parties.total
FROM counts
JOIN parties USING (asserted_by_entity_id)
JOIN entities ON entities.entity_id = counts.asserted_by_entity_id
ORDER BY parties.total DESC, counts.asserted_by_entity_id, counts.stance;

-- name: actions_by_period
-- Dated actions per month and status: the timeline chart counts every dated action.
SELECT strftime(action_date, '%Y-%m') AS month, CAST(status AS VARCHAR) AS status, count(*) AS n
FROM actions
WHERE action_date IS NOT NULL
GROUP BY ALL
ORDER BY month, status;

-- name: entity_rank
-- Entities by how many claims are about them, by them, and how many actions target them.
WITH
about AS (
    SELECT entity_id, sum(n) AS claims_about
    FROM (
        SELECT subject_entity_id AS entity_id, count(*) AS n FROM claims GROUP BY ALL
        UNION ALL
        SELECT object_entity_id, count(*) FROM claims
        WHERE object_entity_id <> subject_entity_id GROUP BY ALL
    )
    GROUP BY entity_id
),

asserted AS (
    SELECT asserted_by_entity_id AS entity_id, count(*) AS claims_by
    FROM claims
    GROUP BY ALL
),

targeted AS (
    SELECT target_entity_id AS entity_id, count(DISTINCT action_id) AS actions_targeting
    FROM action_targets
    WHERE target_entity_id IS NOT NULL
    GROUP BY ALL
),

final AS (
    SELECT
        entities.entity_id,
        coalesce(about.claims_about, 0) AS claims_about,
        coalesce(asserted.claims_by, 0) AS claims_by,
        coalesce(targeted.actions_targeting, 0) AS actions_targeting
    FROM entities
    LEFT JOIN about USING (entity_id)
    LEFT JOIN asserted USING (entity_id)
    LEFT JOIN targeted USING (entity_id)
)

SELECT * FROM final
ORDER BY claims_about + claims_by + actions_targeting DESC, entity_id
LIMIT $limit;

-- name: entity_claims
-- The first claims about and by each of the chosen entities.
WITH
chosen AS (SELECT unnest($ids::VARCHAR[]) AS entity_id),

roles AS (
    SELECT subject_entity_id AS entity_id, 'about' AS role, claim_id FROM claims
    UNION ALL
    SELECT object_entity_id, 'about', claim_id FROM claims
    WHERE object_entity_id <> subject_entity_id
    UNION ALL
    SELECT asserted_by_entity_id, 'by', claim_id FROM claims
),

ranked AS (
    SELECT entity_id, role, claim_id,
           row_number() OVER (PARTITION BY entity_id, role ORDER BY claim_id) AS n
    FROM roles
    SEMI JOIN chosen USING (entity_id)
)

SELECT entity_id, role, claim_id FROM ranked WHERE n <= $limit ORDER BY entity_id, role, claim_id;

-- name: first_claims
SELECT claim_id FROM claims ORDER BY claim_id LIMIT $limit;

-- name: claims
SELECT * FROM claims WHERE claim_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY claim_id;

-- name: claim_evidence
WITH
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY claim_id ORDER BY evidence_id) AS _n,
           count(*) OVER (PARTITION BY claim_id) AS total
    FROM claim_evidence
    WHERE claim_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT * EXCLUDE (_n) FROM ranked WHERE _n <= $limit ORDER BY claim_id, evidence_id;

-- name: links
-- Links between the chosen claims and other claims or actions (only with a links table).
SELECT * FROM links
WHERE claim_id IN (SELECT unnest($ids::VARCHAR[]))
   OR related_claim_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY link_id
LIMIT $limit;

-- name: claim_options
-- Every asserting party and source with its number of claims, for the filters' counts.
SELECT 'party' AS kind, asserted_by_entity_id AS id, count(*) AS n FROM claims GROUP BY ALL
UNION ALL
SELECT 'source', source_id, count(DISTINCT claim_id) FROM claim_evidence GROUP BY ALL
ORDER BY kind, n DESC, id
LIMIT $limit;

-- name: entities
SELECT * FROM entities WHERE entity_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY entity_id;

-- name: aliases
WITH
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY entity_id ORDER BY source_id, surface_form) AS _n,
           count(*) OVER (PARTITION BY entity_id) AS total
    FROM entity_aliases
    WHERE entity_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT * EXCLUDE (_n) FROM ranked WHERE _n <= $limit ORDER BY entity_id, source_id, surface_form;

-- name: list_entries
-- Official list entries of the chosen entities (only with a list_entries table).
WITH
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY entity_id ORDER BY entry_id) AS _n,
           count(*) OVER (PARTITION BY entity_id) AS total
    FROM list_entries
    WHERE entity_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT * EXCLUDE (_n) FROM ranked WHERE _n <= $limit ORDER BY entity_id, entry_id;

-- name: entity_identifiers
-- External identifiers of the chosen entities (only with an entity_identifiers table).
WITH
ranked AS (
    SELECT entity_id, CAST(scheme AS VARCHAR) AS scheme, identifier, source_id, quote, notes,
           row_number() OVER (PARTITION BY entity_id ORDER BY scheme, identifier) AS _n,
           count(*) OVER (PARTITION BY entity_id) AS total
    FROM entity_identifiers
    WHERE entity_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT * EXCLUDE (_n) FROM ranked WHERE _n <= $limit ORDER BY entity_id, scheme, identifier;

-- name: entity_actions
-- The first actions that target each of the chosen entities.
WITH
ranked AS (
    SELECT target_entity_id AS entity_id, action_id,
           row_number() OVER (PARTITION BY target_entity_id ORDER BY action_id) AS n
    FROM (SELECT DISTINCT target_entity_id, action_id FROM action_targets)
    WHERE target_entity_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT entity_id, action_id FROM ranked WHERE n <= $limit ORDER BY entity_id, action_id;

-- name: first_actions
-- The first dated actions in date order, then the first undated ones.
WITH
ranked AS (
    SELECT action_id, action_date IS NULL AS undated,
           row_number() OVER (PARTITION BY action_date IS NULL
                              ORDER BY action_date, action_id) AS n
    FROM actions
)

SELECT action_id FROM ranked WHERE n <= $limit ORDER BY undated, n;

-- name: action_options
-- Every authority and type with its number of actions, for the filters' counts.
SELECT 'authority' AS kind, authority_entity_id AS id, count(*) AS n FROM actions GROUP BY ALL
UNION ALL
SELECT 'type', CAST(action_type AS VARCHAR), count(*) FROM actions GROUP BY ALL
ORDER BY kind, n DESC, id
LIMIT $limit;

-- name: actions
SELECT * FROM actions WHERE action_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY action_date NULLS LAST, action_id;

-- name: action_targets
WITH
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY action_id ORDER BY target_no) AS _n,
           count(*) OVER (PARTITION BY action_id) AS total
    FROM action_targets
    WHERE action_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT * EXCLUDE (_n) FROM ranked WHERE _n <= $limit ORDER BY action_id, target_no;

-- name: action_evidence
WITH
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY action_id ORDER BY evidence_id) AS _n,
           count(*) OVER (PARTITION BY action_id) AS total
    FROM action_evidence
    WHERE action_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT * EXCLUDE (_n) FROM ranked WHERE _n <= $limit ORDER BY action_id, evidence_id;

-- name: sources
SELECT * FROM sources ORDER BY source_id LIMIT $limit;

-- name: source_rows
-- Every row that quotes each of the chosen sources: the first of each kind, and how many.
WITH
quoting AS (
    SELECT source_id, 'claim-evidence' AS kind, evidence_id AS row_id, claim_id AS parent_id,
           quote
    FROM claim_evidence
    UNION ALL
    SELECT source_id, 'action-evidence', evidence_id, action_id, quote FROM action_evidence
    UNION ALL
    SELECT source_id, 'entity-alias', entity_id || ': ' || surface_form, entity_id,
           surface_form
    FROM entity_aliases
    UNION ALL
    SELECT country_source_id, 'entity-country', entity_id, entity_id, country_quote
    FROM entities
    WHERE country_source_id IS NOT NULL
),

ranked AS (
    SELECT *, row_number() OVER (PARTITION BY source_id, kind ORDER BY row_id) AS n,
           count(*) OVER (PARTITION BY source_id, kind) AS total
    FROM quoting
    WHERE source_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT source_id, kind, row_id, parent_id, quote, total
FROM ranked
WHERE n <= $limit
ORDER BY source_id, kind, row_id;

-- name: quoting_count
SELECT (SELECT count(*) FROM claim_evidence) + (SELECT count(*) FROM action_evidence)
       + (SELECT count(*) FROM entity_aliases)
       + (SELECT count(*) FROM entities WHERE country_source_id IS NOT NULL) AS n;

-- name: source_list_rows
-- The official list entries that quote each of the chosen sources (only with list_entries).
WITH
ranked AS (
    SELECT source_id, entry_id AS row_id, entity_id AS parent_id, name_as_listed AS quote,
           row_number() OVER (PARTITION BY source_id ORDER BY entry_id) AS n,
           count(*) OVER (PARTITION BY source_id) AS total
    FROM list_entries
    WHERE source_id IN (SELECT unnest($ids::VARCHAR[]))
)

SELECT source_id, 'list-entry' AS kind, row_id, parent_id, quote, total
FROM ranked
WHERE n <= $limit
ORDER BY source_id, row_id;

-- name: disagreements
SELECT * FROM disagreements ORDER BY claim_id, source_id, evidence_id LIMIT $limit;

-- name: disagreement_count
SELECT count(*) AS rows, count(DISTINCT claim_id) AS claims FROM disagreements;

-- name: names
SELECT entity_id, name
FROM entities
WHERE entity_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY entity_id;
