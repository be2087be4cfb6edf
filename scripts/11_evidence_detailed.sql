-- evidence_detailed: one row per evidence row: the claim, its parties, the source and the quote.
CREATE OR REPLACE VIEW evidence_detailed AS
WITH
final AS (
    SELECT
        evidence.evidence_id,
        evidence.claim_id,
        claims.subject_name,
        claims.predicate,
        claims.object_name,
        claims.item_category,
        claims.asserted_by_name,
        claims.stance,
        evidence.source_id,
        publisher.name AS publisher_name,
        wire.name AS wire_service_name,
        sources.published_date,
        sources.published_date_precision,
        evidence.quote,
        evidence.attribution_as_stated,
        evidence.figure_as_stated,
        evidence.figure_value,
        evidence.figure_unit,
        evidence.figure_qualifier,
        evidence.notes
    FROM claim_evidence AS evidence
    JOIN claims_detailed AS claims USING (claim_id)
    JOIN sources USING (source_id)
    JOIN entities AS publisher ON publisher.entity_id = sources.publisher_entity_id
    LEFT JOIN entities AS wire ON wire.entity_id = sources.wire_service_entity_id
)

SELECT * FROM final;
