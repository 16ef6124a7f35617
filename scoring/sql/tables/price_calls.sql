-- Price counted inference spans recorded without cost from the price table (genai-prices plus the price book).
-- Bound: $segments, the segments to price (all of them after the price table changed).
UPDATE spans
SET priced_cost =
    greatest(spans.input_tokens - coalesce(spans.cache_read_tokens, 0) - coalesce(spans.cache_write_tokens, 0), 0)
        * p.input_per_token
    + coalesce(spans.cache_read_tokens, 0) * coalesce(p.cache_read_per_token, p.input_per_token)
    + coalesce(spans.cache_write_tokens, 0) * coalesce(p.cache_write_per_token, p.input_per_token)
    + coalesce(spans.output_tokens, 0) * p.output_per_token
FROM prices AS p
WHERE spans.segment IN (SELECT unnest($segments))
    AND spans.cost IS NULL AND spans.usage_counted AND spans.input_tokens IS NOT NULL
    AND p.provider = spans.provider AND p.model = coalesce(spans.response_model, spans.request_model)
