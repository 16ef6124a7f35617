-- Time to restore: hours from started to resolved, for incidents started in the window and resolved; the
-- unresolved ones are counted beside it.
SELECT
    count(hours) AS incidents,
    count(*) FILTER (WHERE hours IS NULL) AS unresolved,
    quantile_cont(hours, 0.5) AS median,
    avg(hours) AS mean
FROM (
    SELECT date_diff('millisecond', started_at, resolved_at) / 3600000.0 AS hours
    FROM stg_incidents
    WHERE started_at >= getvariable('since') AND started_at < getvariable('until')
) AS restored
