-- `invoke_agent` spans in scope and window with their trajectory roll-ups (never summed with inference cost).
SELECT
    s.ts,
    s.trace_id,
    s.span_id,
    coalesce(s.system_attr, s.service) AS system,
    s.feature,
    s.agent_name,
    s.termination,
    s.rollup_steps AS steps,
    s.rollup_tool_calls AS tool_calls,
    s.rollup_retries AS retries,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM spans AS s
WHERE s.operation = 'invoke_agent'
    AND s.ts >= (SELECT since FROM params) AND s.ts < (SELECT until FROM params)
    AND coalesce(s.system_attr, s.service) IN (SELECT name FROM scope_systems)
