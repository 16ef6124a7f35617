-- Audit-evidence response time: hours from requested to fulfilled, for requests made in the window and fulfilled.
SELECT count(*) AS requests, quantile_cont(hours, 0.5) AS median, quantile_cont(hours, 0.9) AS p90
FROM (
    SELECT date_diff('millisecond', requested_at, fulfilled_at) / 3600000.0 AS hours
    FROM stg_audit_requests
    WHERE requested_at >= getvariable('since') AND requested_at < getvariable('until')
        AND fulfilled_at IS NOT NULL
) AS answered
