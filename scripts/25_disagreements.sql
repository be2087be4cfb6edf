-- disagreements: claims whose sources state different figures or qualifiers, one row per source.
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
        figures.evidence_id
    FROM figures
)

SELECT * FROM final ORDER BY claim_id, source_id, evidence_id;
