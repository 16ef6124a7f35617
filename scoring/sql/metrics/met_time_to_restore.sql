-- Time to restore: hours from failure to restoration, for failures that started in the window and were
-- restored. A failure is an incident (started -> resolved; the unresolved ones are counted beside it), or a
-- deployment in D that a later deployment rolls back with no incident attributed to it (deployed -> the first
-- rollback of it finished, e.g. a canary `harness canary` rolled back): restoring it is what the rollback did.
WITH rolled_back AS (
    SELECT d.deployment_id, d.deployed_at AS started_at, min(r.deployed_at) AS resolved_at
    FROM int_deploys AS d
    JOIN stg_deployments AS r ON r.rolls_back = d.deployment_id AND r.status = 'succeeded'
    WHERE d.deployment_id NOT IN (
        SELECT attributed_deployment FROM int_incident_attribution WHERE attributed_deployment IS NOT NULL
    )
    GROUP BY d.deployment_id, d.deployed_at
),
failures AS (
    SELECT 'incident' AS failure, started_at, resolved_at FROM stg_incidents
    UNION ALL
    SELECT 'rollback' AS failure, started_at, resolved_at FROM rolled_back
)
SELECT
    count(hours) FILTER (WHERE failure = 'incident') AS incidents,
    count(*) FILTER (WHERE failure = 'incident' AND hours IS NULL) AS unresolved,
    count(*) FILTER (WHERE failure = 'rollback') AS rollbacks,
    quantile_cont(hours, 0.5) AS median,
    avg(hours) AS mean
FROM (
    SELECT failure, date_diff('millisecond', started_at, resolved_at) / 3600000.0 AS hours
    FROM failures
    WHERE started_at >= getvariable('since') AND started_at < getvariable('until')
) AS restored
