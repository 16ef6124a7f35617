-- Latency of model calls (inference spans, or predictions for classical systems): p50, p95, p99 in ms.
SELECT calls, failed, latency_ms[1] AS p50, latency_ms[2] AS p95, latency_ms[3] AS p99, error_rate, weeks
FROM int_model_call_summary
