-- Eval-gate decisions decided in the window, of the systems in scope and the organisation-wide ones
-- (stg_gate_decisions holds all time, for the deployments that ship a candidate gated earlier).
SELECT decided_at, gate_run_id, suite, candidate_id, decision, approved, system
FROM stg_gate_decisions
WHERE decided_at >= getvariable('since') AND decided_at < getvariable('until')
ORDER BY decided_at, gate_run_id
