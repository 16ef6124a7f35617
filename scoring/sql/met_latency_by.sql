-- Latency percentiles and error rate of model calls per system, per feature and per model.
SELECT
    dimension,
    value,
    count(*) AS calls,
    quantile_cont(duration_ms, 0.5) AS p50,
    quantile_cont(duration_ms, 0.95) AS p95,
    quantile_cont(duration_ms, 0.99) AS p99,
    avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate
FROM (
    SELECT 'system' AS dimension, system AS value, duration_ms, is_error FROM stg_model_calls
    UNION ALL
    SELECT 'feature', coalesce(feature, '(unattributed)'), duration_ms, is_error FROM stg_model_calls
    UNION ALL
    SELECT 'model', coalesce(model, '(unknown)'), duration_ms, is_error FROM stg_model_calls
) AS calls
GROUP BY dimension, value
ORDER BY dimension, value
