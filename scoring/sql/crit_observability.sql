-- Evidence signals for the observability axis (one row; null when the scope has no telemetry in the window).
WITH a AS (SELECT * FROM int_activity),
cov AS (SELECT * FROM met_telemetry_coverage),
lat AS (SELECT * FROM met_latency),
days AS (
    SELECT DISTINCT CAST(ts AS DATE) AS day FROM spans
    WHERE coalesce(system_attr, service) IN (SELECT name FROM scope_systems) AND ts < (SELECT until FROM params)
),
gaps AS (
    SELECT
        min(day) AS first_day,
        max(gap) AS max_gap_days
    FROM (SELECT day, date_diff('day', lag(day) OVER (ORDER BY day), day) AS gap FROM days) AS g
)
SELECT
    CASE WHEN a.spans_in_window = 0 THEN NULL ELSE lat.calls END AS model_calls,
    cov.tokens_share,
    cov.cost_share,
    cov.feature_share,
    (SELECT orphan_share FROM met_orphan_spans) AS orphan_share,
    (SELECT avg(CASE WHEN termination IS NOT NULL THEN 1.0 ELSE 0.0 END) FROM stg_agent_runs) AS termination_share,
    CASE WHEN lat.calls = 0 THEN NULL
        ELSE (SELECT count(DISTINCT date_diff('day', w.since, m.ts) // 7) FROM stg_model_calls AS m, params AS w)
    END AS latency_weeks,
    (SELECT incident_attributed_share FROM crit_deployment) AS incident_attributed_share,
    (SELECT restore_median_hours FROM crit_deployment) AS restore_median_hours,
    CASE WHEN gaps.first_day IS NULL THEN NULL
        ELSE date_diff('day', gaps.first_day, CAST((SELECT until FROM params) AS DATE)) END AS retention_days,
    CASE WHEN gaps.first_day IS NULL THEN NULL ELSE coalesce(gaps.max_gap_days, 0) END AS max_gap_days,
    a.spans_in_window > 0 AND a.agent_runs = 0 AS no_agent_runs,
    (SELECT no_incidents FROM crit_deployment) AS no_incidents
FROM a, cov, lat, gaps
