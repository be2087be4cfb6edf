-- sanctions_timeline: every action in date order (undated last), with target counts by country.
--
-- action_id: The action's identifier (actions.action_id).
-- authority_name: The name of the authority that takes the action.
-- targets_by_country: Target counts by country code, in target_no order (`other` for a count of
--   targets elsewhere, `?` for a country whose count is not given).
-- targeted_entities: The names of the targets named as entities, in target_no order.
-- source_ids: The sources of the action's evidence, comma-separated.
CREATE OR REPLACE TABLE sanctions_timeline AS
WITH
counted AS (
    SELECT
        action_id,
        string_agg(
            coalesce(CAST(target_country AS VARCHAR), 'other') || ': '
            || coalesce(CAST(target_count AS VARCHAR), '?'),
            ', ' ORDER BY target_no
        ) FILTER (WHERE target_country IS NOT NULL OR target_entity_id IS NULL)
            AS targets_by_country,
        string_agg(entities.name, '; ' ORDER BY target_no)
            FILTER (WHERE target_entity_id IS NOT NULL) AS targeted_entities
    FROM action_targets
    LEFT JOIN entities ON entities.entity_id = action_targets.target_entity_id
    GROUP BY action_id
),

final AS (
    SELECT
        actions.action_date,
        CAST(actions.action_date_precision AS VARCHAR) AS action_date_precision,
        actions.action_id,
        actions.authority_name,
        CAST(actions.action_type AS VARCHAR) AS action_type,
        CAST(actions.status AS VARCHAR) AS status,
        actions.target_count_total,
        counted.targets_by_country,
        counted.targeted_entities,
        array_to_string(actions.source_ids, ', ') AS source_ids
    FROM actions_detailed AS actions
    LEFT JOIN counted USING (action_id)
)

SELECT * FROM final ORDER BY action_date NULLS LAST, action_id;
