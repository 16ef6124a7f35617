-- The evaluation loop over the last four weeks of the window (weeks counted back from its end): weeks with
-- eval runs, with production samples drawn, with runs holding sampled cases; the failure modes tagged.
WITH recent_runs AS (
    SELECT *, date_diff('day', ts, getvariable('until')) // 7 AS week_back FROM stg_eval_runs
    WHERE date_diff('day', ts, getvariable('until')) < 28
),
recent_samples AS (
    SELECT date_diff('day', ts, getvariable('until')) // 7 AS week_back FROM stg_production_samples
    WHERE sample_count > 0 AND date_diff('day', ts, getvariable('until')) < 28
),
modes AS (
    SELECT DISTINCT unnest(from_json(failure_modes, '["VARCHAR"]')) AS mode FROM stg_eval_runs
    WHERE failure_modes IS NOT NULL
)
SELECT
    (SELECT count(*) FROM stg_eval_runs) AS runs,
    (SELECT count(*) FROM recent_runs) AS recent_runs,
    (SELECT count(DISTINCT week_back) FROM recent_runs) AS run_weeks,
    (SELECT count(sampled_cases) FROM recent_runs) AS recent_runs_reporting_samples,
    (SELECT count(DISTINCT week_back) FROM recent_runs WHERE sampled_cases > 0) AS sampled_run_weeks,
    (SELECT count(DISTINCT week_back) FROM recent_samples) AS sample_weeks,
    (SELECT count(*) FROM modes) AS failure_modes
