-- The inference spans rolled up per segment, day, system, environment, eval traffic and trace: what
-- met_cost_per_request sums per request (its edge part computes the same from stg_llm_calls for the partial days of
-- a window); whole marks a trace's only row (request_rollup.sql counts those). Run after the loads, eval traffic
-- and prices, over $segments: every segment into an emptied table, or only the ones a sync added (Engine._roll_up).
INSERT INTO trace_rollup
WITH traces AS (
    SELECT
        segment,
        date_trunc('day', ts) AS day,
        system,
        env,
        eval_traffic,
        trace_key,
        count(cost) FILTER (WHERE counted) AS costed,
        count(*) FILTER (WHERE counted AND NOT is_error AND cost IS NULL) AS uncosted,
        sum(cost) FILTER (WHERE counted) AS cost_usd
    FROM (
        SELECT
            s.segment, s.ts, s.system, s.env, s.eval_traffic, s.trace_key,
            s.usage_counted AS counted,
            s.status = 'Error' OR s.error_type IS NOT NULL AS is_error,
            coalesce(s.cost, s.priced_cost) AS cost
        FROM spans AS s
        WHERE s.span_class = 'inference' AND s.segment IN (SELECT unnest($segments))
    ) AS calls
    GROUP BY segment, date_trunc('day', ts), system, env, eval_traffic, trace_key
)
SELECT
    segment, day, system, env, eval_traffic, trace_key, costed, uncosted, cost_usd,
    count(*) OVER (PARTITION BY trace_key) = 1 AS whole
FROM traces
