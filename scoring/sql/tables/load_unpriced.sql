-- staging -> (provider, model, service tier, speed) per segment of counted LLM calls recorded without cost, to be
-- priced.
INSERT INTO unpriced
SELECT DISTINCT segment, provider, coalesce(response_model, request_model) AS model, service_tier, speed
FROM spans
WHERE segment IN (SELECT unnest($segments))
    AND cost IS NULL AND usage_counted AND input_tokens IS NOT NULL
    AND coalesce(response_model, request_model) IS NOT NULL
