-- The cost of each counted inference span of $segments recorded without one, from the price in force when it
-- started (the prices row of its provider, model, service tier and speed whose period holds its start and whose token
-- tier its input tokens fall in: the rows do not overlap, so one matches). price_calls.sql writes it into spans.
INSERT INTO call_costs
SELECT
    s.segment,
    s.trace_key,
    coalesce(s.span_key, 0) AS span_key,
    s.ts,
    greatest(s.input_tokens - coalesce(s.cache_read_tokens, 0) - coalesce(s.cache_write_tokens, 0), 0)
        * p.input_per_token
    + coalesce(s.cache_read_tokens, 0) * coalesce(p.cache_read_per_token, p.input_per_token)
    + coalesce(s.cache_write_tokens, 0) * coalesce(p.cache_write_per_token, p.input_per_token)
    + coalesce(s.output_tokens, 0) * p.output_per_token AS priced_cost
FROM spans AS s
JOIN prices AS p ON p.provider = s.provider AND p.model = coalesce(s.response_model, s.request_model)
    AND coalesce(p.service_tier, '') = coalesce(s.service_tier, '') AND coalesce(p.speed, '') = coalesce(s.speed, '')
WHERE s.segment IN (SELECT unnest($segments))
    AND s.cost IS NULL AND s.usage_counted AND s.input_tokens IS NOT NULL
    AND (p.starts IS NULL OR s.ts >= p.starts) AND (p.ends IS NULL OR s.ts < p.ends)
    -- the second of the day from its fields: ClickHouse truncates a time before 1970 to the day toward zero
    AND hour(s.ts) * 3600 + minute(s.ts) * 60 + second(s.ts) >= p.day_from
    AND hour(s.ts) * 3600 + minute(s.ts) * 60 + second(s.ts) < p.day_until
    AND (p.above_tokens IS NULL OR s.input_tokens > p.above_tokens)
    AND (p.upto_tokens IS NULL OR s.input_tokens <= p.upto_tokens)
