-- Approvals of eval runs as their suite's baseline (`harness eval approve`), all time: who approved which run.
SELECT
    s.ts AS approved_at,
    s.eval_run_id AS run_id,
    s.eval_suite AS suite,
    s.candidate_id,
    s.actor AS approved_by,
    s.system_attr AS system
FROM stg_scoped_facts AS s
WHERE s.record_type = 'eval_approval'
