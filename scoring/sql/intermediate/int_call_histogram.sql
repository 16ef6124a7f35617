-- The model calls of the window per week (from the window start) and drift bins (load_spans.sql computes
-- them: quarter-decades of latency ms, half powers of two of input + output tokens): what drift and the
-- weeks with calls read, without re-binning millions of calls. The model calls are stg_model_calls': the
-- whole days of the window are counted from bin_rollup (tables/bin_rollup.sql), only the calls of its partial
-- first and last days are read from stg_model_calls. A day's week is its calls' (weeks count day boundaries).
WITH edges AS (
    SELECT ts, latency_bin, tokens_bin FROM stg_model_calls
    WHERE ts < getvariable('whole_since')
    UNION ALL
    SELECT ts, latency_bin, tokens_bin FROM stg_model_calls
    WHERE ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
parts AS (
    SELECT
        day AS ts,
        latency_bin,
        CASE WHEN span_class = 'inference' THEN tokens_bin END AS tokens_bin,
        calls
    FROM bin_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND (
            (span_class = 'inference' AND system IN (SELECT name FROM scope_systems WHERE kind = 'llm'))
            OR (span_class = 'prediction' AND system IN (SELECT name FROM scope_systems WHERE kind = 'classical'))
        )
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT ts, latency_bin, tokens_bin, CAST(1 AS BIGINT) FROM edges
)
SELECT
    date_diff('day', getvariable('since'), ts) // 7 AS week,
    latency_bin,
    tokens_bin,
    CAST(sum(calls) AS BIGINT) AS calls
FROM parts
GROUP BY ALL
