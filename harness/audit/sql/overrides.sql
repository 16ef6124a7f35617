-- Human overrides and confirmations of high-stakes decisions in the period.
SELECT decided_at, system, decision_id, decided_by, outcome, trace_id, reason
FROM stg_overrides
WHERE decided_at >= getvariable('since') AND decided_at < getvariable('until')
ORDER BY decided_at, decision_id
