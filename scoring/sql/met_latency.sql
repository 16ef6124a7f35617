-- Latency of model calls (inference spans, or predictions for classical systems): p50, p95, p99 in ms.
SELECT
    count(*) AS calls,
    quantile_cont(duration_ms, 0.5) AS p50,
    quantile_cont(duration_ms, 0.95) AS p95,
    quantile_cont(duration_ms, 0.99) AS p99,
    avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate
FROM stg_model_calls
