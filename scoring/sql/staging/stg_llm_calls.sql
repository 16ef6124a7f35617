-- Inference spans in scope (stg_scoped_spans); cost is the recorded one, else the priced one.
SELECT
    s.ts,
    s.trace_id,
    s.trace_key,
    s.span_key,
    s.parent_key,
    s.system,
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
    s.latency_bin,
    s.tokens_bin,
    s.status = 'Error' OR s.error_type IS NOT NULL AS is_error,
    s.usage_counted AS counted,
    s.usage_absent_reason,
    s.ttfc_s * 1000 AS ttfc_ms,
    s.cost AS recorded_cost,
    coalesce(s.cost, s.priced_cost) AS cost
FROM stg_scoped_spans AS s
WHERE s.span_class = 'inference'
