-- Deployments of systems in scope to the scored environment, all time, one row per id (latest record wins).
SELECT
    s.fact_id AS deployment_id,
    s.system_attr AS system,
    s.version,
    s.deploy_status AS status,
    s.strategy,
    coalesce(s.deploy_trigger, 'manual') AS deploy_trigger,
    s.rolls_back,
    s.change_ids,
    s.gate_run_id,
    s.approver,
    s.revision,
    s.pipeline_run_id,
    s.ts AS started_at,
    s.end_ts AS deployed_at
FROM stg_scoped_facts AS s
WHERE s.record_type = 'deployment'
    AND coalesce(s.env, 'production') = getvariable('env')
-- the record written last (an --update), whatever its times; records from before recorded_at by their end
QUALIFY row_number() OVER (
    PARTITION BY s.fact_id ORDER BY s.recorded_at DESC NULLS LAST, s.end_ts DESC, s.ts DESC
) = 1
