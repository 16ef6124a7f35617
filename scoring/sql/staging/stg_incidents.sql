-- Incidents of systems in scope, all time, one row per id (a later record, e.g. the resolution, wins).
SELECT
    s.fact_id AS incident_id,
    s.system_attr AS system,
    s.fact_start AS started_at,
    s.fact_end AS resolved_at,
    s.incident_deployment AS deployment_id,
    s.severity
FROM stg_scoped_facts AS s
WHERE s.record_type = 'incident'
-- the record written last (an --update), whatever its times; records from before recorded_at by their end
QUALIFY row_number() OVER (
    PARTITION BY s.fact_id ORDER BY s.recorded_at DESC NULLS LAST, s.end_ts DESC, s.ts DESC
) = 1
