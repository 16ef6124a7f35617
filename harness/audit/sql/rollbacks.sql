-- Rollbacks of the period: deployments made to undo another, automatic when a pipeline made them.
SELECT deployment_id, system, version, deployed_at, rolls_back, deploy_trigger AS trigger,
    pipeline_run_id IS NOT NULL OR deploy_trigger = 'eval_regression' AS automatic
FROM stg_deployments
WHERE (deploy_trigger IN ('rollback', 'eval_regression') OR rolls_back IS NOT NULL)
    AND deployed_at >= getvariable('since') AND deployed_at < getvariable('until')
ORDER BY deployed_at, deployment_id
