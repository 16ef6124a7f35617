-- Evidence signals for the observability axis (one row; null when the scope has no telemetry in the window).
WITH a AS (SELECT * FROM int_activity),
cov AS (SELECT * FROM met_telemetry_coverage),
lat AS (SELECT * FROM met_latency),
ret AS (SELECT * FROM int_retention),
health AS (SELECT * FROM int_export_health),
-- fairness: the window's gate decisions that compared labelled slices (each with its own margin)
fair AS (
    SELECT count(*) AS gates, count(*) FILTER (WHERE gated_slices > 0) AS sliced
    FROM stg_gate_decisions
    WHERE decided_at >= getvariable('since') AND decided_at < getvariable('until')
),
-- the metrics read as one value each, gathered in one row: read in the final SELECT, each scalar subquery
-- would be one more relation for DuckDB's join-order search over the one-row CTEs
one AS (
    SELECT
        (SELECT orphan_share FROM met_orphan_spans) AS orphan_share,
        (SELECT spans_with_parent FROM met_orphan_spans) AS spans_with_parent,
        (SELECT CASE WHEN runs = 0 THEN NULL ELSE terminated_runs / runs END FROM int_agent_activity)
            AS termination_share
)
SELECT
    CASE WHEN a.spans_in_window = 0 THEN NULL ELSE lat.calls END AS model_calls,
    CASE WHEN lat.calls = 0 THEN NULL ELSE lat.error_rate END AS error_rate,
    cov.tokens_share,
    cov.cost_share,
    cov.feature_share,
    cov.failed_calls,
    cov.usage_absent_calls,
    one.orphan_share,
    -- model calls, and none of them or of the tool spans has a parent: every call is a trace of its own, so no
    -- trace can be broken (orphan_share has nothing to divide by)
    coalesce(lat.calls, 0) > 0 AND coalesce(one.spans_with_parent, 0) = 0 AS no_nested_spans,
    one.termination_share,
    CASE WHEN lat.calls = 0 THEN NULL ELSE lat.weeks END AS latency_weeks,
    ret.max_gap_days,
    CASE
        WHEN health.records = 0 THEN NULL
        WHEN health.written + health.dropped = 0 THEN 0.0
        ELSE round(health.dropped / (health.written + health.dropped), 6)
    END AS dropped_share,
    CASE WHEN fair.gates = 0 THEN NULL ELSE fair.sliced / fair.gates END AS sliced_gate_share
FROM a, cov, lat, ret, health, fair, one
