-- Evidence signals for the evaluation axis (one row; a null signal means its inputs are absent). Evaluation
-- that the lake does not hold for a system it sees running is a finding (0), not an absence.
WITH a AS (SELECT * FROM int_activity),
d AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE gate_passed) AS gated,
        count(*) FILTER (WHERE ships_model_or_prompt) AS model_prompt,
        count(*) FILTER (WHERE ships_model_or_prompt AND gate_passed) AS model_prompt_gated,
        count(*) FILTER (WHERE gate_regressed) AS regressed,
        count(*) FILTER (WHERE gate_judged) AS judged,
        count(*) FILTER (WHERE failed) AS failed
    FROM int_window_deploys
),
loop AS (SELECT * FROM int_eval_loop),
-- red-team cadence: the share of the window's 30-day periods, counted back from its end, holding a red-team run
red AS (
    SELECT
        count(DISTINCT date_diff('day', ts, getvariable('until')) // 30)
            / ceil(date_diff('hour', getvariable('since'), getvariable('until')) / 720.0) AS months_share
    FROM stg_eval_runs
    WHERE red_team
),
judges AS (SELECT count(*) AS n, count(*) FILTER (WHERE calibrated) AS calibrated FROM int_judges),
gates AS (
    SELECT count(*) AS n, count(*) FILTER (WHERE gated_trajectory) AS trajectory
    FROM stg_gate_decisions
    WHERE decided_at >= getvariable('since') AND decided_at < getvariable('until')
        AND (system IS NULL OR system IN (SELECT name FROM scope_systems WHERE agent))
),
ev AS (
    SELECT
        (SELECT count(*) FROM stg_eval_results) AS results,
        (SELECT count(DISTINCT date_diff('day', getvariable('since'), e.ts) // 7) FROM stg_eval_results AS e
            WHERE e.score_value IS NOT NULL) AS score_weeks,
        (SELECT count(*) FROM stg_gate_decisions AS g
            WHERE g.decided_at >= getvariable('since') AND g.decided_at < getvariable('until')) AS gates,
        (SELECT count(*) FROM stg_deployments AS s
            WHERE s.deploy_trigger = 'eval_regression' AND s.deployed_at >= getvariable('since')
                AND s.deployed_at < getvariable('until'))
            AS regression_reactions
)
SELECT
    CASE WHEN a.spans_in_window = 0 AND ev.results + loop.runs + ev.gates = 0 THEN NULL
        ELSE ev.results + loop.runs + ev.gates END AS eval_signals,
    CASE WHEN a.spans_in_window = 0 AND loop.runs = 0 THEN NULL ELSE loop.run_weeks / 4.0 END AS recent_weeks_share,
    CASE WHEN a.spans_in_window = 0 AND ev.gates = 0 THEN NULL ELSE ev.gates END AS gate_decisions,
    CASE WHEN d.n = 0 THEN NULL ELSE d.gated / d.n END AS gated_share,
    CASE WHEN d.model_prompt = 0 THEN NULL ELSE d.model_prompt_gated / d.model_prompt END AS model_prompt_gated_share,
    d.n > 0 AND d.model_prompt = 0 AS no_model_prompt_changes,
    -- no deployment a gate judged: none can be shown to have shipped a regression (before, 0: a pass on nothing)
    CASE WHEN d.judged = 0 THEN NULL ELSE d.regressed END AS regressed_deployments,
    CASE WHEN a.spans_in_window = 0 AND ev.results = 0 THEN NULL ELSE ev.score_weeks END AS eval_score_weeks,
    CASE WHEN judges.n = 0 THEN NULL ELSE judges.calibrated / judges.n END AS calibrated_judge_share,
    loop.runs > 0 AND judges.n = 0 AS no_llm_judges,
    CASE WHEN loop.recent_runs = 0 AND loop.sample_weeks = 0 THEN NULL ELSE loop.sample_weeks / 4.0 END
        AS sample_weeks_share,
    CASE WHEN loop.recent_runs_reporting_samples = 0 THEN NULL ELSE loop.sampled_run_weeks / 4.0 END
        AS sampled_run_weeks_share,
    CASE WHEN loop.runs = 0 THEN NULL ELSE loop.failure_modes END AS failure_modes,
    CASE WHEN gates.n = 0 THEN NULL ELSE gates.trajectory / gates.n END AS trajectory_gated_share,
    CASE WHEN a.deployments_recorded = 0 THEN NULL ELSE ev.regression_reactions END AS eval_regression_reactions,
    a.deployments_recorded > 0 AND d.failed = 0 AS no_failed_deploys,
    CASE WHEN loop.runs = 0 THEN NULL ELSE red.months_share END AS red_team_months_share
FROM a, d, loop, judges, gates, ev, red
