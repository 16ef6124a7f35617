-- Canary decisions (`harness canary`) of systems in scope, all time: the two versions compared, the
-- decision (promote, hold, rollback), its metrics (JSON) and reason.
SELECT
    s.end_ts AS decided_at,
    s.system_attr AS system,
    s.baseline_version,
    s.version AS canary_version,
    s.outcome AS decision,
    s.gate_metrics AS metrics,
    s.note AS reason
FROM stg_scoped_facts AS s
WHERE s.record_type = 'canary'
