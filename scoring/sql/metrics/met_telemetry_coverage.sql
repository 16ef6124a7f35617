-- Telemetry coverage of LLM calls that count usage. Failed calls are not gaps: they count in the error rate,
-- and the shares read completed calls only. Completed calls that say why they report no usage
-- (harness.usage.absent_reason: a stream without include_usage, a provider that omitted it) are counted apart
-- from the token and cost shares: neither covered nor a gap.
SELECT
    count(*) AS calls,
    count(*) FILTER (WHERE is_error) AS failed_calls,
    count(*) FILTER (WHERE NOT is_error) AS completed_calls,
    count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NOT NULL) AS usage_absent_calls,
    histogram(usage_absent_reason) FILTER (WHERE NOT is_error) AS usage_absent_reasons,
    avg(CASE WHEN input_tokens IS NOT NULL AND output_tokens IS NOT NULL THEN 1.0 ELSE 0.0 END)
        FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL) AS tokens_share,
    avg(CASE WHEN cost IS NOT NULL THEN 1.0 ELSE 0.0 END)
        FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL) AS cost_share,
    avg(CASE WHEN recorded_cost IS NOT NULL THEN 1.0 ELSE 0.0 END)
        FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL) AS recorded_cost_share,
    avg(CASE WHEN feature IS NOT NULL THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT is_error) AS feature_share,
    avg(CASE WHEN request_model IS NOT NULL THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT is_error) AS request_model_share,
    avg(CASE WHEN response_model IS NOT NULL THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT is_error)
        AS response_model_share,
    avg(CASE WHEN prompt_version IS NOT NULL THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT is_error)
        AS prompt_version_share
FROM stg_llm_calls
WHERE counted
