-- gen_ai.evaluation.result events in the window (organisation-wide when their span names no system).
SELECT e.ts, e.trace_id, e.span_id, e.eval_run_id AS run_id, e.eval_suite AS suite,
    e.evaluation_name, e.score_value, e.score_label
FROM eval_scores AS e
WHERE e.ts >= getvariable('since') AND e.ts < getvariable('until')
    AND (e.system_attr IS NULL OR e.system_attr IN (SELECT name FROM scope_systems))
