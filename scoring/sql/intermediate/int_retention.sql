-- Telemetry retention of the scope: days from the first span to the window end, and the longest gap in days.
WITH days AS (
    SELECT DISTINCT day FROM span_rollup
    WHERE system IN (SELECT name FROM scope_systems) AND day < CAST(getvariable('until') AS DATE)
),
gaps AS (SELECT day, date_diff('day', lag(day) OVER (ORDER BY day), day) AS gap FROM days)
SELECT
    date_diff('day', min(day), CAST(getvariable('until') AS DATE)) AS retention_days,
    CASE WHEN min(day) IS NULL THEN NULL ELSE coalesce(max(gap), 0) END AS max_gap_days
FROM gaps
