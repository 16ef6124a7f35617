-- One pass over the LLM calls that count usage, per system, feature and model: the counts the coverage,
-- cost-per-feature and rebuild views sum. Completed calls are the ones without an error; of those, the
-- calls saying why they report no usage (harness.usage.absent_reason) are apart from the usage shares.
SELECT
    system,
    feature,
    model,
    count(*) AS calls,
    count_if(is_error) AS failed_calls,
    count_if(NOT is_error) AS completed_calls,
    count_if(NOT is_error AND usage_absent_reason IS NOT NULL) AS usage_absent_calls,
    count_if(NOT is_error AND usage_absent_reason IS NULL) AS usage_calls,
    count_if(NOT is_error AND usage_absent_reason IS NULL AND input_tokens IS NOT NULL AND output_tokens IS NOT NULL)
        AS with_tokens,
    count_if(NOT is_error AND usage_absent_reason IS NULL AND cost IS NOT NULL) AS with_cost,
    count_if(NOT is_error AND usage_absent_reason IS NULL AND recorded_cost IS NOT NULL) AS with_recorded_cost,
    count_if(NOT is_error AND request_model IS NOT NULL) AS with_request_model,
    count_if(NOT is_error AND response_model IS NOT NULL) AS with_response_model,
    count_if(NOT is_error AND prompt_version IS NOT NULL) AS with_prompt_version,
    count(cost) AS priced_calls,
    count_if(NOT is_error AND cost IS NOT NULL) AS priced_completed,
    sum(cost) AS cost_usd
FROM stg_llm_calls
WHERE counted
GROUP BY system, feature, model
