-- `execute_tool` spans in scope, window and environment (one row per tool step of an agent run).
SELECT
    s.ts,
    s.trace_id,
    s.span_key,
    s.parent_key,
    s.system,
    s.tool_name,
    s.tool_allowed,
    s.tool_owner,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM spans AS s
WHERE s.span_class = 'tool'
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
    AND s.system IN (SELECT name FROM scope_systems)
    AND coalesce(s.env, 'production') = getvariable('env')
    AND s.trace_key NOT IN (SELECT trace_key FROM stg_eval_traces)
