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
pred AS (SELECT count(*) AS n, count(model_version) AS versioned FROM stg_predictions),
rebuild AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE answer = 'yes') AS yes,
        count(*) FILTER (WHERE answer = 'no') AS no,
        count(*) FILTER (WHERE answer = 'unknown') AS unknown
    FROM int_rebuild
)
SELECT
    cov.response_model_share,
    cov.prompt_version_share,
    cov.failed_calls,
    CASE WHEN pred.n = 0 THEN NULL ELSE pred.versioned / pred.n END AS model_version_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.with_revision / d.n END AS deploy_revision_share,
    CASE WHEN runs.n = 0 THEN NULL ELSE runs.hashed / runs.n END AS dataset_hash_share,
    CASE WHEN d.n = 0 THEN NULL ELSE d.with_lineage / d.n END AS lineage_share,
    -- "yes for every model" is known false once one system says no; else unknown while one is unknown
    CASE
        WHEN rebuild.n = 0 THEN NULL
        WHEN rebuild.no = 0 AND rebuild.unknown > 0 THEN NULL
        ELSE rebuild.yes / rebuild.n
    END AS rebuildable_share
FROM cov, d, runs, pred, rebuild
