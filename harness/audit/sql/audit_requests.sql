-- Audit-evidence requests made in the period and when each was fulfilled.
SELECT request_id, system, requested_at, fulfilled_at,
    date_diff('millisecond', requested_at, fulfilled_at) / 3600000.0 AS response_hours
FROM stg_audit_requests
WHERE requested_at >= getvariable('since') AND requested_at < getvariable('until')
ORDER BY requested_at, request_id
