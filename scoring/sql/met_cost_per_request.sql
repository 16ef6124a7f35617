-- Cost per request: total inference cost / number of traces containing an inference span.
-- Cost sums only spans that count usage, as cost per feature does, so a nested span is never added twice.
SELECT
    sum(cost) FILTER (WHERE counted) AS cost_usd,
    count(DISTINCT trace_key) AS requests,
    sum(cost) FILTER (WHERE counted) / nullif(count(DISTINCT trace_key), 0) AS cost_per_request_usd
FROM stg_llm_calls
