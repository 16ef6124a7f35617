-- (provider, model) pairs of counted LLM calls recorded without cost: the price table is filled for these.
SELECT DISTINCT provider, coalesce(response_model, request_model) AS model
FROM spans
WHERE cost IS NULL AND usage_counted AND input_tokens IS NOT NULL
    AND coalesce(response_model, request_model) IS NOT NULL
