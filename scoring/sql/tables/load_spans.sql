-- raw -> staging: one narrow typed row per span of the Parquet segments bound as $segments.
-- Attribute names are the constants of instrumentation/semconv.py (a test pins every one). Attributes of
-- one kind of span are read only on that kind (CASE), since every map lookup scans the row's entries.
-- GenAI attributes are read through the mapping table of other instrumentations' dialects (the <column>_<n>
-- slots: the one row of attribute_keys.sql; kinds: span_kinds.sql), so their spans load like ours; the first
-- source a span carries wins.
-- $feature_attribute: the attribute a team names its features by (setting feature_attribute), or null.
INSERT INTO spans BY NAME
SELECT
    filename AS segment,
    ts,
    "TraceId" AS trace_id,
    hash("TraceId") AS trace_key,
    TRY_CAST('0x' || "SpanId" AS UBIGINT) AS span_key,
    TRY_CAST('0x' || "ParentSpanId" AS UBIGINT) AS parent_key,
    CASE
        WHEN op IN ('chat', 'text_completion', 'generate_content', 'embeddings') THEN 'inference'
        WHEN op = 'invoke_agent' THEN 'agent'
        WHEN op = 'execute_tool' THEN 'tool'
        WHEN rt = 'prediction' THEN 'prediction'
        ELSE 'other'
    END AS span_class,
    coalesce(a['harness.system'], r['harness.system'], "ServiceName") AS system,
    coalesce(a['harness.system.kind'], r['harness.system.kind']) AS system_kind,
    coalesce(a['deployment.environment.name'], r['deployment.environment.name']) AS env,
    -- the version a span belongs to (what `harness canary` compares): the deployed service.version of the
    -- span, else of its resource; a prediction without one falls back to its model's version
    coalesce(a['service.version'], r['service.version'], CASE WHEN rt = 'prediction' THEN a['harness.model.version'] END)
        AS version,
    rt AS record_type,
    "StatusCode" AS status,
    a['error.type'] AS error_type,
    CAST("Duration" AS BIGINT) AS duration_ns,
    coalesce(a['harness.feature'], a[$feature_attribute], r[$feature_attribute]) AS feature,
    op AS operation,
    CASE WHEN op IS NOT NULL THEN coalesce(a[provider_1], a[provider_2], a[provider_3], a[provider_fallback_1]) END AS provider,
    CASE WHEN op IS NOT NULL THEN coalesce(a[request_model_1], a[request_model_2], a[request_model_3]) END AS request_model,
    CASE WHEN op IS NOT NULL THEN coalesce(a[response_model_1], a[response_model_2], a[response_model_3]) END AS response_model,
    CASE WHEN op IS NOT NULL THEN coalesce(a[prompt_version_1], a[prompt_version_2], a[prompt_version_3]) END AS prompt_version,
    -- an empty tier says nothing: the next source is read
    CASE WHEN op IS NOT NULL THEN coalesce(
        nullif(a[service_tier_1], ''), nullif(a[service_tier_2], ''), nullif(a[service_tier_3], ''),
        nullif(a[service_tier_4], '')
    ) END AS service_tier,
    CASE WHEN op IS NOT NULL THEN nullif(a['harness.anthropic.speed'], '') END AS speed,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(coalesce(a[input_tokens_1], a[input_tokens_2], a[input_tokens_3]) AS BIGINT) END AS input_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(coalesce(a[output_tokens_1], a[output_tokens_2], a[output_tokens_3]) AS BIGINT) END AS output_tokens,
    -- the drift histogram's bins (met_drift): quarter-decades of ms, half powers of two of the tokens
    CASE WHEN op IN ('chat', 'text_completion', 'generate_content', 'embeddings') OR rt = 'prediction'
        THEN CAST(floor(log10(greatest("Duration" / 1e6, 0.001)) * 4) AS SMALLINT) END AS latency_bin,
    -- 64ths of a power of two of the ns (1.1% wide): a bin holds a contiguous run of the sorted durations (log2 of
    -- whole ns is monotone: neighbours differ by far more than its rounding); int_model_call_stats and met_trajectory
    -- rank only the durations of the bins that hold their percentiles
    CASE WHEN op IN ('chat', 'text_completion', 'generate_content', 'embeddings', 'invoke_agent') OR rt = 'prediction'
        THEN CAST(floor(log2(greatest("Duration", 1)) * 64) AS SMALLINT) END AS latency_fine,
    CASE WHEN input_tokens IS NOT NULL AND output_tokens IS NOT NULL  -- greatest() would skip a null
        THEN CAST(floor(log2(greatest(input_tokens + output_tokens, 1)) * 2) AS SMALLINT) END AS tokens_bin,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(coalesce(a[cache_read_tokens_1], a[cache_read_tokens_2], a[cache_read_tokens_3]) AS BIGINT) END AS cache_read_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(coalesce(a[cache_write_tokens_1], a[cache_write_tokens_2], a[cache_write_tokens_3]) AS BIGINT) END AS cache_write_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(coalesce(a[reasoning_tokens_1], a[reasoning_tokens_2], a[reasoning_tokens_3]) AS BIGINT) END AS reasoning_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(coalesce(a[cost_1], a[cost_2], a[cost_3]) AS DOUBLE) END AS cost,
    CASE WHEN op IS NOT NULL THEN a['harness.usage.counted'] IS DISTINCT FROM 'false' END AS usage_counted,
    CASE WHEN op IS NOT NULL THEN a['harness.usage.absent_reason'] END AS usage_absent_reason,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['gen_ai.response.time_to_first_chunk'] AS DOUBLE) END AS ttfc_s,
    CASE WHEN op = 'invoke_agent' THEN coalesce(a[agent_name_1], a[agent_name_2], a[agent_name_3]) END AS agent_name,
    CASE WHEN op = 'invoke_agent' THEN coalesce(a['gen_ai.agent.version'], r['service.version']) END AS agent_version,
    CASE WHEN op = 'execute_tool' THEN coalesce(a[tool_name_1], a[tool_name_2], a[tool_name_3]) END AS tool_name,
    CASE WHEN op = 'execute_tool' THEN TRY_CAST(a['harness.tool.allowed'] AS BOOLEAN) END AS tool_allowed,
    CASE WHEN op = 'execute_tool' THEN a['harness.tool.owner'] END AS tool_owner,
    CASE WHEN op = 'invoke_agent' THEN a['harness.agent.termination'] END AS termination,
    CASE WHEN op = 'invoke_agent' THEN TRY_CAST(a['harness.agent.rollup.steps'] AS BIGINT) END AS rollup_steps,
    CASE WHEN op = 'invoke_agent' THEN TRY_CAST(a['harness.agent.rollup.tool_calls'] AS BIGINT) END AS rollup_tool_calls,
    CASE WHEN op = 'invoke_agent' THEN TRY_CAST(a['harness.agent.rollup.retries'] AS BIGINT) END AS rollup_retries,
    CASE WHEN rt = 'prediction' THEN a['harness.model.name'] END AS model_name,
    CASE WHEN rt = 'prediction' THEN a['harness.model.version'] END AS model_version,
    rt IS NOT DISTINCT FROM 'eval_case' AS eval_traffic  -- the rest of its trace: eval_traffic.sql
FROM (
    SELECT raw.*, coalesce(kinds.operation, raw.kind) AS op
    FROM (
        SELECT
            src.*,
            k.*,
            CAST(src."Timestamp" AS TIMESTAMP) AS ts,
            src."SpanAttributes" AS a,
            src."ResourceAttributes" AS r,
            src."SpanAttributes"['harness.record.type'] AS rt,
            coalesce(src."SpanAttributes"[k.kind_1], src."SpanAttributes"[k.kind_2], src."SpanAttributes"[k.kind_3])
                AS kind
        FROM read_parquet($segments, hive_partitioning = true, filename = true) AS src
        CROSS JOIN attribute_keys AS k
    ) AS raw
    LEFT JOIN span_kinds AS kinds ON kinds.kind = raw.kind
) AS raw
