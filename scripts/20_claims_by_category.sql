-- claims_by_category: how many claims each item category has, by whom and in how many sources.
CREATE OR REPLACE TABLE claims_by_category AS
WITH
categorised AS (
    SELECT * FROM claims_detailed WHERE item_category IS NOT NULL
),

final AS (
    SELECT
        CAST(item_category AS VARCHAR) AS item_category,
        count(*) AS claims,
        count(*) FILTER (WHERE stance = 'asserts') AS asserted,
        count(*) FILTER (WHERE stance <> 'asserts') AS denied_or_unsupported,
        count(*) FILTER (WHERE hedge_as_stated IS NOT NULL) AS hedged,
        count(DISTINCT subject_entity_id) AS subjects,
        count(DISTINCT asserted_by_entity_id) AS asserting_parties,
        len(list_distinct(flatten(list(source_ids)))) AS sources
    FROM categorised
    GROUP BY item_category
)

SELECT * FROM final ORDER BY claims DESC, item_category;
