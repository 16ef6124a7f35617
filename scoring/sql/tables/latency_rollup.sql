-- The inference and prediction spans rolled up per segment, day, system, environment, eval traffic, class, fine
-- latency bin and group: of all calls (dimension 'all', value ''), per feature and per model, named as
-- int_latency_bins names them. What it counts for the whole days of a window (its edge part reads
-- stg_model_calls for the partial days). Run after the loads and eval traffic, over an emptied table.
INSERT INTO latency_rollup
WITH calls AS (
    SELECT
        segment, date_trunc('day', ts) AS day, system, env, eval_traffic, span_class, latency_fine,
        coalesce(feature, '(unattributed)') AS feature,
        coalesce(CASE WHEN span_class = 'prediction' THEN model_name ELSE coalesce(response_model, request_model) END,
            '(unknown)') AS model,
        count(*) AS calls,
        count_if(status = 'Error' OR error_type IS NOT NULL) AS failed
    FROM spans
    WHERE span_class IN ('inference', 'prediction')
    GROUP BY ALL
)
SELECT
    c.segment, c.day, c.system, c.env, c.eval_traffic, c.span_class, d.dimension,
    CASE d.dimension WHEN 'feature' THEN c.feature WHEN 'model' THEN c.model ELSE '' END AS value,
    c.latency_fine, sum(c.calls), sum(c.failed)
FROM calls AS c
CROSS JOIN (SELECT 'all' AS dimension UNION ALL SELECT 'feature' UNION ALL SELECT 'model') AS d
GROUP BY ALL
