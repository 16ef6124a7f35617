-- Each incident's deployment: its explicit link, else the last deployment in D of its system before it started.
SELECT
    i.incident_id,
    i.system,
    i.started_at,
    i.resolved_at,
    i.deployment_id AS linked_deployment,
    coalesce(i.deployment_id, inferred.deployment_id) AS attributed_deployment
FROM stg_incidents AS i
LEFT JOIN (
    SELECT i2.incident_id, arg_max(d.deployment_id, d.deployed_at) AS deployment_id
    FROM stg_incidents AS i2
    JOIN int_deploys AS d ON d.system = i2.system AND d.deployed_at < i2.started_at
    GROUP BY i2.incident_id
) AS inferred USING (incident_id)
