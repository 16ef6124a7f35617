-- Stretches of the retention period (the `retention_days` before the window's end, an operator setting) with
-- no telemetry of the systems in scope: gaps of more than a day between days that have telemetry, the
-- stretch before the first span when the record starts too late, and the stretch after the last one.
WITH bounds AS (
    SELECT
        CAST(getvariable('until') - INTERVAL 1 MICROSECOND AS DATE) AS last_day,
        CAST(getvariable('until') - INTERVAL 1 MICROSECOND AS DATE) - (getvariable('retention_days') - 1) AS first_day
),
days AS (
    SELECT DISTINCT day FROM span_rollup, bounds
    WHERE system IN (SELECT name FROM scope_systems) AND day BETWEEN bounds.first_day AND bounds.last_day
),
marks AS (
    SELECT day, lag(day) OVER (ORDER BY day) AS previous FROM days
),
stretches AS (
    SELECT previous + 1 AS gap_start, day - 1 AS gap_end, 'between spans' AS kind FROM marks
    WHERE previous IS NOT NULL AND day - previous > 1
    UNION ALL
    SELECT bounds.first_day, coalesce(min(day) - 1, bounds.last_day),
        CASE WHEN min(day) IS NULL THEN 'no telemetry' ELSE 'before the first span' END
    FROM bounds LEFT JOIN days ON true GROUP BY bounds.first_day, bounds.last_day
    HAVING coalesce(min(day), bounds.last_day + 1) > bounds.first_day
    UNION ALL
    SELECT max(day) + 1, bounds.last_day, 'after the last span'
    FROM bounds, days GROUP BY bounds.last_day HAVING max(day) < bounds.last_day
)
SELECT gap_start, gap_end, gap_end - gap_start + 1 AS empty_days, kind
FROM stretches
ORDER BY gap_start
