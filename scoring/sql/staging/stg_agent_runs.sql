-- `invoke_agent` spans in scope, window and environment (unset counts as production) with their trajectory
-- roll-ups (never summed with inference cost).
SELECT
    s.ts,
    s.trace_id,
    s.span_key,
    s.system,
    s.feature,
    s.agent_name,
    s.agent_version,
    s.termination,
    s.rollup_steps AS steps,
    s.rollup_tool_calls AS tool_calls,
    s.rollup_retries AS retries,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error
FROM spans AS s
WHERE s.span_class = 'agent'
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
    AND s.system IN (SELECT name FROM scope_systems)
    AND coalesce(s.env, 'production') = getvariable('env')
    AND s.trace_key NOT IN (SELECT trace_key FROM stg_eval_traces)
