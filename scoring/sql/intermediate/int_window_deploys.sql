-- D in the window, each with: failed (an attributed incident or a later rollback), made by a pipeline, gate
-- passed, changes, lead time. The joined rows name their keys apart from d's columns (gated_run, shipped_id):
-- over a join, ClickHouse names the columns of d.* that another joined table shares as d.<name>.
WITH failed AS (
    SELECT attributed_deployment AS deployment_id FROM int_incident_attribution WHERE attributed_deployment IS NOT NULL
    UNION
    SELECT rolls_back AS deployment_id FROM stg_deployments WHERE rolls_back IS NOT NULL
),
gates AS (
    SELECT
        gate_run_id AS gated_run,
        bool_or(decision = 'pass' OR approved) AS passed,
        bool_or(decision = 'regression' AND NOT approved) AS regressed,
        min(decided_at) AS decided_at
    FROM stg_gate_decisions
    GROUP BY gate_run_id
),
shipped AS (
    SELECT
        deployment_id AS shipped_id,
        count(*) AS listed_changes,
        min(opened_at) AS first_opened_at,
        bool_or(kind IN ('model', 'prompt')) AS ships_model_or_prompt
    FROM stg_deployment_changes
    GROUP BY deployment_id
)
SELECT
    d.*,
    d.deployment_id IN (SELECT deployment_id FROM failed) AS failed,
    d.deploy_trigger IN ('pipeline', 'eval_regression') OR d.pipeline_run_id IS NOT NULL AS from_pipeline,
    coalesce(g.passed AND g.decided_at <= d.deployed_at, false) AS gate_passed,
    coalesce(g.regressed, false) AS gate_regressed,
    g.gated_run IS NOT NULL AS gate_judged,  -- a gate decision names the deployment's run, whatever it said
    coalesce(sh.listed_changes, 0) AS listed_changes,
    coalesce(sh.ships_model_or_prompt, false) AS ships_model_or_prompt,
    date_diff('millisecond', sh.first_opened_at, d.deployed_at) / 3600000.0 AS lead_time_hours
FROM int_deploys AS d
LEFT JOIN gates AS g ON g.gated_run = d.gate_run_id
LEFT JOIN shipped AS sh ON sh.shipped_id = d.deployment_id
WHERE d.deployed_at >= getvariable('since') AND d.deployed_at < getvariable('until')
