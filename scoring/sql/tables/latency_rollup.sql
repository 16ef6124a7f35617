-- The inference and prediction spans rolled up per segment, day, system, environment, eval traffic, class, fine
-- latency bin and group: of all calls (dimension 'all', value ''), per feature and per model, named as
-- int_latency_bins names them, in one pass of grouping sets. What it counts for the whole days of a window (its
-- edge part reads stg_model_calls for the partial days). Run after the loads and eval traffic, over $segments:
-- every segment into an emptied table, or only the ones a sync added (Engine._roll_up).
INSERT INTO latency_rollup
SELECT
    segment, day, system, env, eval_traffic, span_class,
    CASE WHEN grouping(feature) = 0 THEN 'feature' WHEN grouping(model) = 0 THEN 'model' ELSE 'all' END,
    CASE WHEN grouping(feature) = 0 THEN feature WHEN grouping(model) = 0 THEN model ELSE '' END,
    latency_fine, count(*), count(*) FILTER (WHERE failed)
FROM (
    SELECT
        segment, date_trunc('day', ts) AS day, system, env, eval_traffic, span_class, latency_fine,
        coalesce(feature, '(unattributed)') AS feature,
        coalesce(CASE WHEN span_class = 'prediction' THEN model_name ELSE coalesce(response_model, request_model) END,
            '(unknown)') AS model,
        status = 'Error' OR error_type IS NOT NULL AS failed
    FROM spans
    WHERE span_class IN ('inference', 'prediction') AND segment IN (SELECT unnest($segments))
) AS calls
GROUP BY GROUPING SETS (
    (segment, day, system, env, eval_traffic, span_class, latency_fine),
    (segment, day, system, env, eval_traffic, span_class, latency_fine, feature),
    (segment, day, system, env, eval_traffic, span_class, latency_fine, model)
)
