-- Telemetry retention of the scope: days from the first span to the window end, the longest gap in days, the
-- retention period the operator set, and the days of that period without telemetry (int_telemetry_gaps).
WITH days AS (
    SELECT DISTINCT day FROM span_rollup
    -- the window's last day counts, partial or not (as int_telemetry_gaps counts it): before, a first day's
    -- telemetry, all of the day the window ends in, was no telemetry
    WHERE system IN (SELECT name FROM scope_systems)
        AND day <= CAST(getvariable('until') - INTERVAL 1 MICROSECOND AS DATE)
),
gaps AS (SELECT day, date_diff('day', lag(day) OVER (ORDER BY day), day) AS gap FROM days)
SELECT
    date_diff('day', min(day), CAST(getvariable('until') AS DATE)) AS retention_days,
    CASE WHEN min(day) IS NULL THEN NULL ELSE coalesce(max(gap), 0) END AS max_gap_days,
    getvariable('retention_days') AS required_days,
    CASE WHEN min(day) IS NULL THEN NULL ELSE (SELECT coalesce(sum(empty_days), 0) FROM int_telemetry_gaps) END
        AS uncovered_days,
    -- each gap starts with its ISO start day, so sorting the texts orders them by start (portable: no ordered
    -- aggregate)
    (SELECT list_sort(list(CAST(gap_start AS VARCHAR) || '..' || CAST(gap_end AS VARCHAR) || ' (' || empty_days
        || ' days, ' || kind || ')')) FROM int_telemetry_gaps) AS gaps
FROM gaps
