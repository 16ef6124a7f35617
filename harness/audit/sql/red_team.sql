-- Runs of red-team suites in the period.
SELECT run_id, suite, system, ts AS started_at, candidate_id
FROM stg_eval_runs
WHERE red_team
ORDER BY ts, run_id
