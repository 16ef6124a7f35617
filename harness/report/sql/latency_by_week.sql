-- Latency and time to first chunk per calendar week (ISO, from Monday) and model, with the definitions of the
-- scorecard: latency over every model call in scope (int_model_call_stats), time to first chunk over the
-- completed streamed calls of LLM systems (met_time_to_first_chunk).
WITH calls AS (
    SELECT
        date_trunc('week', ts) AS week,
        coalesce(model, '(unknown)') AS model,
        count(*) AS calls,
        quantile_cont(duration_ms, [0.5, 0.95, 0.99]) AS latency_ms
    FROM stg_model_calls
    GROUP BY ALL
),
streams AS (
    SELECT
        date_trunc('week', ts) AS week,
        coalesce(model, '(unknown)') AS model,
        count(*) AS streams,
        quantile_cont(ttfc_ms, [0.5, 0.95]) AS ttfc_ms
    FROM stg_llm_calls
    WHERE NOT is_error AND ttfc_ms IS NOT NULL
        AND system IN (SELECT name FROM scope_systems WHERE kind = 'llm')
    GROUP BY ALL
)
SELECT
    c.week,
    c.model,
    c.calls,
    c.latency_ms[1] AS p50,
    c.latency_ms[2] AS p95,
    c.latency_ms[3] AS p99,
    coalesce(s.streams, 0) AS streams,
    s.ttfc_ms[1] AS ttfc_p50,
    s.ttfc_ms[2] AS ttfc_p95
FROM calls AS c
LEFT JOIN streams AS s USING (week, model)
ORDER BY c.week, c.model
