-- disagreements: claims whose sources state different figures or qualifiers, and action targets whose sources count a country differently; one row per source's figure or count.
--
-- claim_id: The claim whose sources disagree (claims.claim_id).
-- subject_name: The name of the claim's subject entity.
-- object_name: The name of the claim's object entity; empty when the claim has none.
-- source_id: The source of this figure (sources.source_id).
-- publisher_name: The name of that source's publisher.
CREATE OR REPLACE TABLE disagreements AS
WITH
-- the claims first, from the evidence alone; names are joined to their few rows only
disputed AS (
    SELECT claim_id
    FROM claim_evidence
    WHERE figure_value IS NOT NULL
    GROUP BY claim_id
    HAVING count(DISTINCT (figure_value, figure_unit, coalesce(CAST(figure_qualifier AS VARCHAR), ''))) > 1
),

figures AS (
    SELECT
        evidence.*,
        claims.predicate,
        claims.item_category,
        subject.name AS subject_name,
        object.name AS object_name,
        publisher.name AS publisher_name
    FROM claim_evidence AS evidence
    JOIN disputed USING (claim_id)
    JOIN claims USING (claim_id)
    JOIN entities AS subject ON subject.entity_id = claims.subject_entity_id
    LEFT JOIN entities AS object ON object.entity_id = claims.object_entity_id
    JOIN sources USING (source_id)
    JOIN entities AS publisher ON publisher.entity_id = sources.publisher_entity_id
    WHERE evidence.figure_value IS NOT NULL
),

-- the targets of an action in one country that sources count differently (each count cites
-- its evidence, so its source)
counted AS (
    SELECT
        targets.action_id,
        targets.target_country,
        targets.target_no,
        targets.target_count,
        targets.evidence_id,
        evidence.source_id
    FROM action_targets AS targets
    JOIN action_evidence AS evidence USING (evidence_id)
    WHERE targets.target_country IS NOT NULL AND targets.target_count IS NOT NULL
),

disputed_counts AS (
    SELECT action_id, target_country
    FROM counted
    GROUP BY action_id, target_country
    HAVING count(DISTINCT source_id) > 1 AND count(DISTINCT target_count) > 1
),

counts AS (
    SELECT
        NULL AS claim_id,
        authority.name AS subject_name,
        CAST(actions.action_type AS VARCHAR) AS predicate,
        NULL AS object_name,
        NULL AS item_category,
        counted.source_id,
        publisher.name AS publisher_name,
        NULL AS figure_as_stated,
        CAST(counted.target_count AS DOUBLE) AS figure_value,
        'count' AS figure_unit,
        NULL AS figure_qualifier,
        counted.evidence_id,
        counted.action_id,
        CAST(counted.target_country AS VARCHAR) AS target_country,
        counted.target_no
    FROM counted
    JOIN disputed_counts USING (action_id, target_country)
    JOIN actions USING (action_id)
    JOIN entities AS authority ON authority.entity_id = actions.authority_entity_id
    JOIN sources USING (source_id)
    JOIN entities AS publisher ON publisher.entity_id = sources.publisher_entity_id
),

final AS (
    SELECT
        figures.claim_id,
        figures.subject_name,
        CAST(figures.predicate AS VARCHAR) AS predicate,
        figures.object_name,
        CAST(figures.item_category AS VARCHAR) AS item_category,
        figures.source_id,
        figures.publisher_name,
        figures.figure_as_stated,
        figures.figure_value,
        CAST(figures.figure_unit AS VARCHAR) AS figure_unit,
        CAST(figures.figure_qualifier AS VARCHAR) AS figure_qualifier,
        figures.evidence_id,
        NULL AS action_id,
        NULL AS target_country,
        NULL AS target_no
    FROM figures
    UNION ALL
    SELECT * FROM counts
)

SELECT * FROM final
ORDER BY claim_id NULLS LAST, action_id, target_country, source_id, evidence_id, target_no;
