-- D: succeeded deployments whose trigger is not rollback, all time (the window is applied downstream).
SELECT * FROM stg_deployments WHERE status = 'succeeded' AND deploy_trigger <> 'rollback'
