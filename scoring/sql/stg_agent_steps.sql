-- `execute_tool` spans in scope and window (one row per tool step of an agent run).
SELECT
    s.ts,
    s.trace_id,
    s.span_id,
    s.parent_span_id,
    coalesce(s.system_attr, s.service) AS system,
    s.tool_name,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM spans AS s
WHERE s.operation = 'execute_tool'
    AND s.ts >= (SELECT since FROM params) AND s.ts < (SELECT until FROM params)
    AND coalesce(s.system_attr, s.service) IN (SELECT name FROM scope_systems)
