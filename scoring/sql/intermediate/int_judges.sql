-- LLM judges the window's eval runs used (harness.eval.judges: scorer -> model@prompt_version; an empty
-- identity is no judge), each with its latest calibration up to the window end; a judge is calibrated when
-- that calibration passed for the same judge model.
WITH run_judges AS (  -- unnest in the select list, not a lateral join: the portable subset (ClickHouse arrayJoin)
    SELECT unnest(json_keys(judges)) AS scorer, judges FROM stg_eval_runs WHERE judges IS NOT NULL
),
used AS (
    SELECT DISTINCT r.scorer, split_part(r.judges ->> r.scorer, '@', 1) AS judge_model
    FROM run_judges AS r
    WHERE coalesce(r.judges ->> r.scorer, '') <> ''
),
latest AS (
    SELECT
        scorer,
        split_part(judge_model, '@', 1) AS judge_model,
        max(ts) AS calibrated_at,
        arg_max(kappa, ts) AS kappa,
        arg_max(kappa_low, ts) AS kappa_low,
        arg_max(items, ts) AS items,
        arg_max(passed, ts) AS passed
    FROM stg_judge_calibrations
    GROUP BY scorer, split_part(judge_model, '@', 1)
)
SELECT
    u.scorer,
    u.judge_model,
    l.calibrated_at,
    l.kappa,
    l.kappa_low,
    l.items,
    coalesce(l.passed, false) AS calibrated
FROM used AS u
LEFT JOIN latest AS l ON l.scorer = u.scorer AND l.judge_model = u.judge_model
ORDER BY u.scorer, u.judge_model
