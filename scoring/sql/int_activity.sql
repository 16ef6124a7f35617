-- Whether the scope has any telemetry in the window and any facts at all: absent inputs make metrics null.
SELECT
    (SELECT count(*) FROM spans
        WHERE ts >= (SELECT since FROM params) AND ts < (SELECT until FROM params)
            AND coalesce(system_attr, service) IN (SELECT name FROM scope_systems)) AS spans_in_window,
    (SELECT count(*) FROM stg_deployments
        WHERE deployed_at >= (SELECT since FROM params) AND deployed_at < (SELECT until FROM params)) AS deployments_recorded,
    (SELECT count(*) FROM stg_incidents
        WHERE started_at >= (SELECT since FROM params) AND started_at < (SELECT until FROM params)) AS incidents,
    (SELECT count(*) FROM stg_changes
        WHERE opened_at >= (SELECT since FROM params) AND opened_at < (SELECT until FROM params)) AS changes,
    (SELECT count(*) FROM stg_agent_runs) AS agent_runs
