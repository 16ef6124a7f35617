-- Telemetry coverage of LLM calls that count usage: tokens, cost (recorded or priced), feature, models, prompt version.
SELECT
    count(*) AS calls,
    avg(CASE WHEN input_tokens IS NOT NULL AND output_tokens IS NOT NULL THEN 1.0 ELSE 0.0 END) AS tokens_share,
    avg(CASE WHEN cost IS NOT NULL THEN 1.0 ELSE 0.0 END) AS cost_share,
    avg(CASE WHEN recorded_cost IS NOT NULL THEN 1.0 ELSE 0.0 END) AS recorded_cost_share,
    avg(CASE WHEN feature IS NOT NULL THEN 1.0 ELSE 0.0 END) AS feature_share,
    avg(CASE WHEN request_model IS NOT NULL THEN 1.0 ELSE 0.0 END) AS request_model_share,
    avg(CASE WHEN response_model IS NOT NULL THEN 1.0 ELSE 0.0 END) AS response_model_share,
    avg(CASE WHEN prompt_version IS NOT NULL THEN 1.0 ELSE 0.0 END) AS prompt_version_share
FROM stg_llm_calls
WHERE counted
