-- Time to restore: hours from started to resolved, for incidents started in the window and resolved.
SELECT count(*) AS incidents, quantile_cont(hours, 0.5) AS median, avg(hours) AS mean
FROM (
    SELECT date_diff('millisecond', started_at, resolved_at) / 3600000.0 AS hours
    FROM stg_incidents
    WHERE started_at >= getvariable('since') AND started_at < getvariable('until')
        AND resolved_at IS NOT NULL
) AS restored
