-- Classical-model `predict {model}` spans in scope (stg_scoped_spans).
SELECT
    s.ts,
    s.trace_id,
    s.trace_key,
    s.span_key,
    s.system,
    s.version,
    s.feature,
    s.model_name AS model,
    s.model_version,
    s.duration_ns / 1e6 AS duration_ms,
    s.latency_bin,
    s.latency_fine,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM stg_scoped_spans AS s
WHERE s.span_class = 'prediction'
