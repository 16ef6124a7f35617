-- The counted inference spans rolled up per segment, day, system, environment, eval traffic, feature and model: the
-- counts of int_llm_call_groups (whose edge part computes the same from stg_llm_calls for the partial days of a
-- window). Run after the loads, eval traffic and prices, over $segments: every segment into an emptied table, or
-- only the ones a sync added (Engine._roll_up).
INSERT INTO call_rollup
SELECT
    segment,
    date_trunc('day', ts) AS day,
    system,
    env,
    eval_traffic,
    feature,
    model,
    count(*),
    count(*) FILTER (WHERE is_error),
    count(*) FILTER (WHERE NOT is_error),
    count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NOT NULL),
    count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL),
    count(*) FILTER (
        WHERE NOT is_error AND usage_absent_reason IS NULL AND input_tokens IS NOT NULL AND output_tokens IS NOT NULL
    ),
    count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL AND cost IS NOT NULL),
    count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL AND recorded_cost IS NOT NULL),
    count(*) FILTER (WHERE NOT is_error AND request_model IS NOT NULL),
    count(*) FILTER (WHERE NOT is_error AND response_model IS NOT NULL),
    count(*) FILTER (WHERE NOT is_error AND prompt_version IS NOT NULL),
    count(cost),
    count(*) FILTER (WHERE NOT is_error AND cost IS NOT NULL),
    sum(cost)
FROM (
    SELECT
        s.segment, s.ts, s.system, s.env, s.eval_traffic, s.feature, s.request_model, s.response_model,
        s.prompt_version, s.usage_absent_reason, s.input_tokens, s.output_tokens,
        coalesce(s.response_model, s.request_model) AS model,
        s.status = 'Error' OR s.error_type IS NOT NULL AS is_error,
        s.cost AS recorded_cost,
        coalesce(s.cost, s.priced_cost) AS cost
    FROM spans AS s
    WHERE s.span_class = 'inference' AND s.usage_counted AND s.segment IN (SELECT unnest($segments))
) AS calls
GROUP BY segment, date_trunc('day', ts), system, env, eval_traffic, feature, model
