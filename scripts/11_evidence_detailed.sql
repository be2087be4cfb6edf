-- evidence_detailed: one row per evidence row: the claim, its parties, the source and the quote.
--
-- claim_id: The claim the evidence supports (claims.claim_id).
-- subject_name: The name of the claim's subject entity.
-- object_name: The name of the claim's object entity; empty when the claim has none.
-- asserted_by_name: The name of the party that makes the claim.
-- source_id: The source the quote is from (sources.source_id).
-- publisher_name: The name of the source's publisher (entities.name).
-- wire_service_name: The name of the source's wire service; empty when it has none.
-- notes: The evidence row's notes (claim_evidence.notes).
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
