-- Latency percentiles and error rate of model calls per system, per feature and per model, with the cost of
-- the LLM calls that count usage and the share of completed ones priced (per feature and model:
-- int_call_breakdown, which the scorecard shows; per system computed here when asked for).
SELECT * FROM int_call_breakdown
UNION ALL
SELECT
    'system' AS dimension,
    m.system AS value,
    count(*) AS calls,
    quantile_cont(m.duration_ms, 0.5) AS p50,
    quantile_cont(m.duration_ms, 0.95) AS p95,
    quantile_cont(m.duration_ms, 0.99) AS p99,
    avg(CASE WHEN m.is_error THEN 1.0 ELSE 0.0 END) AS error_rate,
    any_value(g.cost_usd) AS cost_usd,
    any_value(g.priced_share) AS priced_share
FROM stg_model_calls AS m
LEFT JOIN (
    SELECT system, sum(cost_usd) AS cost_usd, sum(priced_completed) / nullif(sum(completed_calls), 0) AS priced_share
    FROM int_llm_call_groups
    GROUP BY system
) AS g USING (system)
GROUP BY m.system
ORDER BY dimension, value
