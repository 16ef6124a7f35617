-- What the lake's writers reported of the window: their health records overlapping [since, until).
-- No record (records = 0) is unknown, not complete: writers record their losses, and at a clean shutdown.
SELECT
    count(*) FILTER (WHERE cause_index = 0) AS records,
    count(DISTINCT writer_id) AS writers,
    coalesce(sum(CASE WHEN cause_index = 0 THEN written ELSE 0 END), 0) AS written,
    coalesce(sum(spans), 0) AS dropped
FROM export_health
WHERE recorded_at > getvariable('since') AND interval_start < getvariable('until')
