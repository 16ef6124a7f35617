-- Latency of the period's production model calls (ms) and their error rate.
SELECT calls, failed, p50, p95, p99, error_rate FROM met_latency
