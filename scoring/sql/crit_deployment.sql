-- Evidence signals for the deployment axis (one row; null when the window has no deployment facts).
WITH a AS (SELECT * FROM int_activity),
d AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE deploy_trigger IN ('pipeline', 'eval_regression') OR pipeline_run_id IS NOT NULL)
            AS from_pipeline,
        count(*) FILTER (WHERE listed_changes > 0) AS linked,
        count(*) FILTER (WHERE strategy IN ('canary', 'shadow')) AS progressive
    FROM int_window_deploys
),
inc AS (SELECT * FROM int_incident_summary),
rollbacks AS (
    SELECT count(*) AS n FROM stg_deployments
    WHERE deploy_trigger IN ('rollback', 'eval_regression')
        AND deployed_at >= getvariable('since') AND deployed_at < getvariable('until')
)
SELECT
    CASE WHEN a.deployments_recorded = 0 THEN NULL ELSE a.deployments_recorded END AS deployments_recorded,
    CASE WHEN d.n = 0 THEN NULL ELSE d.from_pipeline / d.n END AS pipeline_share,
    (SELECT deploy_days_band_rank FROM met_deployment_frequency) AS deploy_days_band_rank,
    CASE WHEN d.n = 0 THEN NULL ELSE d.linked / d.n END AS change_linked_share,
    inc.incident_attributed_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.progressive / d.n END AS progressive_share,
    (SELECT median FROM met_lead_time) AS lead_time_median_hours,
    (SELECT change_failure_rate FROM met_change_failure_rate) AS change_failure_rate,
    (SELECT median FROM met_time_to_restore) AS restore_median_hours,
    CASE WHEN a.deployments_recorded = 0 THEN NULL ELSE rollbacks.n END AS automatic_rollbacks,
    inc.no_incidents
FROM a, d, inc, rollbacks
