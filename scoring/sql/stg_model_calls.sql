-- Every model call in scope, window and environment, LLM and classical alike: the rows latency and error rate read.
SELECT ts, trace_id, system, feature, model, duration_ms, is_error FROM stg_llm_calls
UNION ALL
SELECT ts, trace_id, system, feature, model, duration_ms, is_error FROM stg_predictions
