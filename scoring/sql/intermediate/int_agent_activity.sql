-- The agent runs and tool steps in scope (stg_agent_runs, stg_agent_steps) counted: runs, those that recorded
-- their termination, tool steps, and those of an allowed tool with an owner (the activity and the criteria's
-- shares). The whole days of the window are summed from agent_rollup, its partial first and last days counted
-- from the staging views.
WITH edge_runs AS (
    SELECT termination FROM stg_agent_runs
    WHERE ts < getvariable('whole_since')
    UNION ALL
    SELECT termination FROM stg_agent_runs
    WHERE ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
edge_steps AS (
    SELECT tool_allowed, tool_owner FROM stg_agent_steps
    WHERE ts < getvariable('whole_since')
    UNION ALL
    SELECT tool_allowed, tool_owner FROM stg_agent_steps
    WHERE ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
parts AS (
    SELECT runs, terminated_runs, tool_steps, governed_steps
    FROM agent_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND system IN (SELECT name FROM scope_systems)
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT CAST(count(*) AS BIGINT), CAST(count(termination) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
    FROM edge_runs
    UNION ALL
    SELECT CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(count(*) AS BIGINT),
        CAST(count(*) FILTER (WHERE tool_allowed AND tool_owner IS NOT NULL) AS BIGINT)
    FROM edge_steps
)
SELECT
    CAST(coalesce(sum(runs), 0) AS BIGINT) AS runs,
    CAST(coalesce(sum(terminated_runs), 0) AS BIGINT) AS terminated_runs,
    CAST(coalesce(sum(tool_steps), 0) AS BIGINT) AS tool_steps,
    CAST(coalesce(sum(governed_steps), 0) AS BIGINT) AS governed_steps
FROM parts
