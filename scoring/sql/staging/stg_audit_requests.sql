-- Audit-evidence requests, one row per id (latest wins); requests naming no system are organisation-wide.
SELECT
    s.fact_id AS request_id,
    s.system_attr AS system,
    s.fact_start AS requested_at,
    s.fact_end AS fulfilled_at
FROM stg_scoped_facts AS s
WHERE s.record_type = 'audit_request'
-- the record written last (an --update), whatever its times; records from before recorded_at by their end
QUALIFY row_number() OVER (
    PARTITION BY s.fact_id ORDER BY s.recorded_at DESC NULLS LAST, s.end_ts DESC, s.ts DESC
) = 1
