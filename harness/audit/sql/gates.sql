-- Gate decisions of the period with the per-metric statistics the gate recorded (JSON).
SELECT gate_run_id, suite, system, decided_at, decision, approved, candidate_id, metrics
FROM stg_gate_decisions
WHERE decided_at >= getvariable('since') AND decided_at < getvariable('until')
ORDER BY decided_at, gate_run_id
