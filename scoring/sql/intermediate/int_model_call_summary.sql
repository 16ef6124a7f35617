-- One pass over the model calls in scope and window: count, failed, latency percentiles (ms), error rate,
-- weeks with calls.
SELECT
    count(*) AS calls,
    count(*) FILTER (WHERE is_error) AS failed,
    quantile_cont(duration_ms, [0.5, 0.95, 0.99]) AS latency_ms,
    avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate,
    count(DISTINCT date_diff('day', getvariable('since'), ts) // 7) AS weeks
FROM stg_model_calls
