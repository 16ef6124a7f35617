-- Classical-model `predict {model}` spans of systems in scope, in the window.
SELECT
    s.ts,
    s.trace_id,
    s.span_id,
    s.system_attr AS system,
    s.feature,
    s.model_name AS model,
    s.model_version,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM spans AS s
WHERE s.record_type = 'prediction'
    AND s.ts >= (SELECT since FROM params) AND s.ts < (SELECT until FROM params)
    AND s.system_attr IN (SELECT name FROM scope_systems)
