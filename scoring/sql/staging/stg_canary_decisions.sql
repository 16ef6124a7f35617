-- Canary decisions (`harness canary`) of the systems in scope in the window: the baseline and canary versions
-- compared, the decision (promote, hold, rollback), the metrics compared (JSON) and the reason.
SELECT
    s.ts,
    s.end_ts AS decided_at,
    s.system_attr AS system,
    s.canary_baseline_version AS baseline_version,
    s.canary_version,
    s.canary_decision AS decision,
    s.canary_metrics AS metrics,
    s.canary_reason AS reason
FROM stg_scoped_facts AS s
WHERE s.record_type = 'canary'
    AND s.end_ts >= getvariable('since') AND s.end_ts < getvariable('until')
