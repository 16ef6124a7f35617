-- Agent trajectory per agent and version (gen_ai.agent.version, else the service.version of its resource):
-- runs, steps, tool calls, retries, termination and errors (from run roll-ups), with quantile_cont's p95 of steps
-- and of duration. The whole days of the window are counted from trajectory_rollup, its partial first and last
-- days from stg_agent_runs; steps are whole numbers, so their p95 is exact from the counts per value, and the
-- p95 of duration ranks only the durations of the fine latency bins holding its order statistics (as
-- int_model_call_stats does).
WITH edges AS (
    SELECT * FROM stg_agent_runs
    WHERE ts < getvariable('whole_since')
    UNION ALL
    SELECT * FROM stg_agent_runs
    WHERE ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
parts AS (
    SELECT agent, version, kind, value, runs, tool_calls_n, tool_calls_sum, retries_n, retries_sum, completed,
        terminated, failed
    FROM trajectory_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND system IN (SELECT name FROM scope_systems)
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT coalesce(agent_name, '(unnamed)'), coalesce(agent_version, '(unversioned)'), 'steps', steps, 1,
        CASE WHEN tool_calls IS NOT NULL THEN 1 ELSE 0 END, coalesce(tool_calls, 0),
        CASE WHEN retries IS NOT NULL THEN 1 ELSE 0 END, coalesce(retries, 0),
        CASE WHEN termination = 'completed' THEN 1 ELSE 0 END, CASE WHEN termination IS NOT NULL THEN 1 ELSE 0 END,
        CASE WHEN is_error THEN 1 ELSE 0 END
    FROM edges
    UNION ALL
    SELECT coalesce(agent_name, '(unnamed)'), coalesce(agent_version, '(unversioned)'), 'duration', latency_fine, 1,
        0, 0, 0, 0, 0, 0, 0
    FROM edges
),
counted AS (  -- per agent, version, kind and value, with the runs below the value and the group's total
    SELECT agent, version, kind, value, runs,
        sum(runs) OVER (PARTITION BY agent, version, kind ORDER BY value ROWS UNBOUNDED PRECEDING) - runs AS below,
        sum(CASE WHEN value IS NOT NULL THEN runs ELSE 0 END) OVER (PARTITION BY agent, version, kind) AS n
    FROM (SELECT agent, version, kind, value, sum(runs) AS runs FROM parts GROUP BY agent, version, kind, value) AS v
),
wanted AS (  -- the order statistics floor(h) and ceil(h) of h = (n - 1) 0.95: the value or bin holding each
    SELECT c.agent, c.version, c.kind, k.h, k.side, c.value, k.rank - c.below AS within
    FROM (
        SELECT DISTINCT agent, version, kind, (n - 1) * CAST(0.95 AS DOUBLE) AS h, s.side,
            CAST(CASE WHEN s.side = 'lo' THEN floor((n - 1) * CAST(0.95 AS DOUBLE))
                ELSE ceil((n - 1) * CAST(0.95 AS DOUBLE)) END AS BIGINT) AS rank
        FROM counted
        CROSS JOIN (SELECT 'lo' AS side UNION ALL SELECT 'hi') AS s
        WHERE n > 0
    ) AS k
    JOIN counted AS c ON c.agent = k.agent AND c.version = k.version AND c.kind = k.kind
    WHERE c.value IS NOT NULL AND k.rank >= c.below AND k.rank < c.below + c.runs
),
ranked AS (  -- the durations of the wanted bins only, ranked within their agent, version and bin
    SELECT agent, version, latency_fine, duration_ms,
        row_number() OVER (PARTITION BY agent, version, latency_fine ORDER BY duration_ms) - 1 AS within
    FROM (
        SELECT coalesce(agent_name, '(unnamed)') AS agent, coalesce(agent_version, '(unversioned)') AS version,
            latency_fine, duration_ms
        FROM duration_index
        WHERE latency_fine IN (SELECT value FROM wanted WHERE kind = 'duration')  -- first: see int_model_call_stats
            AND span_class = 'agent'
            AND ts >= getvariable('since') AND ts < getvariable('until')  -- stg_agent_runs' scope
            AND system IN (SELECT name FROM scope_systems)
            AND coalesce(env, 'production') = getvariable('env')
            AND NOT eval_traffic
    ) AS r
    WHERE EXISTS (
        SELECT 1 FROM wanted AS w
        WHERE w.kind = 'duration' AND w.agent = r.agent AND w.version = r.version AND w.value = r.latency_fine
    )
),
picked AS (  -- each order statistic's value: the steps value itself, or the duration ranked in its bin
    SELECT w.agent, w.version, w.kind, w.h, w.side,
        CASE WHEN w.kind = 'steps' THEN CAST(w.value AS DOUBLE) ELSE r.duration_ms END AS x
    FROM wanted AS w
    LEFT JOIN ranked AS r ON w.kind = 'duration' AND r.agent = w.agent AND r.version = w.version
        AND r.latency_fine = w.value AND r.within = w.within
),
p95 AS (  -- quantile_cont's interpolation: lo (1 - d) + hi d, d = h - floor(h)
    SELECT agent, version, kind,
        max(CASE WHEN side = 'lo' THEN x END) * (1 - (max(h) - floor(max(h))))
            + max(CASE WHEN side = 'hi' THEN x END) * (max(h) - floor(max(h))) AS value
    FROM picked
    GROUP BY agent, version, kind
),
totals AS (
    SELECT agent, version,
        sum(runs) AS runs,
        sum(CASE WHEN value IS NOT NULL THEN runs ELSE 0 END) AS steps_n,
        sum(CASE WHEN value IS NOT NULL THEN value * runs ELSE 0 END) AS steps_sum,
        sum(tool_calls_n) AS tool_calls_n, sum(tool_calls_sum) AS tool_calls_sum,
        sum(retries_n) AS retries_n, sum(retries_sum) AS retries_sum,
        sum(completed) AS completed, sum(terminated) AS terminated, sum(failed) AS failed
    FROM parts
    WHERE kind = 'steps'
    GROUP BY agent, version
)
SELECT
    t.agent,
    t.version,
    CAST(t.runs AS BIGINT) AS runs,
    CASE WHEN t.steps_n > 0 THEN CAST(t.steps_sum AS DOUBLE) / CAST(t.steps_n AS DOUBLE) END AS mean_steps,
    s.value AS p95_steps,
    CASE WHEN t.tool_calls_n > 0 THEN CAST(t.tool_calls_sum AS DOUBLE) / CAST(t.tool_calls_n AS DOUBLE) END
        AS mean_tool_calls,
    CASE WHEN t.retries_n > 0 THEN CAST(t.retries_sum AS DOUBLE) / CAST(t.retries_n AS DOUBLE) END AS mean_retries,
    CAST(t.completed AS DOUBLE) / CAST(t.runs AS DOUBLE) AS completed_share,
    CAST(t.terminated AS DOUBLE) / CAST(t.runs AS DOUBLE) AS termination_recorded_share,
    CAST(t.failed AS DOUBLE) / CAST(t.runs AS DOUBLE) AS error_rate,
    d.value AS p95_duration_ms
FROM totals AS t
LEFT JOIN p95 AS s ON s.agent = t.agent AND s.version = t.version AND s.kind = 'steps'
LEFT JOIN p95 AS d ON d.agent = t.agent AND d.version = t.version AND d.kind = 'duration'
ORDER BY t.agent, t.version
