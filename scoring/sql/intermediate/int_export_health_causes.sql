-- Spans the lake's writers lost in the window, by cause: the health records overlapping [since, until).
-- Lake-wide, not per system: a writer (an app's exporter, the receiver) serves any system.
SELECT cause, sum(spans) AS spans
FROM export_health
WHERE recorded_at > getvariable('since') AND interval_start < getvariable('until') AND cause IS NOT NULL
GROUP BY cause
ORDER BY cause
