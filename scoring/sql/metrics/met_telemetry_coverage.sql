-- Telemetry coverage of LLM calls that count usage. Failed calls are not gaps: they count in the error rate,
-- and the shares read completed calls only. Completed calls that say why they report no usage
-- (harness.usage.absent_reason: a stream without include_usage, a provider that omitted it) are counted apart
-- from the token and cost shares: neither covered nor a gap. A share over no calls is null.
SELECT
    coalesce(sum(calls), 0) AS calls,
    coalesce(sum(failed_calls), 0) AS failed_calls,
    coalesce(sum(completed_calls), 0) AS completed_calls,
    coalesce(sum(usage_absent_calls), 0) AS usage_absent_calls,
    (SELECT histogram(usage_absent_reason) FROM stg_llm_calls
        WHERE counted AND NOT is_error AND usage_absent_reason IS NOT NULL) AS usage_absent_reasons,
    sum(with_tokens) / nullif(sum(usage_calls), 0) AS tokens_share,
    sum(with_cost) / nullif(sum(usage_calls), 0) AS cost_share,
    sum(with_recorded_cost) / nullif(sum(usage_calls), 0) AS recorded_cost_share,
    -- coalesce: when no call names a feature, the sum over no rows is null, and the share 0, not unknown
    coalesce(sum(completed_calls) FILTER (WHERE feature IS NOT NULL), 0) / nullif(sum(completed_calls), 0)
        AS feature_share,
    sum(with_request_model) / nullif(sum(completed_calls), 0) AS request_model_share,
    sum(with_response_model) / nullif(sum(completed_calls), 0) AS response_model_share,
    sum(with_prompt_version) / nullif(sum(completed_calls), 0) AS prompt_version_share
FROM int_llm_call_groups
