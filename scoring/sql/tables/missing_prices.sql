-- (provider, model) pairs of counted LLM calls recorded without cost: the price table is filled for these.
SELECT DISTINCT provider, model FROM unpriced ORDER BY provider, model
