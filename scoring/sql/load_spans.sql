-- raw -> staging: one typed row per span of the Parquet segments bound as $segments.
-- Attribute names are the constants of instrumentation/semconv.py (a test pins every one).
INSERT INTO spans BY NAME
SELECT
    filename AS segment,
    ts,
    ts + to_microseconds(CAST("Duration" // 1000 AS BIGINT)) AS end_ts,
    hash("TraceId") AS trace_key,
    TRY_CAST('0x' || "SpanId" AS UBIGINT) AS span_key,
    TRY_CAST('0x' || "ParentSpanId" AS UBIGINT) AS parent_key,
    "TraceId" AS trace_id,
    "SpanId" AS span_id,
    "ParentSpanId" AS parent_span_id,
    "SpanName" AS span_name,
    "SpanKind" AS span_kind,
    "ServiceName" AS service,
    "StatusCode" AS status,
    CAST("Duration" AS BIGINT) AS duration_ns,
    CASE
        WHEN op IN ('chat', 'text_completion', 'generate_content', 'embeddings') THEN 1
        WHEN op = 'invoke_agent' THEN 2
        WHEN op = 'execute_tool' THEN 3
        WHEN rt = 'prediction' THEN 4
        ELSE 0
    END AS span_class,
    coalesce(a['harness.system'], r['harness.system'], "ServiceName") AS system,
    rt AS record_type,
    coalesce(a['harness.system'], r['harness.system']) AS system_attr,
    coalesce(a['harness.system.kind'], r['harness.system.kind']) AS system_kind,
    coalesce(a['deployment.environment.name'], r['deployment.environment.name']) AS env,
    op AS operation,
    CASE WHEN op IS NOT NULL THEN a['gen_ai.provider.name'] END AS provider,
    CASE WHEN op IS NOT NULL THEN a['gen_ai.request.model'] END AS request_model,
    CASE WHEN op IS NOT NULL THEN a['gen_ai.response.model'] END AS response_model,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['gen_ai.usage.input_tokens'] AS BIGINT) END AS input_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['gen_ai.usage.output_tokens'] AS BIGINT) END AS output_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['gen_ai.usage.cache_read.input_tokens'] AS BIGINT) END AS cache_read_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['gen_ai.usage.cache_write.input_tokens'] AS BIGINT) END AS cache_write_tokens,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['gen_ai.usage.cost.amount'] AS DOUBLE) END AS cost,
    CASE WHEN op IS NOT NULL THEN a['harness.usage.counted'] IS DISTINCT FROM 'false' END AS usage_counted,
    a['harness.feature'] AS feature,
    CASE WHEN op IS NOT NULL THEN a['gen_ai.prompt.version'] END AS prompt_version,
    a['error.type'] AS error_type,
    CASE WHEN op IS NOT NULL THEN a['gen_ai.agent.name'] END AS agent_name,
    CASE WHEN op IS NOT NULL THEN a['gen_ai.tool.name'] END AS tool_name,
    CASE WHEN op IS NOT NULL THEN a['harness.agent.termination'] END AS termination,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['harness.agent.rollup.steps'] AS BIGINT) END AS rollup_steps,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['harness.agent.rollup.tool_calls'] AS BIGINT) END AS rollup_tool_calls,
    CASE WHEN op IS NOT NULL THEN TRY_CAST(a['harness.agent.rollup.retries'] AS BIGINT) END AS rollup_retries,
    CASE WHEN rt IS NOT NULL THEN coalesce(a['harness.eval.run.id'], a['harness.gate.run.id']) END AS eval_run_id,
    CASE WHEN rt IS NOT NULL THEN coalesce(a['harness.eval.suite'], a['harness.gate.suite']) END AS eval_suite,
    CASE WHEN rt IS NOT NULL THEN a['harness.eval.dataset.hash'] END AS eval_dataset_hash,
    CASE WHEN rt IS NOT NULL THEN TRY_CAST(a['harness.eval.passed'] AS BOOLEAN) END AS eval_passed,
    CASE WHEN rt IS NOT NULL THEN TRY_CAST(a['harness.eval.approved'] AS BOOLEAN) END AS eval_approved,
    CASE WHEN rt IS NOT NULL THEN a['harness.eval.candidate.id'] END AS candidate_id,
    CASE WHEN rt IS NOT NULL THEN a['harness.gate.decision'] END AS gate_decision,
    CASE WHEN rt IS NOT NULL THEN a['harness.gate.run.id'] END AS gate_run_id,
    CASE rt
        WHEN 'deployment' THEN a['deployment.id']
        WHEN 'incident' THEN a['harness.incident.id']
        WHEN 'change' THEN a['vcs.change.id']
        WHEN 'audit_request' THEN a['harness.audit.request.id']
    END AS fact_id,
    CASE WHEN rt IS NOT NULL THEN a['service.version'] END AS version,
    CASE WHEN rt = 'deployment' THEN a['deployment.status'] END AS deploy_status,
    CASE WHEN rt = 'deployment' THEN a['harness.deployment.strategy'] END AS strategy,
    CASE WHEN rt = 'deployment' THEN a['harness.deployment.trigger'] END AS deploy_trigger,
    CASE WHEN rt = 'deployment' THEN a['harness.deployment.rolls_back'] END AS rolls_back,
    CASE WHEN rt = 'deployment' THEN a['harness.deployment.change_ids'] END AS change_ids,
    CASE WHEN rt = 'deployment' THEN a['harness.deployment.approver'] END AS approver,
    CASE WHEN rt = 'deployment' THEN a['cicd.pipeline.run.id'] END AS pipeline_run_id,
    CASE WHEN rt IS NOT NULL THEN a['vcs.ref.head.revision'] END AS revision,
    CASE WHEN rt = 'incident' THEN a['harness.incident.deployment.id'] END AS incident_deployment,
    CASE WHEN rt = 'incident' THEN a['harness.incident.severity'] END AS severity,
    CAST(CAST(CASE rt
        WHEN 'incident' THEN a['harness.incident.started_at']
        WHEN 'change' THEN a['harness.change.opened_at']
        WHEN 'audit_request' THEN a['harness.audit.requested_at']
    END AS TIMESTAMPTZ) AS TIMESTAMP) AS fact_start,
    CAST(CAST(CASE rt
        WHEN 'incident' THEN a['harness.incident.resolved_at']
        WHEN 'change' THEN a['harness.change.merged_at']
        WHEN 'audit_request' THEN a['harness.audit.fulfilled_at']
    END AS TIMESTAMPTZ) AS TIMESTAMP) AS fact_end,
    CASE WHEN rt = 'change' THEN a['harness.change.kind'] END AS change_kind,
    CASE WHEN rt = 'change' THEN TRY_CAST(a['harness.change.material'] AS BOOLEAN) END AS material,
    CASE WHEN rt = 'change' THEN a['harness.change.reviewer'] END AS reviewer,
    CASE WHEN rt = 'prediction' THEN a['harness.model.name'] END AS model_name,
    CASE WHEN rt = 'prediction' THEN a['harness.model.version'] END AS model_version
FROM (
    SELECT
        *,
        CAST("Timestamp" AS TIMESTAMP) AS ts,
        "SpanAttributes" AS a,
        "ResourceAttributes" AS r,
        "SpanAttributes"['harness.record.type'] AS rt,
        "SpanAttributes"['gen_ai.operation.name'] AS op
    FROM read_parquet($segments, hive_partitioning = true, filename = true)
) AS raw
