-- Latency, errors and cost per feature and per model: the percentiles and error rate of the model calls
-- (int_model_call_stats), the cost of the LLM calls that count usage and the share of the completed ones
-- priced (int_llm_call_groups; null for classical predictions, which have no cost).
WITH cost AS (
    SELECT 'feature' AS dimension, coalesce(feature, '(unattributed)') AS value, sum(cost_usd) AS cost_usd,
        sum(priced_completed) / nullif(sum(completed_calls), 0) AS priced_share
    FROM int_llm_call_groups
    GROUP BY ALL
    UNION ALL
    SELECT 'model', coalesce(model, '(unknown)'), sum(cost_usd), sum(priced_completed) / nullif(sum(completed_calls), 0)
    FROM int_llm_call_groups
    GROUP BY ALL
)
SELECT
    s.dimension,
    s.value,
    s.calls,
    s.latency_ms[1] AS p50,
    s.latency_ms[2] AS p95,
    s.latency_ms[3] AS p99,
    s.failed / s.calls AS error_rate,  -- a group has at least one call
    c.cost_usd,
    c.priced_share
FROM int_model_call_stats AS s
LEFT JOIN cost AS c USING (dimension, value)
WHERE s.dimension <> 'all'
ORDER BY s.dimension, s.value
