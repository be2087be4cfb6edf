-- news_entities_actions: firms and other entities that a news report names and that an action targets or an official list entry lists: which action, when, by whom, and when the news first named them.
--
-- entity_name: The entity's name (entities.name).
-- news_source_ids: The news reports that name the entity, comma-separated (sources.source_id).
-- news_surface_forms: The words those reports name it by (entity_aliases.surface_form).
-- first_named_in_news: The earliest publication date of those reports, or their earliest
--   lower bound (sources.published_date_not_before) where a date is unknown.
-- authority_name: The name of the authority that takes the action.
-- tied_as: How the entity is tied to the action: `target` (an action target), `list-entry`
--   (an official list entry the action added or revised), or both.
-- names_as_listed: The entity's names as its list entries give them, for list entries.
CREATE OR REPLACE TABLE news_entities_actions AS
WITH
-- import: the entities a news report names, with the reports and the words they use
news_names AS (
    SELECT
        aliases.entity_id,
        string_agg(DISTINCT aliases.source_id, ', ' ORDER BY aliases.source_id) AS news_source_ids,
        string_agg(DISTINCT aliases.surface_form, '; ' ORDER BY aliases.surface_form)
            AS news_surface_forms,
        -- a lower bound where a report's exact date is unknown
        min(coalesce(sources.published_date, sources.published_date_not_before))
            AS first_named_in_news
    FROM entity_aliases AS aliases
    JOIN sources USING (source_id)
    WHERE sources.source_kind = 'news-report'
    GROUP BY aliases.entity_id
),

-- import: every tie of an entity to an action, as a target or as a list entry
ties AS (
    SELECT target_entity_id AS entity_id, action_id, 'target' AS tie, NULL AS name_as_listed
    FROM action_targets
    WHERE target_entity_id IS NOT NULL
    UNION ALL
    SELECT entity_id, action_id, 'list-entry', name_as_listed
    FROM list_entries
    WHERE action_id IS NOT NULL
),

-- rename: one row per entity and action
tied AS (
    SELECT
        entity_id,
        action_id,
        string_agg(DISTINCT tie, ', ' ORDER BY tie) AS tied_as,
        string_agg(DISTINCT name_as_listed, '; ' ORDER BY name_as_listed) AS names_as_listed
    FROM ties
    GROUP BY entity_id, action_id
),

final AS (
    SELECT
        tied.entity_id,
        entities.name AS entity_name,
        CAST(entities.entity_type AS VARCHAR) AS entity_type,
        CAST(entities.country AS VARCHAR) AS country,
        news_names.news_source_ids,
        news_names.news_surface_forms,
        news_names.first_named_in_news,
        tied.action_id,
        CAST(actions.action_type AS VARCHAR) AS action_type,
        CAST(actions.status AS VARCHAR) AS status,
        actions.action_date,
        CAST(actions.action_date_precision AS VARCHAR) AS action_date_precision,
        authority.name AS authority_name,
        tied.tied_as,
        tied.names_as_listed
    FROM tied
    JOIN news_names USING (entity_id)
    JOIN entities USING (entity_id)
    JOIN actions USING (action_id)
    JOIN entities AS authority ON authority.entity_id = actions.authority_entity_id
)

SELECT * FROM final ORDER BY entity_id, action_id;
