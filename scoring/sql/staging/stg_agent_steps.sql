-- `execute_tool` spans in scope (stg_scoped_spans): one row per tool step of an agent run.
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
FROM stg_scoped_spans AS s
WHERE s.span_class = 'tool'
