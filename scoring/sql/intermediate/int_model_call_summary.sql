-- The model calls in scope and window: count, failed, latency percentiles (ms), error rate, weeks with calls.
SELECT
    s.calls,
    s.failed,
    s.latency_ms,
    CASE WHEN s.calls = 0 THEN NULL ELSE s.failed / s.calls END AS error_rate,
    (SELECT count(DISTINCT week) FROM int_call_histogram) AS weeks
FROM int_model_call_stats AS s
WHERE s.dimension = 'all'
