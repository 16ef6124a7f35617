-- The models and prompt versions that answered production traffic in the period, with first and last use.
SELECT system, model, prompt_version, min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS calls
FROM stg_llm_calls
GROUP BY system, model, prompt_version
UNION ALL
SELECT system, model, model_version, min(ts), max(ts), count(*)
FROM stg_predictions
GROUP BY system, model, model_version
ORDER BY system, first_seen, model
