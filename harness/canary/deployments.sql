-- The deployments of the system in scope (all time, latest record per id): the canary's own deployment, which
-- a rollback names, and any rollback already recorded of it.
SELECT deployment_id, version, status, strategy, deploy_trigger, rolls_back, deployed_at
FROM stg_deployments
ORDER BY deployed_at DESC, deployment_id
