-- Classical-model `predict {model}` spans of systems in scope, in the window and environment.
SELECT
    s.ts,
    s.trace_id,
    s.trace_key,
    s.span_key,
    s.system,
    s.feature,
    s.model_name AS model,
    s.model_version,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM spans AS s
WHERE s.span_class = 'prediction'
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
    AND s.system IN (SELECT name FROM scope_systems)
    AND coalesce(s.env, 'production') = getvariable('env')
