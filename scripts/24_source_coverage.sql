-- source_coverage: how many claims, evidence rows, actions and entities each source supports.
--
-- source_id: The source's identifier (sources.source_id).
-- publisher_name: The name of its publisher (entities.name).
-- wire_service_name: The name of its wire service; empty when it has none.
-- claims: How many distinct claims it gives evidence for.
-- evidence_rows: How many claim_evidence rows quote it.
-- actions: How many distinct actions it gives evidence for.
-- entities_named: How many distinct entities it names (entity_aliases rows).
CREATE OR REPLACE TABLE source_coverage AS
WITH
claims_per_source AS (
    SELECT source_id, count(DISTINCT claim_id) AS claims, count(*) AS evidence_rows
    FROM claim_evidence
    GROUP BY source_id
),

actions_per_source AS (
    SELECT source_id, count(DISTINCT action_id) AS actions
    FROM action_evidence
    GROUP BY source_id
),

entities_per_source AS (
    SELECT source_id, count(DISTINCT entity_id) AS entities_named
    FROM entity_aliases
    GROUP BY source_id
),

final AS (
    SELECT
        sources.source_id,
        publisher.name AS publisher_name,
        wire.name AS wire_service_name,
        sources.published_date,
        CAST(sources.published_date_precision AS VARCHAR) AS published_date_precision,
        coalesce(claims_per_source.claims, 0) AS claims,
        coalesce(claims_per_source.evidence_rows, 0) AS evidence_rows,
        coalesce(actions_per_source.actions, 0) AS actions,
        coalesce(entities_per_source.entities_named, 0) AS entities_named
    FROM sources
    JOIN entities AS publisher ON publisher.entity_id = sources.publisher_entity_id
    LEFT JOIN entities AS wire ON wire.entity_id = sources.wire_service_entity_id
    LEFT JOIN claims_per_source USING (source_id)
    LEFT JOIN actions_per_source USING (source_id)
    LEFT JOIN entities_per_source USING (source_id)
)

SELECT * FROM final ORDER BY source_id;
