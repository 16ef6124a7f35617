-- Per system, per feature and per model: latency percentiles, error rate, and the cost of the calls that
-- count usage with the share of completed ones priced (null for classical predictions, which have no cost).
SELECT
    dimension,
    value,
    count(*) AS calls,
    quantile_cont(duration_ms, 0.5) AS p50,
    quantile_cont(duration_ms, 0.95) AS p95,
    quantile_cont(duration_ms, 0.99) AS p99,
    avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate,
    sum(cost) FILTER (WHERE counted) AS cost_usd,
    avg(CASE WHEN cost IS NOT NULL THEN 1.0 ELSE 0.0 END) FILTER (WHERE counted AND NOT is_error) AS priced_share
FROM (
    SELECT 'system' AS dimension, system AS value, duration_ms, is_error, counted, cost FROM stg_model_calls
    UNION ALL
    SELECT 'feature', coalesce(feature, '(unattributed)'), duration_ms, is_error, counted, cost FROM stg_model_calls
    UNION ALL
    SELECT 'model', coalesce(model, '(unknown)'), duration_ms, is_error, counted, cost FROM stg_model_calls
) AS calls
GROUP BY dimension, value
ORDER BY dimension, value
