-- Eval runs in the window of the systems in scope; runs without a system (recorded under the legacy
-- `harness-eval` service) are organisation-wide and count for every scope.
SELECT
    s.ts,
    s.end_ts,
    s.eval_run_id AS run_id,
    s.eval_suite AS suite,
    s.eval_dataset_hash AS dataset_hash,
    s.candidate_id,
    s.eval_passed AS passed,
    s.eval_judges AS judges,
    s.sampled_cases,
    s.failure_modes,
    coalesce(s.red_team, false) AS red_team,
    s.system_attr AS system
FROM stg_scoped_facts AS s
WHERE s.record_type = 'eval_run'
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
