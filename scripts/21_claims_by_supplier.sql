-- claims_by_supplier: who is said to supply, produce with, or consider supplying whom.
CREATE OR REPLACE TABLE claims_by_supplier AS
WITH
supply AS (
    SELECT claims.*, subject.name AS subject_name, object.name AS object_name
    FROM claims
    JOIN entities AS subject ON subject.entity_id = claims.subject_entity_id
    LEFT JOIN entities AS object ON object.entity_id = claims.object_entity_id
    WHERE claims.predicate IN (
        'supplies', 'jointly-produces', 'considers-supplying', 'stops-supplying',
        'refrains-from-supplying'
    )
),

final AS (
    SELECT
        subject_entity_id AS supplier_entity_id,
        subject_name AS supplier_name,
        object_entity_id AS recipient_entity_id,
        object_name AS recipient_name,
        count(*) AS claims,
        count(*) FILTER (WHERE predicate = 'supplies' AND stance = 'asserts') AS supplies_asserted,
        count(*) FILTER (WHERE stance = 'denies') AS denied,
        count(*) FILTER (WHERE stance = 'finds-no-evidence') AS no_evidence,
        count(*) FILTER (WHERE hedge_as_stated IS NOT NULL) AS hedged,
        string_agg(DISTINCT CAST(item_category AS VARCHAR), ', ' ORDER BY CAST(item_category AS VARCHAR))
            AS item_categories
    FROM supply
    GROUP BY ALL
)

SELECT * FROM final ORDER BY claims DESC, supplier_entity_id, recipient_entity_id NULLS LAST;
