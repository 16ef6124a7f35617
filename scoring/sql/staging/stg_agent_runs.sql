-- `invoke_agent` spans in scope (stg_scoped_spans) with their trajectory roll-ups (never summed with
-- inference cost).
SELECT
    s.ts,
    s.trace_id,
    s.span_key,
    s.system,
    s.version,
    s.feature,
    s.agent_name,
    s.agent_version,
    s.termination,
    s.rollup_steps AS steps,
    s.rollup_tool_calls AS tool_calls,
    s.rollup_retries AS retries,
    s.duration_ns / 1e6 AS duration_ms,
    s.latency_fine,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM stg_scoped_spans AS s
WHERE s.span_class = 'agent'
