-- Context the rules need from other tables: one view per question, read by cnru.rules.
-- Reads the typed views (typed.*) and the archived texts (context.source_texts).

-- The matching rule (cnru.matching): runs of whitespace fold to one space (the class is
-- matching.SPACE_PATTERN_RE2); a value is in a text as its kind says: exactly in a plain text,
-- folded in the match text of a Markdown or JSON file.
CREATE OR REPLACE MACRO context.fold_space(value) AS
    regexp_replace(value, '[\t\n\v\f\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}'
                          || '\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+', ' ', 'g');

CREATE OR REPLACE MACRO context.in_text(kind, match_text, value) AS
    contains(match_text, CASE WHEN kind = 'txt' THEN value ELSE context.fold_space(value) END);

-- A value within a quote, whitespace folded (the exact search first: it is the common case,
-- and a value found exactly is found folded too).
CREATE OR REPLACE MACRO context.within(quote, value) AS
    CASE WHEN value IS NULL OR quote IS NULL THEN NULL
         WHEN contains(quote, value) THEN TRUE
         ELSE contains(context.fold_space(quote), context.fold_space(value)) END;

-- The last day each source can have been published, given the precision of its date.
CREATE OR REPLACE VIEW context.publication AS
SELECT
    source_id,
    CASE published_date_precision
        WHEN 'day' THEN published_date
        WHEN 'month' THEN last_day(published_date)
        WHEN 'year' THEN make_date(year(published_date), 12, 31)
    END AS published_by
FROM typed.sources;

-- Each dated claim's dates beside the earliest publication among the sources that support it
-- (a claim without dates cannot be dated after its sources).
CREATE OR REPLACE VIEW context.claim_dates AS
SELECT claims._row,
       any_value(claims.claim_id) AS claim_id,
       any_value(claims.period_start) AS period_start,
       any_value(claims.asserted_date) AS asserted_date,
       any_value(coalesce(claims.is_forecast, FALSE)) AS is_forecast,  -- unknown: not a forecast
       min(publication.published_by) AS published_by
FROM typed.claims AS claims
JOIN typed.claim_evidence AS evidence USING (claim_id)
JOIN context.publication AS publication USING (source_id)
WHERE coalesce(claims.period_start, claims.asserted_date) IS NOT NULL
GROUP BY claims._row;

CREATE OR REPLACE VIEW context.action_dates AS
WITH supported AS (
    SELECT evidence.action_id, min(publication.published_by) AS published_by
    FROM typed.action_evidence AS evidence
    JOIN context.publication AS publication USING (source_id)
    GROUP BY evidence.action_id
)
SELECT actions._row, actions.action_id, actions.action_date, supported.published_by
FROM typed.actions AS actions
JOIN supported USING (action_id);

-- A claim's quantity beside each figure its evidence states.
CREATE OR REPLACE VIEW context.claim_quantities AS
SELECT claims._row, claims.claim_id, claims.quantity_value, claims.quantity_unit,
       claims.quantity_qualifier, evidence.evidence_id, evidence.figure_value,
       evidence.figure_unit, evidence.figure_qualifier
FROM typed.claims AS claims
JOIN typed.claim_evidence AS evidence USING (claim_id)
WHERE claims.quantity_value IS NOT NULL AND evidence.figure_value IS NOT NULL;

-- Each action's total beside the largest count one source gives: the sum of its counts by
-- country, or a count of a row without a country (a group, all targets, "the rest"). A count
-- two sources give differently is two rows with evidence from each; rows without evidence
-- count as one source.
CREATE OR REPLACE VIEW context.target_sums AS
WITH per_source AS (
    SELECT targets.action_id, evidence.source_id,
           sum(targets.target_count) FILTER (WHERE targets.target_country IS NOT NULL)
               AS by_country,
           max(targets.target_count) FILTER (WHERE targets.target_country IS NULL)
               AS overall
    FROM typed.action_targets AS targets
    LEFT JOIN typed.action_evidence AS evidence USING (evidence_id)
    GROUP BY ALL
)
SELECT actions._row, actions.action_id, actions.target_count_total,
       max(greatest(per_source.by_country, per_source.overall)) AS target_count_sum
FROM typed.actions AS actions
LEFT JOIN per_source USING (action_id)
GROUP BY ALL;

-- Each target beside the action its evidence row is evidence of.
CREATE OR REPLACE VIEW context.target_evidence AS
SELECT targets._row, targets.action_id, targets.evidence_id,
       evidence.action_id AS evidence_action_id
FROM typed.action_targets AS targets
JOIN typed.action_evidence AS evidence USING (evidence_id);

-- Each external identifier beside its scheme's pattern (the whole identifier must match).
CREATE OR REPLACE VIEW context.identifier_patterns AS
WITH patterns (scheme, pattern) AS (
    VALUES ('wikidata', 'Q[1-9][0-9]*'),
           ('lei', '[A-Z0-9]{18}[0-9]{2}'),
           ('opensanctions', '[A-Za-z0-9][A-Za-z0-9._-]*'),
           ('ofac', '[1-9][0-9]*')
)
SELECT identifiers._row, identifiers.scheme, identifiers.identifier, patterns.pattern,
       regexp_full_match(identifiers.identifier, patterns.pattern) AS matches
FROM typed.entity_identifiers AS identifiers
LEFT JOIN patterns ON patterns.scheme = identifiers.scheme::VARCHAR;

-- Every text that must appear verbatim in the archived text of a source, beside whether it does
-- under the matching rule.
CREATE OR REPLACE VIEW context.verbatim AS
WITH claim_evidence AS (
    SELECT evidence._row, evidence.source_id, evidence.quote, evidence.attribution_as_stated,
           source_texts.kind, source_texts.match_text,
           context.in_text(source_texts.kind, source_texts.match_text, evidence.quote)
               AS quote_found
    FROM typed.claim_evidence AS evidence
    JOIN context.source_texts AS source_texts USING (source_id)
),
texts AS (
    SELECT 'claim_evidence' AS resource, _row, source_id,
           unnest([{'field': 'quote', 'text': quote, 'found': quote_found},
                   -- an attribution inside a quote that is found is found too: a short search
                   -- (CASE, unlike OR, searches the source text only where that one fails)
                   {'field': 'attribution_as_stated', 'text': attribution_as_stated,
                    'found': CASE WHEN quote_found AND contains(quote, attribution_as_stated)
                                  THEN TRUE
                                  ELSE context.in_text(kind, match_text,
                                                       attribution_as_stated) END}],
                  recursive := true)
    FROM claim_evidence
    UNION ALL
    -- the other texts in one join: each join copies the archived texts into its hash table
    SELECT others.resource, others._row, others.source_id, others.field, others.text,
           context.in_text(source_texts.kind, source_texts.match_text, others.text)
    FROM (
        SELECT 'action_evidence' AS resource, _row, 'quote' AS field, source_id, quote AS text
        FROM typed.action_evidence
        UNION ALL
        SELECT 'entity_aliases', _row, 'surface_form', source_id, surface_form
        FROM typed.entity_aliases
        UNION ALL
        SELECT 'entities', _row, 'country_quote', country_source_id, country_quote
        FROM typed.entities
        WHERE country_quote IS NOT NULL
        UNION ALL
        SELECT 'entity_identifiers', _row, 'quote', source_id, quote
        FROM typed.entity_identifiers
        UNION ALL
        SELECT 'list_entries', _row, listed.field, source_id, listed.text
        FROM (SELECT _row, source_id,
                     unnest([{'field': 'name_as_listed', 'text': name_as_listed},
                             {'field': 'country_as_listed', 'text': country_as_listed},
                             {'field': 'address_as_listed', 'text': address_as_listed},
                             {'field': 'federal_register_as_listed',
                              'text': federal_register_as_listed},
                             {'field': 'license_requirement_as_listed',
                              'text': license_requirement_as_listed}]) AS listed
              FROM typed.list_entries)
    ) AS others
    JOIN context.source_texts AS source_texts USING (source_id)
)
SELECT resource, _row, source_id, field, text, found FROM texts WHERE text IS NOT NULL;

-- The `*_as_stated` values of each row that has one its evidence quotes do not contain, each
-- beside whether one of the row's quotes contains it. Each (row, quote) pair is judged once for
-- all three fields of the row; only rows with a pair that lacks a value are grouped and
-- unpivoted, so a valid package yields no rows (and groups none).
CREATE OR REPLACE VIEW context.as_stated AS
WITH claim_pairs AS MATERIALIZED (
    SELECT claims._row,
           context.within(evidence.quote, claims.item_as_stated) AS item_found,
           context.within(evidence.quote, claims.end_use_as_stated) AS end_use_found,
           context.within(evidence.quote, claims.hedge_as_stated) AS hedge_found
    FROM typed.claims AS claims
    JOIN typed.claim_evidence AS evidence USING (claim_id)
    WHERE coalesce(claims.item_as_stated, claims.end_use_as_stated,
                   claims.hedge_as_stated) IS NOT NULL
),
claim_found AS (
    SELECT _row, bool_or(item_found) AS item_found, bool_or(end_use_found) AS end_use_found,
           bool_or(hedge_found) AS hedge_found
    FROM claim_pairs
    WHERE _row IN (SELECT _row FROM claim_pairs
                   WHERE item_found IS FALSE OR end_use_found IS FALSE OR hedge_found IS FALSE)
    GROUP BY _row
),
action_pairs AS MATERIALIZED (
    SELECT actions._row,
           context.within(evidence.quote, actions.instrument_as_stated) AS instrument_found,
           context.within(evidence.quote, actions.measure_as_stated) AS measure_found,
           context.within(evidence.quote, actions.reason_as_stated) AS reason_found,
           context.within(evidence.quote, actions.legal_basis_as_stated) AS legal_basis_found
    FROM typed.actions AS actions
    JOIN typed.action_evidence AS evidence USING (action_id)
    WHERE coalesce(actions.instrument_as_stated, actions.measure_as_stated,
                   actions.reason_as_stated, actions.legal_basis_as_stated) IS NOT NULL
),
action_found AS (
    SELECT _row, bool_or(instrument_found) AS instrument_found,
           bool_or(measure_found) AS measure_found, bool_or(reason_found) AS reason_found,
           bool_or(legal_basis_found) AS legal_basis_found
    FROM action_pairs
    WHERE _row IN (SELECT _row FROM action_pairs
                   WHERE instrument_found IS FALSE OR measure_found IS FALSE
                         OR reason_found IS FALSE OR legal_basis_found IS FALSE)
    GROUP BY _row
),
unpivoted AS (
    SELECT 'claims' AS resource, _row,
           unnest([{'field': 'item_as_stated', 'text': item_as_stated, 'found': item_found},
                   {'field': 'end_use_as_stated', 'text': end_use_as_stated,
                    'found': end_use_found},
                   {'field': 'hedge_as_stated', 'text': hedge_as_stated, 'found': hedge_found}],
                  recursive := true)
    FROM claim_found JOIN typed.claims USING (_row)
    WHERE item_found IS FALSE OR end_use_found IS FALSE OR hedge_found IS FALSE
    UNION ALL
    SELECT 'actions', _row,
           unnest([{'field': 'instrument_as_stated', 'text': instrument_as_stated,
                    'found': instrument_found},
                   {'field': 'measure_as_stated', 'text': measure_as_stated,
                    'found': measure_found},
                   {'field': 'reason_as_stated', 'text': reason_as_stated,
                    'found': reason_found},
                   {'field': 'legal_basis_as_stated', 'text': legal_basis_as_stated,
                    'found': legal_basis_found}],
                  recursive := true)
    FROM action_found JOIN typed.actions USING (_row)
    WHERE instrument_found IS FALSE OR measure_found IS FALSE OR reason_found IS FALSE
          OR legal_basis_found IS FALSE
)
SELECT resource, _row, field, text, found FROM unpivoted
WHERE text IS NOT NULL
UNION ALL
SELECT 'claim_evidence', _row, 'figure_as_stated', figure_as_stated,
       context.within(quote, figure_as_stated)
FROM typed.claim_evidence
WHERE figure_as_stated IS NOT NULL
UNION ALL
SELECT 'entity_identifiers', _row, 'identifier', identifier, context.within(quote, identifier)
FROM typed.entity_identifiers;

-- Claim, action and evidence identifiers mentioned in notes, beside whether they exist.
CREATE OR REPLACE VIEW context.note_references AS
WITH notes AS (
    SELECT 'sources' AS resource, _row, 'notes' AS field, notes FROM typed.sources
    UNION ALL SELECT 'entities', _row, 'notes', notes FROM typed.entities
    UNION ALL SELECT 'entity_aliases', _row, 'notes', notes FROM typed.entity_aliases
    UNION ALL SELECT 'claims', _row, 'notes', notes FROM typed.claims
    UNION ALL SELECT 'claim_evidence', _row, 'notes', notes FROM typed.claim_evidence
    UNION ALL SELECT 'actions', _row, 'notes', notes FROM typed.actions
    UNION ALL SELECT 'action_targets', _row, 'notes', notes FROM typed.action_targets
    UNION ALL SELECT 'action_evidence', _row, 'notes', notes FROM typed.action_evidence
    UNION ALL SELECT 'list_entries', _row, 'notes', notes FROM typed.list_entries
    UNION ALL SELECT 'links', _row, 'notes', notes FROM typed.links
),
mentions AS (
    SELECT resource, _row, field,
           unnest(regexp_extract_all(notes, '\b((c|a|ev|ae)-[0-9]{3,})\b', 1)) AS reference
    FROM notes
    WHERE regexp_matches(notes, '\b(c|a|ev|ae)-[0-9]{3,}\b')
),
known AS (
    SELECT claim_id AS reference FROM typed.claims
    UNION ALL
    SELECT action_id FROM typed.actions
    UNION ALL
    SELECT evidence_id FROM typed.claim_evidence
    UNION ALL
    SELECT evidence_id FROM typed.action_evidence
)
SELECT mentions.resource, mentions._row, mentions.field, mentions.reference,
       mentions.reference IN (SELECT reference FROM known) AS known
FROM mentions;

-- Every dated cell beside its precision; `bound` says whether it starts or ends a period.
CREATE OR REPLACE VIEW context.dates AS
SELECT 'sources' AS resource, _row, 'published_date' AS field, published_date AS date,
       published_date_precision AS precision, 'start' AS bound
FROM typed.sources
UNION ALL
SELECT 'actions', _row, 'action_date', action_date, action_date_precision, 'start'
FROM typed.actions
UNION ALL
SELECT 'claims', _row, 'asserted_date', asserted_date, asserted_date_precision, 'start'
FROM typed.claims
UNION ALL
SELECT 'claims', _row, 'period_start', period_start, period_precision, 'start' FROM typed.claims
UNION ALL
SELECT 'claims', _row, 'period_end', period_end, period_precision, 'end' FROM typed.claims;

-- Dates beside the last day their supporting sources can have been published.
CREATE OR REPLACE VIEW context.dated_claims_and_actions AS
SELECT 'claims' AS resource, _row,
       unnest([{'field': 'period_start', 'date': period_start, 'forecast': is_forecast},
               {'field': 'asserted_date', 'date': asserted_date, 'forecast': FALSE}],
              recursive := true),
       published_by
FROM context.claim_dates
UNION ALL
SELECT 'actions', _row, 'action_date', action_date, FALSE, published_by
FROM context.action_dates;

-- Values that need a note saying how they were derived, beside the note.
CREATE OR REPLACE VIEW context.derivations AS
SELECT 'sources' AS resource, _row, 'published_date_note' AS field,
       published_date IS NOT NULL AS needed, published_date_note AS note
FROM typed.sources
UNION ALL
SELECT 'claims', _row, 'period_note', coalesce(period_start, period_end) IS NOT NULL, period_note
FROM typed.claims
UNION ALL
SELECT 'claims', _row, 'asserted_date_note', asserted_date IS NOT NULL, asserted_date_note
FROM typed.claims
UNION ALL
SELECT 'actions', _row, 'action_date_note', action_date IS NOT NULL, action_date_note
FROM typed.actions
UNION ALL
SELECT 'action_targets', _row, 'notes', target_count_basis = 'derived', notes
FROM typed.action_targets;

-- Quantities of claims and figures of evidence, side by side.
CREATE OR REPLACE VIEW context.quantities AS
SELECT 'claims' AS resource, _row, 'quantity_value' AS value_field, 'quantity_unit' AS unit_field,
       quantity_value AS value, quantity_unit AS unit, quantity_qualifier AS qualifier
FROM typed.claims
UNION ALL
SELECT 'claim_evidence', _row, 'figure_value', 'figure_unit', figure_value, figure_unit,
       figure_qualifier
FROM typed.claim_evidence;

-- The offsets of every evidence quote that has one (cnru.sources.check_offsets judges them
-- against the archived text), beside its source's kind and text.
CREATE OR REPLACE VIEW context.evidence_offsets AS
SELECT 'claim_evidence' AS resource, _row, source_id, quote, quote_start, quote_end
FROM typed.claim_evidence
WHERE quote_start IS NOT NULL OR quote_end IS NOT NULL
UNION ALL
SELECT 'action_evidence', _row, source_id, quote, quote_start, quote_end
FROM typed.action_evidence
WHERE quote_start IS NOT NULL OR quote_end IS NOT NULL;

-- Dates beside their bounds: the last day a date can stand for, given its precision.
CREATE OR REPLACE VIEW context.date_bounds AS
WITH dated AS (
    SELECT 'sources' AS resource, _row, 'published_date' AS field,
           published_date AS date, published_date_precision AS precision,
           'published_date_not_after' AS after_field,
           published_date_not_before AS not_before, published_date_not_after AS not_after
    FROM typed.sources
    WHERE coalesce(published_date_not_before, published_date_not_after) IS NOT NULL
    UNION ALL
    SELECT 'actions', _row, 'action_date', action_date, action_date_precision,
           'action_date_not_after', action_date_not_before, action_date_not_after
    FROM typed.actions
    WHERE coalesce(action_date_not_before, action_date_not_after) IS NOT NULL
)
SELECT resource, _row, field, date, after_field, not_before, not_after,
       CASE precision
           WHEN 'month' THEN last_day(date)
           WHEN 'year' THEN make_date(year(date), 12, 31)
           ELSE date
       END AS date_last
FROM dated;
