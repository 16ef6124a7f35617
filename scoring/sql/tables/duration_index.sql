-- The model calls (inference spans, predictions) and agent runs with their durations in ms, sorted by fine latency
-- bin: what int_model_call_stats and met_trajectory rank the durations of their percentiles' bins from. Sorted,
-- each row group holds a narrow run of bins, so a scan for a few bins skips the rest by their zone maps. The model
-- is the one stg_model_calls names (a prediction's model_name, else the response's, else the request's). Run after
-- the loads and eval traffic, over $segments: every segment into an emptied table, or only the ones a sync added
-- (Engine._roll_up).
INSERT INTO duration_index
SELECT
    latency_fine, span_class, ts, system, env, eval_traffic, feature,
    CASE span_class
        WHEN 'prediction' THEN model_name
        WHEN 'inference' THEN coalesce(response_model, request_model)
    END,
    agent_name, agent_version, duration_ns / 1e6
FROM spans
WHERE span_class IN ('inference', 'prediction', 'agent') AND latency_fine IS NOT NULL
    AND segment IN (SELECT unnest($segments))
ORDER BY latency_fine
