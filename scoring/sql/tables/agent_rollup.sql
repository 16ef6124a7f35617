-- The agent runs (invoke_agent) and tool steps (execute_tool) rolled up per segment, day, system, environment and
-- eval traffic: what int_agent_activity counts (its edge part counts stg_agent_runs and stg_agent_steps for the
-- partial days of a window). Run after the loads and eval traffic, over $segments: every segment into an emptied
-- table, or only the ones a sync added (Engine._roll_up).
INSERT INTO agent_rollup
SELECT
    segment,
    date_trunc('day', ts) AS day,
    system,
    env,
    eval_traffic,
    count(*) FILTER (WHERE span_class = 'agent'),
    count(*) FILTER (WHERE span_class = 'agent' AND termination IS NOT NULL),
    count(*) FILTER (WHERE span_class = 'tool'),
    count(*) FILTER (WHERE span_class = 'tool' AND tool_allowed AND tool_owner IS NOT NULL)
FROM spans
WHERE span_class IN ('agent', 'tool') AND segment IN (SELECT unnest($segments))
GROUP BY segment, date_trunc('day', ts), system, env, eval_traffic
