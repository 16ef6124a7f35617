-- Evidence signals for the reproducibility axis (one row).
WITH cov AS (SELECT * FROM met_telemetry_coverage),
d AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE revision IS NOT NULL) AS with_revision,
        count(*) FILTER (WHERE revision IS NOT NULL AND listed_changes > 0 AND gate_passed) AS with_lineage
    FROM int_window_deploys
),
runs AS (SELECT count(*) AS n, count(dataset_hash) AS hashed FROM stg_eval_runs),
pred AS (SELECT count(*) AS n, count(model_version) AS versioned FROM stg_predictions)
SELECT
    cov.request_model_share,
    cov.response_model_share,
    cov.prompt_version_share,
    CASE WHEN pred.n = 0 THEN NULL ELSE pred.versioned / pred.n END AS model_version_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.with_revision / d.n END AS deploy_revision_share,
    CASE WHEN runs.n = 0 THEN NULL ELSE runs.hashed / runs.n END AS dataset_hash_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.with_lineage / d.n END AS lineage_share
FROM cov, d, runs, pred
