-- claims_detailed: one row per claim, with the names of its parties and the sources behind it.
--
-- claim_id: The claim's identifier (claims.claim_id).
-- subject_name: The name of the subject entity (entities.name).
-- object_name: The name of the object entity (entities.name); empty when the claim has none.
-- asserted_by_name: The name of the party that makes the claim (entities.name).
-- evidence_rows: How many claim_evidence rows support the claim.
-- source_ids: The sources of those evidence rows, sorted (sources.source_id).
-- notes: The claim's notes (claims.notes).
CREATE OR REPLACE VIEW claims_detailed AS
WITH
evidence_by_claim AS (
    SELECT
        claim_id,
        count(*) AS evidence_rows,
        list(DISTINCT source_id ORDER BY source_id) AS source_ids
    FROM claim_evidence
    GROUP BY claim_id
),

final AS (
    SELECT
        claims.claim_id,
        claims.subject_entity_id,
        subject.name AS subject_name,
        claims.predicate,
        claims.object_entity_id,
        object.name AS object_name,
        claims.item_category,
        claims.item_as_stated,
        claims.end_use_as_stated,
        claims.quantity_value,
        claims.quantity_unit,
        claims.quantity_qualifier,
        claims.period_start,
        claims.period_end,
        claims.period_precision,
        claims.asserted_by_entity_id,
        asserting.name AS asserted_by_name,
        claims.stance,
        claims.hedge_as_stated,
        claims.is_forecast,
        claims.asserted_date,
        claims.asserted_date_precision,
        evidence_by_claim.evidence_rows,
        evidence_by_claim.source_ids,
        claims.notes
    FROM claims
    JOIN entities AS subject ON subject.entity_id = claims.subject_entity_id
    LEFT JOIN entities AS object ON object.entity_id = claims.object_entity_id
    JOIN entities AS asserting ON asserting.entity_id = claims.asserted_by_entity_id
    LEFT JOIN evidence_by_claim USING (claim_id)
)

SELECT * FROM final;
