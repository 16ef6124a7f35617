-- The canary's evidence over the scoring views of one system in a window: one row per model call (latency,
-- failed), priced request (cost), agent run (steps, tool calls, failed) and online eval score, of the two
-- versions compared. A span's version is its service.version (staging's `version`: the span's, else its
-- resource's); an agent run without one falls back to gen_ai.agent.version. Bound: $baseline, $canary.
SELECT 'call' AS source, CAST(NULL AS VARCHAR) AS name, version, duration_ms AS value,
    CAST(NULL AS DOUBLE) AS extra, is_error AS failed
FROM stg_model_calls
WHERE version IN ($baseline, $canary)
UNION ALL
SELECT 'request', NULL, version, cost_usd, NULL, NULL
FROM (
    -- priced requests, as met_cost_per_request counts them
    SELECT version, sum(cost) FILTER (WHERE counted) AS cost_usd
    FROM stg_llm_calls
    WHERE version IN ($baseline, $canary)
    GROUP BY trace_key, version
    HAVING count(cost) FILTER (WHERE counted) > 0
        AND count(*) FILTER (WHERE counted AND NOT is_error AND cost IS NULL) = 0
) AS requests
UNION ALL
SELECT 'run', NULL, coalesce(version, agent_version), CAST(steps AS DOUBLE), CAST(tool_calls AS DOUBLE), is_error
FROM stg_agent_runs
WHERE coalesce(version, agent_version) IN ($baseline, $canary)
UNION ALL
SELECT 'eval', e.evaluation_name, coalesce(s.version, s.agent_version), e.score_value, NULL, NULL
FROM eval_scores AS e
JOIN stg_scoped_spans AS s ON s.trace_id = e.trace_id AND s.span_key = TRY_CAST('0x' || e.span_id AS UBIGINT)
WHERE e.score_value IS NOT NULL AND isfinite(e.score_value)
    AND coalesce(s.version, s.agent_version) IN ($baseline, $canary)
