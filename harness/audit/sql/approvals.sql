-- Eval runs approved as their suite's baseline during the period, and by whom.
SELECT approved_at, run_id, suite, system, approved_by
FROM stg_eval_approvals
WHERE approved_at >= getvariable('since') AND approved_at < getvariable('until')
ORDER BY approved_at, run_id
