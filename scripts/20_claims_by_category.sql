-- claims_by_category: how many claims each item category has, by whom and in how many sources.
--
-- claims: How many claims have this item category.
-- asserted: How many of them are asserted (stance asserts).
-- denied_or_unsupported: How many have another stance (denies, finds-no-evidence ...).
-- hedged: How many carry a hedge (hedge_as_stated is not empty).
-- subjects: How many distinct subject entities they have.
-- asserting_parties: How many distinct parties assert them.
-- sources: How many distinct sources give evidence for them.
CREATE OR REPLACE TABLE claims_by_category AS
WITH
categorised AS (
    SELECT * FROM claims WHERE item_category IS NOT NULL
),

sources_per_category AS (
    SELECT categorised.item_category, count(DISTINCT evidence.source_id) AS sources
    FROM categorised
    JOIN claim_evidence AS evidence USING (claim_id)
    GROUP BY categorised.item_category
),

counts AS (
    SELECT
        item_category,
        count(*) AS claims,
        count(*) FILTER (WHERE stance = 'asserts') AS asserted,
        count(*) FILTER (WHERE stance <> 'asserts') AS denied_or_unsupported,
        count(*) FILTER (WHERE hedge_as_stated IS NOT NULL) AS hedged,
        count(DISTINCT subject_entity_id) AS subjects,
        count(DISTINCT asserted_by_entity_id) AS asserting_parties
    FROM categorised
    GROUP BY item_category
),

final AS (
    SELECT CAST(counts.item_category AS VARCHAR) AS item_category, counts.* EXCLUDE (item_category),
           coalesce(sources_per_category.sources, 0) AS sources
    FROM counts
    LEFT JOIN sources_per_category USING (item_category)
)

SELECT * FROM final ORDER BY claims DESC, item_category;
