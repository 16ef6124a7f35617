-- Evidence signals for the deployment axis (one row; null when the window has no deployment facts).
WITH a AS (SELECT * FROM int_activity),
d AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE from_pipeline) AS from_pipeline,
        count(*) FILTER (WHERE listed_changes > 0) AS linked,
        count(*) FILTER (WHERE strategy IN ('canary', 'shadow')) AS progressive,
        count(*) FILTER (WHERE failed) AS failed,
        count(*) FILTER (WHERE from_pipeline AND gate_passed AND approver IS NOT NULL) AS controlled
    FROM int_window_deploys
),
inc AS (SELECT * FROM int_incident_summary),
rollbacks AS (
    -- automatic: triggered by an eval regression, or a rollback a pipeline recorded
    SELECT count(*) AS n FROM stg_deployments
    WHERE (deploy_trigger = 'eval_regression' OR (deploy_trigger = 'rollback' AND pipeline_run_id IS NOT NULL))
        AND deployed_at >= getvariable('since') AND deployed_at < getvariable('until')
),
-- the metrics read as one value each, gathered in one row: read in the final SELECT, each scalar subquery
-- would be one more relation for DuckDB's join-order search over the one-row CTEs
one AS (
    SELECT
        (SELECT median_deploy_days_per_week FROM met_deployment_frequency) AS median_deploy_days_per_week,
        (SELECT median FROM met_lead_time) AS lead_time_median_hours,
        (SELECT change_failure_rate FROM met_change_failure_rate) AS change_failure_rate,
        (SELECT median FROM met_time_to_restore) AS restore_median_hours
)
SELECT
    CASE WHEN a.deployments_recorded = 0 THEN NULL ELSE a.deployments_recorded END AS deployments_recorded,
    one.median_deploy_days_per_week,
    CASE WHEN d.n = 0 THEN NULL ELSE d.from_pipeline / d.n END AS pipeline_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.linked / d.n END AS change_linked_share,
    inc.incident_attributed_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.progressive / d.n END AS progressive_share,
    one.lead_time_median_hours,
    one.change_failure_rate,
    one.restore_median_hours,
    CASE WHEN a.deployments_recorded = 0 THEN NULL ELSE rollbacks.n END AS automatic_rollbacks,
    CASE WHEN d.n = 0 THEN NULL ELSE d.controlled / d.n END AS controlled_share,
    inc.no_incidents,
    a.deployments_recorded > 0 AND d.failed = 0 AS no_failed_deploys
FROM a, d, inc, rollbacks, one
