-- The facts in scope, the one place their system filter lives: fact spans of the systems in scope, and the
-- organisation-wide ones (audit requests and eval records that name no system count for every scope).
-- Each fact view adds its own time rule (deployments and changes count all time, eval runs the window).
SELECT f.*
FROM fact_spans AS f
WHERE f.system_attr IN (SELECT name FROM scope_systems)
    OR (
        f.system_attr IS NULL
        AND f.record_type IN ('audit_request', 'eval_run', 'gate', 'eval_approval', 'eval_calibration', 'eval_sample')
    )
