-- Every model call in scope, window and environment that latency and error rate read: inference spans of
-- LLM systems, predictions of classical ones (an LLM system's own classifier does not blur its LLM latency).
-- Cost is the LLM call's (null for predictions), counted only where the call counts usage.
SELECT ts, trace_id, system, version, feature, model, duration_ms, is_error, counted, cost, latency_bin, latency_fine,
    tokens_bin
FROM stg_llm_calls
WHERE system IN (SELECT name FROM scope_systems WHERE kind = 'llm')
UNION ALL
SELECT ts, trace_id, system, version, feature, model, duration_ms, is_error, false, CAST(NULL AS DOUBLE), latency_bin,
    latency_fine, CAST(NULL AS SMALLINT)
FROM stg_predictions
WHERE system IN (SELECT name FROM scope_systems WHERE kind = 'classical')
