-- Canary decisions of the period (harness canary): the versions compared, the decision and why.
SELECT decided_at, system, baseline_version, canary_version, decision, reason, metrics
FROM stg_canary_decisions
WHERE decided_at >= getvariable('since') AND decided_at < getvariable('until')
ORDER BY decided_at
