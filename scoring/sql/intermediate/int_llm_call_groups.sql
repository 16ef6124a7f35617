-- One pass over the LLM calls that count usage, per system, feature and model: the counts the coverage,
-- cost-per-feature and rebuild views sum. Completed calls are the ones without an error; of those, the
-- calls saying why they report no usage (harness.usage.absent_reason) are apart from the usage shares.
-- The whole days of the window are summed from call_rollup (tables/call_rollup.sql counts the same per day);
-- only the calls of its partial first and last days are read from stg_llm_calls.
WITH edges AS (
    SELECT * FROM stg_llm_calls
    WHERE counted AND ts < getvariable('whole_since')
    UNION ALL
    SELECT * FROM stg_llm_calls
    WHERE counted AND ts >= getvariable('whole_until')
        AND ts >= getvariable('whole_since')
),
parts AS (
    SELECT
        system, feature, model, calls, failed_calls, completed_calls, usage_absent_calls, usage_calls, with_tokens,
        with_cost, with_recorded_cost, with_request_model, with_response_model, with_prompt_version, priced_calls,
        priced_completed, cost_usd
    FROM call_rollup
    WHERE day >= getvariable('whole_since')
        AND day < getvariable('whole_until')
        AND system IN (SELECT name FROM scope_systems)
        AND coalesce(env, 'production') = getvariable('env')
        AND NOT eval_traffic
    UNION ALL
    SELECT
        system,
        feature,
        model,
        CAST(count(*) AS BIGINT) AS calls,
        CAST(count(*) FILTER (WHERE is_error) AS BIGINT) AS failed_calls,
        CAST(count(*) FILTER (WHERE NOT is_error) AS BIGINT) AS completed_calls,
        CAST(count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NOT NULL) AS BIGINT) AS usage_absent_calls,
        CAST(count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL) AS BIGINT) AS usage_calls,
        CAST(count(*) FILTER (WHERE
            NOT is_error AND usage_absent_reason IS NULL AND input_tokens IS NOT NULL AND output_tokens IS NOT NULL
        ) AS BIGINT) AS with_tokens,
        CAST(count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL AND cost IS NOT NULL) AS BIGINT)
            AS with_cost,
        CAST(count(*) FILTER (
            WHERE NOT is_error AND usage_absent_reason IS NULL AND recorded_cost IS NOT NULL
        ) AS BIGINT) AS with_recorded_cost,
        CAST(count(*) FILTER (WHERE NOT is_error AND request_model IS NOT NULL) AS BIGINT) AS with_request_model,
        CAST(count(*) FILTER (WHERE NOT is_error AND response_model IS NOT NULL) AS BIGINT) AS with_response_model,
        CAST(count(*) FILTER (WHERE NOT is_error AND prompt_version IS NOT NULL) AS BIGINT) AS with_prompt_version,
        CAST(count(cost) AS BIGINT) AS priced_calls,
        CAST(count(*) FILTER (WHERE NOT is_error AND cost IS NOT NULL) AS BIGINT) AS priced_completed,
        sum(cost) AS cost_usd
    FROM edges
    GROUP BY system, feature, model
)
SELECT
    system,
    feature,
    model,
    CAST(sum(calls) AS BIGINT) AS calls,
    CAST(sum(failed_calls) AS BIGINT) AS failed_calls,
    CAST(sum(completed_calls) AS BIGINT) AS completed_calls,
    CAST(sum(usage_absent_calls) AS BIGINT) AS usage_absent_calls,
    CAST(sum(usage_calls) AS BIGINT) AS usage_calls,
    CAST(sum(with_tokens) AS BIGINT) AS with_tokens,
    CAST(sum(with_cost) AS BIGINT) AS with_cost,
    CAST(sum(with_recorded_cost) AS BIGINT) AS with_recorded_cost,
    CAST(sum(with_request_model) AS BIGINT) AS with_request_model,
    CAST(sum(with_response_model) AS BIGINT) AS with_response_model,
    CAST(sum(with_prompt_version) AS BIGINT) AS with_prompt_version,
    CAST(sum(priced_calls) AS BIGINT) AS priced_calls,
    CAST(sum(priced_completed) AS BIGINT) AS priced_completed,
    sum(cost_usd) AS cost_usd
FROM parts
GROUP BY system, feature, model
