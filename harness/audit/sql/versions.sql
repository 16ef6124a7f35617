-- Every version live in production at some moment of the period: the one live when it began and each one
-- deployed during it (succeeded deployments; a rollback redeploys an older version), with when it went live
-- and when the next deployment replaced it (null: still live at the period's end).
WITH ordered AS (
    SELECT *, lead(deployed_at) OVER (PARTITION BY system ORDER BY deployed_at, deployment_id) AS replaced_at
    FROM stg_deployments
    WHERE status = 'succeeded' AND deployed_at < getvariable('until')
)
SELECT system, version, deployment_id, deployed_at AS live_from, replaced_at AS live_until, revision,
    deploy_trigger AS trigger
FROM ordered
WHERE coalesce(replaced_at, getvariable('until')) > getvariable('since')
ORDER BY system, live_from, deployment_id
