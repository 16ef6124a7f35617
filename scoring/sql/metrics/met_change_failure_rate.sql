-- Change failure rate: share of D (window) with an attributed incident or a later rollback; null without deployments.
SELECT
    count(*) AS deployments,
    count(*) FILTER (WHERE failed) AS failed_deployments,
    CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE failed) / count(*) END AS change_failure_rate
FROM int_window_deploys
