-- Cost per request over priced requests, with the priced share beside it (never a silent 0 for the rest).
-- A request is a trace holding inference spans; it is priced when at least one of its calls that count usage
-- has a cost and none of its completed ones lacks it (a failed call reports no usage to price). Cost sums
-- only spans that count usage, as cost per feature does, so a nested span is never added twice.
-- The whole days of the window are read from trace_rollup (tables/trace_rollup.sql counts the same per day
-- and trace); only the calls of its partial first and last days are read from stg_llm_calls.
WITH edges AS (
    SELECT * FROM stg_llm_calls
    WHERE ts < date_trunc('day', getvariable('since') - INTERVAL 1 MICROSECOND) + INTERVAL 1 DAY
    UNION ALL
    SELECT * FROM stg_llm_calls
    WHERE ts >= date_trunc('day', getvariable('until'))
        AND ts >= date_trunc('day', getvariable('since') - INTERVAL 1 MICROSECOND) + INTERVAL 1 DAY
),
parts AS (
    SELECT trace_key, costed, uncosted, cost_usd
    FROM trace_rollup
    WHERE day >= date_trunc('day', getvariable('since') - INTERVAL 1 MICROSECOND) + INTERVAL 1 DAY
        AND day < date_trunc('day', getvariable('until'))
        AND system IN (SELECT name FROM scope_systems)
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT
        trace_key,
        CAST(count(cost) FILTER (WHERE counted) AS BIGINT),
        CAST(count(*) FILTER (WHERE counted AND NOT is_error AND cost IS NULL) AS BIGINT),
        sum(cost) FILTER (WHERE counted)
    FROM edges
    GROUP BY trace_key
),
per_request AS (
    SELECT trace_key, sum(cost_usd) AS cost_usd, sum(costed) > 0 AND sum(uncosted) = 0 AS priced
    FROM parts
    GROUP BY trace_key
)
SELECT
    count(*) AS requests,
    count(*) FILTER (WHERE priced) AS priced_requests,
    sum(cost_usd) FILTER (WHERE priced) AS cost_usd,
    avg(cost_usd) FILTER (WHERE priced) AS cost_per_request_usd,
    CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE priced) / count(*) END AS priced_share
FROM per_request
