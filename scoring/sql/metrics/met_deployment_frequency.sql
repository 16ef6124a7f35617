-- Deployment frequency: |D| / (window days / 7), and the deploy-days band (median deploy days per week, per 30 days).
-- Null when the window holds no deployment facts at all.
WITH w AS (
    SELECT
        getvariable('since') AS since,
        getvariable('until') AS until,
        date_diff('second', getvariable('since'), getvariable('until')) / 86400.0 AS days
),
deploy_days AS (
    SELECT DISTINCT date_diff('day', CAST(w.since AS DATE), CAST(d.deployed_at AS DATE)) AS day_index
    FROM int_window_deploys AS d, w
),
weeks AS (  -- unnest in the select list rather than the range() table function: the portable subset
    SELECT unnest(range(0, CAST(ceil(w.days / 7) AS BIGINT))) AS bucket FROM w
),
months AS (
    SELECT unnest(range(0, CAST(ceil(w.days / 30) AS BIGINT))) AS bucket FROM w
),
per_week AS (
    SELECT weeks.bucket, count(dd.day_index) AS deploy_days
    FROM weeks LEFT JOIN deploy_days AS dd ON dd.day_index // 7 = weeks.bucket
    GROUP BY weeks.bucket
),
per_month AS (
    SELECT months.bucket, count(dd.day_index) AS deploy_days
    FROM months LEFT JOIN deploy_days AS dd ON dd.day_index // 30 = months.bucket
    GROUP BY months.bucket
),
summary AS (
    SELECT
        (SELECT deployments_recorded FROM int_activity) AS recorded,
        (SELECT count(*) FROM int_window_deploys) AS deployments,
        (SELECT quantile_cont(deploy_days, 0.5) FROM per_week) AS week_median,
        (SELECT quantile_cont(deploy_days, 0.5) FROM per_month) AS month_median,
        w.days
    FROM w
)
SELECT
    deployments,
    days AS window_days,
    CASE WHEN recorded = 0 THEN NULL ELSE deployments / (days / 7) END AS deployment_frequency_per_week,
    CASE WHEN recorded = 0 THEN NULL ELSE week_median END AS median_deploy_days_per_week,
    CASE WHEN recorded = 0 THEN NULL ELSE month_median END AS median_deploy_days_per_month,
    CASE
        WHEN recorded = 0 THEN NULL
        WHEN week_median >= 3 THEN 'elite'
        WHEN week_median >= 1 THEN 'high'
        WHEN month_median >= 1 THEN 'medium'
        ELSE 'low'
    END AS deploy_days_band,
    CASE
        WHEN recorded = 0 THEN NULL
        WHEN week_median >= 3 THEN 4
        WHEN week_median >= 1 THEN 3
        WHEN month_median >= 1 THEN 2
        ELSE 1
    END AS deploy_days_band_rank
FROM summary
