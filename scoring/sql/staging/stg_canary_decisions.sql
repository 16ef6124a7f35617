-- Canary decisions (`harness canary`) of systems in scope, in the window: the two versions compared, the
-- decision (promote, hold, rollback), its reasons and the metrics behind it (JSON, as the span records them).
SELECT
    s.end_ts AS decided_at,
    s.system_attr AS system,
    s.canary_baseline_version AS baseline_version,
    s.canary_version,
    s.canary_decision AS decision,
    s.canary_reason AS reason,
    s.canary_metrics AS metrics
FROM stg_scoped_facts AS s
WHERE s.record_type = 'canary'
    AND s.end_ts >= getvariable('since') AND s.end_ts < getvariable('until')
