-- Time to first chunk of completed streamed LLM calls (gen_ai.response.time_to_first_chunk), in ms.
SELECT
    count(ttfc_ms) AS streams,
    quantile_cont(ttfc_ms, 0.5) AS p50,
    quantile_cont(ttfc_ms, 0.95) AS p95
FROM stg_llm_calls
WHERE NOT is_error AND ttfc_ms IS NOT NULL
