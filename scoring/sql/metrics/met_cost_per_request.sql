-- Cost per request over priced requests, with the priced share beside it (never a silent 0 for the rest).
-- A request is a trace holding inference spans; it is priced when at least one of its calls that count usage
-- has a cost and none of its completed ones lacks it (a failed call reports no usage to price). Cost sums
-- only spans that count usage, as cost per feature does, so a nested span is never added twice.
WITH per_request AS (
    SELECT
        trace_key,
        sum(cost) FILTER (WHERE counted) AS cost_usd,
        count(cost) FILTER (WHERE counted) > 0
            AND count(*) FILTER (WHERE counted AND NOT is_error AND cost IS NULL) = 0 AS priced
    FROM stg_llm_calls
    GROUP BY trace_key
)
SELECT
    count(*) AS requests,
    count(*) FILTER (WHERE priced) AS priced_requests,
    sum(cost_usd) FILTER (WHERE priced) AS cost_usd,
    avg(cost_usd) FILTER (WHERE priced) AS cost_per_request_usd,
    CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE priced) / count(*) END AS priced_share
FROM per_request
