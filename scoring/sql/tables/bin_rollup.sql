-- The inference and prediction spans rolled up per segment, day, system, environment, eval traffic, class and drift
-- bins: what int_call_histogram counts (its edge part counts stg_model_calls for the partial days of a window). Run
-- after the loads and eval traffic, over $segments: every segment into an emptied table, or only the ones a sync
-- added (Engine._roll_up).
INSERT INTO bin_rollup
SELECT segment, date_trunc('day', ts) AS day, system, env, eval_traffic, span_class, latency_bin, tokens_bin, count(*)
FROM spans
WHERE span_class IN ('inference', 'prediction') AND segment IN (SELECT unnest($segments))
GROUP BY segment, date_trunc('day', ts), system, env, eval_traffic, span_class, latency_bin, tokens_bin
