-- The model calls in scope (stg_model_calls) per fine latency bin (spans.latency_fine), of all of them (dimension
-- 'all', value '') and per feature and per model: calls and failures per bin, how many durations lie in lower bins
-- (below; a null bin, a call without a duration, sorts last) and the group's totals (n: the calls with a
-- duration). The whole days of the window are counted from latency_rollup, its partial first and last days from
-- stg_model_calls. What int_model_call_stats finds its percentiles' order statistics with.
WITH edges AS (
    SELECT feature, model, latency_fine, is_error FROM stg_model_calls
    WHERE ts < getvariable('whole_since')
    UNION ALL
    SELECT feature, model, latency_fine, is_error FROM stg_model_calls
    WHERE ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
parts AS (
    SELECT dimension, value, latency_fine, calls, failed
    FROM latency_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND (
            (span_class = 'inference' AND system IN (SELECT name FROM scope_systems WHERE kind = 'llm'))
            OR (span_class = 'prediction' AND system IN (SELECT name FROM scope_systems WHERE kind = 'classical'))
        )
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT
        d.dimension,
        CASE d.dimension
            WHEN 'feature' THEN coalesce(e.feature, '(unattributed)')
            WHEN 'model' THEN coalesce(e.model, '(unknown)')
            ELSE ''
        END,
        e.latency_fine,
        1,
        CASE WHEN e.is_error THEN 1 ELSE 0 END
    FROM edges AS e
    CROSS JOIN (SELECT 'all' AS dimension UNION ALL SELECT 'feature' UNION ALL SELECT 'model') AS d
),
bins AS (
    SELECT dimension, value, latency_fine, sum(calls) AS calls, sum(failed) AS failed
    FROM parts
    GROUP BY dimension, value, latency_fine
)
SELECT
    dimension,
    value,
    latency_fine,
    CAST(calls AS BIGINT) AS calls,
    CAST(sum(calls) OVER (PARTITION BY dimension, value ORDER BY latency_fine ROWS UNBOUNDED PRECEDING) - calls
        AS BIGINT) AS below,
    CAST(sum(calls) OVER (PARTITION BY dimension, value) AS BIGINT) AS group_calls,
    CAST(sum(failed) OVER (PARTITION BY dimension, value) AS BIGINT) AS group_failed,
    CAST(sum(CASE WHEN latency_fine IS NOT NULL THEN calls ELSE 0 END) OVER (PARTITION BY dimension, value) AS BIGINT)
        AS n
FROM bins
