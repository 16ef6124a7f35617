-- Spans the lake's writers lost in the window, by cause: the health records overlapping [since, until).
-- Lake-wide, not per system: a writer (an app's exporter, the receiver) serves any system.
WITH records AS (
    SELECT dropped_by_cause FROM export_health
    WHERE recorded_at > getvariable('since') AND interval_start < getvariable('until')
),
causes AS (SELECT unnest(map_entries(dropped_by_cause)) AS entry FROM records)
SELECT entry.key AS cause, sum(entry.value)::BIGINT AS spans
FROM causes
GROUP BY entry.key
ORDER BY cause
