-- Cost per request over priced requests, with the priced share beside it (never a silent 0 for the rest).
-- A request is a trace holding inference spans; it is priced when at least one of its calls that count usage
-- has a cost and none of its completed ones lacks it (a failed call reports no usage to price). Cost sums
-- only spans that count usage, as cost per feature does, so a nested span is never added twice.
-- The whole days of the window are read from the roll-ups: request_rollup counts the traces whose inference
-- spans all lie in one row of trace_rollup (nearly all), trace_rollup holds the rest per day and trace; only
-- the calls of its partial first and last days are read from stg_llm_calls.
WITH edges AS (
    SELECT * FROM stg_llm_calls
    WHERE ts < getvariable('whole_since')
    UNION ALL
    SELECT * FROM stg_llm_calls
    WHERE ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
whole AS (  -- the whole traces of the window's whole days, as request counts
    SELECT
        CAST(coalesce(sum(requests), 0) AS BIGINT) AS requests,
        CAST(coalesce(sum(priced_requests), 0) AS BIGINT) AS priced_requests,
        sum(cost_usd) AS cost_usd
    FROM request_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND system IN (SELECT name FROM scope_systems)
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
),
parts AS (  -- the other traces of the whole days, and every trace of the edge days, per trace
    SELECT trace_key, costed, uncosted, cost_usd
    FROM trace_rollup
    WHERE NOT whole
        AND day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
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
),
grouped AS (
    SELECT
        count(*) AS requests,
        count(*) FILTER (WHERE priced) AS priced_requests,
        sum(cost_usd) FILTER (WHERE priced) AS cost_usd
    FROM per_request
),
totals AS (
    SELECT
        w.requests + g.requests AS requests,
        w.priced_requests + g.priced_requests AS priced_requests,
        CASE WHEN w.cost_usd IS NULL AND g.cost_usd IS NULL THEN NULL
            ELSE coalesce(w.cost_usd, 0) + coalesce(g.cost_usd, 0) END AS cost_usd
    FROM whole AS w, grouped AS g
)
SELECT
    requests,
    priced_requests,
    cost_usd,
    CASE WHEN priced_requests = 0 THEN NULL ELSE cost_usd / priced_requests END AS cost_per_request_usd,
    CASE WHEN requests = 0 THEN NULL ELSE priced_requests / requests END AS priced_share
FROM totals
