-- Cost per feature: inference cost by harness.feature; calls without a feature under "(unattributed)".
SELECT
    coalesce(feature, '(unattributed)') AS feature,
    sum(cost_usd) AS cost_usd,
    sum(cost_usd) / sum(sum(cost_usd)) OVER () AS share,
    sum(calls) AS calls,
    sum(priced_calls) AS priced_calls
FROM int_llm_call_groups
GROUP BY coalesce(feature, '(unattributed)')
ORDER BY cost_usd DESC NULLS LAST, feature
