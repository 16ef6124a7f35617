-- Every audit-evidence request on record (to find the one a bundle fulfils).
SELECT request_id, system, requested_at, fulfilled_at FROM stg_audit_requests ORDER BY requested_at
