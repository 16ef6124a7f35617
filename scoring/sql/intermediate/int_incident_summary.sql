-- Incidents started in the window: how many, how many are attributed to a deployment, and whether there were none.
SELECT
    count(*) AS incidents,
    count(attributed_deployment) AS attributed,
    CASE WHEN count(*) = 0 THEN NULL ELSE count(attributed_deployment) / count(*) END AS incident_attributed_share,
    (SELECT deployments_recorded FROM int_activity) > 0 AND count(*) = 0 AS no_incidents
FROM int_incident_attribution
WHERE started_at >= getvariable('since') AND started_at < getvariable('until')
