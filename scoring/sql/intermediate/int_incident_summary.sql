-- Incidents started in the window: how many, how many are attributed to a deployment, and whether there were none.
SELECT
    count(*) AS incidents,
    count(attributed_deployment) AS attributed,
    -- the share someone linked to the deployment that caused them: an inferred attribution (the last deployment
    -- before, int_incident_attribution) is there for every incident after any deployment, so it shows nothing
    CASE WHEN count(*) = 0 THEN NULL ELSE count(linked_deployment) / count(*) END AS incident_attributed_share,
    (SELECT deployments_recorded FROM int_activity) > 0 AND count(*) = 0 AS no_incidents
FROM int_incident_attribution
WHERE started_at >= getvariable('since') AND started_at < getvariable('until')
