-- One pass over the model calls in scope for latency percentiles (ms) and errors, of all of them and per
-- feature and per model (grouping sets; the per-system figures are met_latency_by's own, read on demand).
SELECT
    CASE WHEN grouping(feature) = 0 THEN 'feature' WHEN grouping(model) = 0 THEN 'model' ELSE 'all' END
        AS dimension,
    coalesce(feature, model) AS value,
    count(*) AS calls,
    count_if(is_error) AS failed,
    quantile_cont(duration_ms, [0.5, 0.95, 0.99]) AS latency_ms
FROM (
    SELECT coalesce(feature, '(unattributed)') AS feature, coalesce(model, '(unknown)') AS model, duration_ms, is_error
    FROM stg_model_calls
) AS calls
GROUP BY GROUPING SETS ((), (feature), (model))
