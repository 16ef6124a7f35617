-- The agent runs (invoke_agent) rolled up per segment, day, system, environment, eval traffic, agent and version:
-- per steps value (kind 'steps': runs, and the counts and sums met_trajectory averages, so its mean and p95 of
-- steps come exactly from them) and per fine latency bin (kind 'duration': runs, naming the bins whose durations
-- its p95 of duration ranks). What met_trajectory counts for the whole days of a window (its edge part reads
-- stg_agent_runs). Run after the loads and eval traffic, over $segments: every segment into an emptied table, or
-- only the ones a sync added (Engine._roll_up).
INSERT INTO trajectory_rollup
WITH runs AS (
    SELECT
        segment, date_trunc('day', ts) AS day, system, env, eval_traffic,
        coalesce(agent_name, '(unnamed)') AS agent, coalesce(agent_version, '(unversioned)') AS version,
        rollup_steps, latency_fine, rollup_tool_calls, rollup_retries, termination,
        status = 'Error' OR error_type IS NOT NULL AS is_error
    FROM spans
    WHERE span_class = 'agent' AND segment IN (SELECT unnest($segments))
)
SELECT
    segment, day, system, env, eval_traffic, agent, version, 'steps', rollup_steps, count(*), count(rollup_tool_calls),
    sum(rollup_tool_calls), count(rollup_retries), sum(rollup_retries),
    count(*) FILTER (WHERE termination = 'completed'),
    count(termination), count(*) FILTER (WHERE is_error)
FROM runs
GROUP BY segment, day, system, env, eval_traffic, agent, version, rollup_steps
UNION ALL
SELECT segment, day, system, env, eval_traffic, agent, version, 'duration', latency_fine, count(*), 0, 0, 0, 0, 0, 0, 0
FROM runs
GROUP BY segment, day, system, env, eval_traffic, agent, version, latency_fine
