-- Cost per feature: inference cost by harness.feature; calls without a feature under "(unattributed)".
SELECT
    coalesce(feature, '(unattributed)') AS feature,
    sum(cost) AS cost_usd,
    sum(cost) / sum(sum(cost)) OVER () AS share,
    count(*) AS calls,
    count(cost) AS priced_calls
FROM stg_llm_calls
WHERE counted
GROUP BY coalesce(feature, '(unattributed)')
ORDER BY cost_usd DESC NULLS LAST, feature
