-- What the lake's writers reported of the window: their health records overlapping [since, until).
-- No record (records = 0) is unknown, not complete: writers record their losses, and at a clean shutdown.
SELECT
    count(*) AS records,
    count(DISTINCT writer_id) AS writers,
    coalesce(sum(written), 0)::BIGINT AS written,
    coalesce(sum(dropped), 0)::BIGINT AS dropped
FROM export_health
WHERE recorded_at > getvariable('since') AND interval_start < getvariable('until')
