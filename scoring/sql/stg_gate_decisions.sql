-- Eval-gate decisions (all time: a deployment in the window may ship a candidate gated earlier).
SELECT
    s.ts,
    s.end_ts AS decided_at,
    coalesce(s.gate_run_id, s.eval_run_id) AS gate_run_id,
    s.eval_suite AS suite,
    s.candidate_id,
    s.gate_decision AS decision,
    coalesce(s.eval_approved, false) AS approved,
    s.system_attr AS system
FROM fact_spans AS s
WHERE s.record_type = 'gate'
    AND (s.system_attr IS NULL OR s.system_attr IN (SELECT name FROM scope_systems))
