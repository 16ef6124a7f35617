-- (provider, model, service tier, speed) of counted LLM calls recorded without cost: the price table is filled
-- for these.
SELECT DISTINCT provider, model, service_tier, speed FROM unpriced ORDER BY provider, model, service_tier, speed
