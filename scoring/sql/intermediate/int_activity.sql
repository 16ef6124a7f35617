-- Whether the scope has any telemetry in the window (by day, from the rollup) and any facts at all:
-- absent inputs make metrics null.
SELECT
    (SELECT count(*) FROM span_rollup
        WHERE system IN (SELECT name FROM scope_systems)
            AND day >= CAST(getvariable('since') AS DATE)
            AND day <= CAST(getvariable('until') - INTERVAL 1 MICROSECOND AS DATE))
        AS spans_in_window,
    (SELECT count(*) FROM stg_deployments
        WHERE deployed_at >= getvariable('since') AND deployed_at < getvariable('until')) AS deployments_recorded,
    (SELECT count(*) FROM stg_incidents
        WHERE started_at >= getvariable('since') AND started_at < getvariable('until')) AS incidents,
    (SELECT count(*) FROM stg_changes
        WHERE opened_at >= getvariable('since') AND opened_at < getvariable('until')) AS changes,
    (SELECT runs FROM int_agent_activity) AS agent_runs
