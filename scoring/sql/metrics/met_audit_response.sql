-- Audit-evidence response time: hours from requested to fulfilled, for requests made in the window and
-- fulfilled; the open ones are counted beside it.
SELECT
    count(hours) AS requests,
    count(*) FILTER (WHERE hours IS NULL) AS open,
    quantile_cont(hours, 0.5) AS median,
    quantile_cont(hours, 0.9) AS p90
FROM (
    SELECT date_diff('millisecond', requested_at, fulfilled_at) / 3600000.0 AS hours
    FROM stg_audit_requests
    WHERE requested_at >= getvariable('since') AND requested_at < getvariable('until')
) AS answered
