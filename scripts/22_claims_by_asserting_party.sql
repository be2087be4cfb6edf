-- claims_by_asserting_party: who makes the claims, with what stance and how hedged.
CREATE OR REPLACE TABLE claims_by_asserting_party AS
WITH
final AS (
    SELECT
        claims.asserted_by_entity_id,
        entities.name AS asserted_by_name,
        CAST(entities.entity_type AS VARCHAR) AS entity_type,
        count(*) AS claims,
        count(*) FILTER (WHERE claims.stance = 'asserts') AS asserts,
        count(*) FILTER (WHERE claims.stance = 'denies') AS denies,
        count(*) FILTER (WHERE claims.stance = 'finds-no-evidence') AS finds_no_evidence,
        count(*) FILTER (WHERE claims.hedge_as_stated IS NOT NULL) AS hedged,
        count(*) FILTER (WHERE claims.is_forecast) AS forecasts
    FROM claims
    JOIN entities ON entities.entity_id = claims.asserted_by_entity_id
    GROUP BY ALL
)

SELECT * FROM final ORDER BY claims DESC, asserted_by_entity_id;
