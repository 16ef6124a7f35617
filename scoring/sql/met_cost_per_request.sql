-- Cost per request: total inference cost / number of traces containing an inference span.
SELECT
    sum(cost) AS cost_usd,
    count(DISTINCT trace_key) AS requests,
    sum(cost) / nullif(count(DISTINCT trace_key), 0) AS cost_per_request_usd
FROM stg_llm_calls
