-- Broken traces: share of inference and tool spans in scope (stg_scoped_spans) whose parent span is not in
-- the lake. The spans with a parent of the window's whole days are counted from parent_rollup
-- (tables/parent_rollup.sql), those of its partial first and last days from stg_scoped_spans; the orphans
-- among them are found from the (few) orphans.
WITH counted AS (  -- each edge filters its own scan (a CTE read twice is materialized whole, unfiltered)
    SELECT spans
    FROM parent_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND system IN (SELECT name FROM scope_systems)
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT CAST(count(*) AS BIGINT) FROM stg_scoped_spans
    WHERE span_class IN ('inference', 'tool') AND parent_key IS NOT NULL
        AND ts < getvariable('whole_since')
    UNION ALL
    SELECT CAST(count(*) AS BIGINT) FROM stg_scoped_spans
    WHERE span_class IN ('inference', 'tool') AND parent_key IS NOT NULL
        AND ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
totals AS (
    SELECT
        CAST(sum(spans) AS BIGINT) AS spans_with_parent,
        (
            SELECT count(*) FROM stg_scoped_spans AS s
            WHERE s.span_class IN ('inference', 'tool') AND s.parent_key IS NOT NULL
                AND s.span_key IN (SELECT span_key FROM orphans)
        ) AS orphaned
    FROM counted
)
SELECT
    spans_with_parent,
    CASE WHEN spans_with_parent = 0 THEN NULL ELSE orphaned / spans_with_parent END AS orphan_share
FROM totals
