-- Inference spans of systems in scope, in the window; cost is the recorded one, else priced from the price table.
SELECT
    s.ts,
    s.trace_id,
    s.span_id,
    s.parent_span_id,
    coalesce(s.system_attr, s.service) AS system,
    s.feature,
    s.operation,
    s.provider,
    s.request_model,
    coalesce(s.response_model, s.request_model) AS model,
    s.response_model,
    s.prompt_version,
    s.input_tokens,
    s.output_tokens,
    s.duration_ns,
    s.duration_ns / 1e6 AS duration_ms,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error,
    s.usage_counted AS counted,
    s.cost AS recorded_cost,
    coalesce(s.cost, CASE WHEN s.usage_counted THEN
        greatest(s.input_tokens - coalesce(s.cache_read_tokens, 0) - coalesce(s.cache_write_tokens, 0), 0)
            * p.input_per_token
        + coalesce(s.cache_read_tokens, 0) * coalesce(p.cache_read_per_token, p.input_per_token)
        + coalesce(s.cache_write_tokens, 0) * coalesce(p.cache_write_per_token, p.input_per_token)
        + s.output_tokens * p.output_per_token
    END) AS cost
FROM spans AS s
LEFT JOIN prices AS p
    ON s.cost IS NULL AND p.provider = s.provider AND p.model = coalesce(s.response_model, s.request_model)
WHERE s.operation IN ('chat', 'text_completion', 'generate_content', 'embeddings')
    AND s.ts >= (SELECT since FROM params) AND s.ts < (SELECT until FROM params)
    AND coalesce(s.system_attr, s.service) IN (SELECT name FROM scope_systems)
