-- The whole traces of trace_rollup (a trace's only row: all its inference spans share one segment, day, system,
-- environment and eval traffic) counted per segment, day, system, environment and eval traffic: each is one
-- request, priced when one of its calls that count usage has a cost and none of its completed ones lacks it.
-- Run after trace_rollup, over an emptied table.
INSERT INTO request_rollup
SELECT
    segment, day, system, env, eval_traffic,
    count(*),
    count(*) FILTER (WHERE costed > 0 AND uncosted = 0),
    sum(cost_usd) FILTER (WHERE costed > 0 AND uncosted = 0)
FROM trace_rollup
WHERE whole
GROUP BY segment, day, system, env, eval_traffic
