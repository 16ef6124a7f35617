-- Production deployments of the period (every status and trigger), with their gate, approver and lineage.
SELECT
    d.deployment_id, d.system, d.version, d.started_at, d.deployed_at, d.status, d.strategy,
    d.deploy_trigger AS trigger, d.rolls_back, d.change_ids, d.gate_run_id, w.gate_passed, d.approver, d.revision,
    d.pipeline_run_id, w.failed
FROM stg_deployments AS d
LEFT JOIN int_window_deploys AS w USING (deployment_id)
WHERE d.deployed_at >= getvariable('since') AND d.deployed_at < getvariable('until')
ORDER BY d.deployed_at, d.deployment_id
