-- Evidence signals for the evaluation axis (one row; a null signal means its inputs are absent).
WITH a AS (SELECT * FROM int_activity),
d AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE gate_passed) AS gated,
        count(*) FILTER (WHERE ships_model_or_prompt) AS model_prompt,
        count(*) FILTER (WHERE ships_model_or_prompt AND gate_passed) AS model_prompt_gated,
        count(*) FILTER (WHERE gate_regressed) AS regressed
    FROM int_window_deploys
),
ev AS (
    SELECT
        (SELECT count(*) FROM stg_eval_results) AS results,
        (SELECT count(*) FROM stg_eval_runs) AS runs,
        (SELECT count(DISTINCT date_diff('day', r.ts, getvariable('until')) // 7) FROM stg_eval_runs AS r
            WHERE date_diff('day', r.ts, getvariable('until')) < 28) AS recent_weeks,
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
    CASE WHEN a.spans_in_window = 0 AND ev.results + ev.runs + ev.gates = 0 THEN NULL
        ELSE ev.results + ev.runs + ev.gates END AS eval_signals,
    CASE WHEN a.spans_in_window = 0 AND ev.runs = 0 THEN NULL ELSE ev.recent_weeks / 4.0 END AS recent_weeks_share,
    CASE WHEN a.spans_in_window = 0 AND ev.gates = 0 THEN NULL ELSE ev.gates END AS gate_decisions,
    CASE WHEN d.n = 0 THEN NULL ELSE d.gated / d.n END AS gated_share,
    CASE WHEN d.model_prompt = 0 THEN NULL ELSE d.model_prompt_gated / d.model_prompt END AS model_prompt_gated_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.regressed END AS regressed_deployments,
    CASE WHEN a.spans_in_window = 0 AND ev.results = 0 THEN NULL ELSE ev.score_weeks END AS eval_score_weeks,
    CASE WHEN a.deployments_recorded = 0 THEN NULL ELSE ev.regression_reactions END AS eval_regression_reactions
FROM a, d, ev
