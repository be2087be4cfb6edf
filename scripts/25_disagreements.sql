-- disagreements: claims whose sources state different figures or qualifiers, one row per source.
CREATE OR REPLACE TABLE disagreements AS
WITH
figures AS (
    SELECT *
    FROM evidence_detailed
    WHERE figure_value IS NOT NULL
),

disputed AS (
    SELECT claim_id
    FROM figures
    GROUP BY claim_id
    HAVING count(DISTINCT (figure_value, figure_unit, coalesce(CAST(figure_qualifier AS VARCHAR), ''))) > 1
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
    JOIN disputed USING (claim_id)
)

SELECT * FROM final ORDER BY claim_id, source_id, evidence_id;
