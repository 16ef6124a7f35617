-- Agent trajectory per agent and version (gen_ai.agent.version, else the service.version of its resource):
-- runs, steps, tool calls, retries, termination and errors (from run roll-ups).
SELECT
    coalesce(agent_name, '(unnamed)') AS agent,
    coalesce(agent_version, '(unversioned)') AS version,
    count(*) AS runs,
    avg(steps) AS mean_steps,
    quantile_cont(steps, 0.95) AS p95_steps,
    avg(tool_calls) AS mean_tool_calls,
    avg(retries) AS mean_retries,
    avg(CASE WHEN termination = 'completed' THEN 1.0 ELSE 0.0 END) AS completed_share,
    avg(CASE WHEN termination IS NOT NULL THEN 1.0 ELSE 0.0 END) AS termination_recorded_share,
    avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate,
    quantile_cont(duration_ms, 0.95) AS p95_duration_ms
FROM stg_agent_runs
GROUP BY coalesce(agent_name, '(unnamed)'), coalesce(agent_version, '(unversioned)')
ORDER BY agent, version
