-- claims_by_supplier: who is said to supply, produce with, or consider supplying whom.
--
-- supplier_entity_id: The claims' subject: the entity said to supply (entities.entity_id).
-- supplier_name: Its name.
-- recipient_entity_id: The claims' object: the entity supplied (entities.entity_id); empty when
--   the claims name none.
-- recipient_name: Its name; empty when the claims name none.
-- claims: How many supply claims (supplies, jointly-produces, considers-supplying,
--   stops-supplying, refrains-from-supplying) link the two.
-- supplies_asserted: How many of them assert that the supplier supplies.
-- denied: How many deny it (stance denies).
-- no_evidence: How many find no evidence of it (stance finds-no-evidence).
-- hedged: How many carry a hedge.
-- item_categories: The item categories of those claims, sorted, comma-separated.
CREATE OR REPLACE TABLE claims_by_supplier AS
WITH
supply AS (
    SELECT *
    FROM claims
    WHERE predicate IN (
        'supplies', 'jointly-produces', 'considers-supplying', 'stops-supplying',
        'refrains-from-supplying'
    )
),

-- counted by identifier first, so that names are joined once per pair, not once per claim
counts AS (
    SELECT
        subject_entity_id,
        object_entity_id,
        count(*) AS claims,
        count(*) FILTER (WHERE predicate = 'supplies' AND stance = 'asserts') AS supplies_asserted,
        count(*) FILTER (WHERE stance = 'denies') AS denied,
        count(*) FILTER (WHERE stance = 'finds-no-evidence') AS no_evidence,
        count(*) FILTER (WHERE hedge_as_stated IS NOT NULL) AS hedged,
        -- sorting each list is cheaper than an ordered aggregate; empty when none is given
        nullif(array_to_string(list_sort(list_distinct(list(CAST(item_category AS VARCHAR)))), ', '), '')
            AS item_categories
    FROM supply
    GROUP BY subject_entity_id, object_entity_id
),

final AS (
    SELECT
        counts.subject_entity_id AS supplier_entity_id,
        subject.name AS supplier_name,
        counts.object_entity_id AS recipient_entity_id,
        object.name AS recipient_name,
        counts.* EXCLUDE (subject_entity_id, object_entity_id)
    FROM counts
    JOIN entities AS subject ON subject.entity_id = counts.subject_entity_id
    LEFT JOIN entities AS object ON object.entity_id = counts.object_entity_id
)

SELECT * FROM final ORDER BY claims DESC, supplier_entity_id, recipient_entity_id NULLS LAST;
