-- Eval runs of the period: suite, candidate, the dataset's hash, and whether the suite is a red-team suite.
SELECT run_id, suite, system, ts AS started_at, end_ts AS finished_at, candidate_id, dataset_hash, red_team
FROM stg_eval_runs
ORDER BY ts, run_id
