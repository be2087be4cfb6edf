-- actions_detailed: one row per action, with its authority, its targets and its sources.
--
-- action_id: The action's identifier (actions.action_id).
-- authority_name: The name of the authority that takes the action (entities.name).
-- announced_by_name: The name of whoever announced it (entities.name); empty when unknown.
-- issued_by_name: The name of whoever issued the instrument, when not the authority
--   (entities.name); empty otherwise.
-- targets: The action's targets in target_no order: entity_id, entity_name, country, count and
--   count_basis of each action_targets row.
-- source_ids: The sources of the action's evidence, sorted (sources.source_id).
-- notes: The action's notes (actions.notes).
CREATE OR REPLACE VIEW actions_detailed AS
WITH
targets_by_action AS (
    SELECT
        targets.action_id,
        list(
            {
                'entity_id': targets.target_entity_id,
                'entity_name': entities.name,
                'country': targets.target_country,
                'count': targets.target_count,
                'count_basis': targets.target_count_basis
            }
            ORDER BY targets.target_no
        ) AS targets
    FROM action_targets AS targets
    LEFT JOIN entities ON entities.entity_id = targets.target_entity_id
    GROUP BY targets.action_id
),

sources_by_action AS (
    SELECT action_id, list(DISTINCT source_id ORDER BY source_id) AS source_ids
    FROM action_evidence
    GROUP BY action_id
),

final AS (
    SELECT
        actions.action_id,
        actions.authority_entity_id,
        authority.name AS authority_name,
        actions.announced_by_entity_id,
        announcer.name AS announced_by_name,
        actions.issued_by_entity_id,
        issuer.name AS issued_by_name,
        actions.action_type,
        actions.status,
        actions.action_date,
        actions.action_date_precision,
        actions.action_date_note,
        actions.action_date_not_before,
        actions.action_date_not_after,
        actions.instrument_as_stated,
        actions.measure_as_stated,
        actions.reason_as_stated,
        actions.legal_basis_as_stated,
        actions.target_count_total,
        targets_by_action.targets,
        sources_by_action.source_ids,
        actions.notes
    FROM actions
    JOIN entities AS authority ON authority.entity_id = actions.authority_entity_id
    LEFT JOIN entities AS announcer ON announcer.entity_id = actions.announced_by_entity_id
    LEFT JOIN entities AS issuer ON issuer.entity_id = actions.issued_by_entity_id
    LEFT JOIN targets_by_action USING (action_id)
    LEFT JOIN sources_by_action USING (action_id)
)

SELECT * FROM final;
