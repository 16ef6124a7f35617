-- Incidents that started in the period, with their recovery time and the deployment they are attributed to.
SELECT
    i.incident_id, i.system, i.severity, i.started_at, i.resolved_at,
    date_diff('millisecond', i.started_at, i.resolved_at) / 3600000.0 AS recovery_hours,
    a.attributed_deployment AS deployment_id
FROM stg_incidents AS i
LEFT JOIN int_incident_attribution AS a USING (incident_id)
WHERE i.started_at >= getvariable('since') AND i.started_at < getvariable('until')
ORDER BY i.started_at, i.incident_id
