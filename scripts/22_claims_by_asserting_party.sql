-- claims_by_asserting_party: who makes the claims, with what stance and how hedged.
--
-- asserted_by_name: The party's name (entities.name).
-- claims: How many claims the party makes.
-- asserts: How many of them it asserts (stance asserts).
-- denies: How many deny (stance denies).
-- finds_no_evidence: How many find no evidence (stance finds-no-evidence).
-- hedged: How many carry a hedge.
-- forecasts: How many are forecasts (is_forecast true).
CREATE OR REPLACE TABLE claims_by_asserting_party AS
WITH
-- counted by identifier first, so that names are joined once per party, not once per claim
counts AS (
    SELECT
        asserted_by_entity_id,
        count(*) AS claims,
        count(*) FILTER (WHERE stance = 'asserts') AS asserts,
        count(*) FILTER (WHERE stance = 'denies') AS denies,
        count(*) FILTER (WHERE stance = 'finds-no-evidence') AS finds_no_evidence,
        count(*) FILTER (WHERE hedge_as_stated IS NOT NULL) AS hedged,
        count(*) FILTER (WHERE is_forecast) AS forecasts
    FROM claims
    GROUP BY asserted_by_entity_id
),

final AS (
    SELECT
        counts.asserted_by_entity_id,
        entities.name AS asserted_by_name,
        CAST(entities.entity_type AS VARCHAR) AS entity_type,
        counts.* EXCLUDE (asserted_by_entity_id)
    FROM counts
    JOIN entities ON entities.entity_id = counts.asserted_by_entity_id
)

SELECT * FROM final ORDER BY claims DESC, asserted_by_entity_id;
