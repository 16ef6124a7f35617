-- raw -> staging: the few spans that are facts (deployments, incidents, changes, audit requests, eval runs,
-- gates) of the segments bound as $segments, with their own typed columns.
INSERT INTO fact_spans BY NAME
SELECT
    filename AS segment,
    ts,
    ts + to_microseconds(CAST("Duration" // 1000 AS BIGINT)) AS end_ts,
    "TraceId" AS trace_id,
    rt AS record_type,
    coalesce(a['harness.system'], r['harness.system']) AS system_attr,
    coalesce(a['deployment.environment.name'], r['deployment.environment.name']) AS env,
    coalesce(a['harness.eval.run.id'], a['harness.gate.run.id']) AS eval_run_id,
    coalesce(a['harness.eval.suite'], a['harness.gate.suite']) AS eval_suite,
    a['harness.eval.dataset.hash'] AS eval_dataset_hash,
    TRY_CAST(a['harness.eval.passed'] AS BOOLEAN) AS eval_passed,
    TRY_CAST(a['harness.eval.approved'] AS BOOLEAN) AS eval_approved,
    a['harness.eval.candidate.id'] AS candidate_id,
    a['harness.gate.decision'] AS gate_decision,
    a['harness.gate.run.id'] AS gate_run_id,
    CASE rt
        WHEN 'deployment' THEN a['deployment.id']
        WHEN 'incident' THEN a['harness.incident.id']
        WHEN 'change' THEN a['vcs.change.id']
        WHEN 'audit_request' THEN a['harness.audit.request.id']
    END AS fact_id,
    a['service.version'] AS version,
    a['deployment.status'] AS deploy_status,
    a['harness.deployment.strategy'] AS strategy,
    a['harness.deployment.trigger'] AS deploy_trigger,
    a['harness.deployment.rolls_back'] AS rolls_back,
    a['harness.deployment.change_ids'] AS change_ids,
    a['harness.deployment.approver'] AS approver,
    a['cicd.pipeline.run.id'] AS pipeline_run_id,
    a['vcs.ref.head.revision'] AS revision,
    a['harness.incident.deployment.id'] AS incident_deployment,
    a['harness.incident.severity'] AS severity,
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
    a['harness.change.kind'] AS change_kind,
    TRY_CAST(a['harness.change.material'] AS BOOLEAN) AS material,
    a['harness.change.reviewer'] AS reviewer
FROM (
    SELECT
        *,
        CAST("Timestamp" AS TIMESTAMP) AS ts,
        "SpanAttributes" AS a,
        "ResourceAttributes" AS r,
        "SpanAttributes"['harness.record.type'] AS rt
    FROM read_parquet($segments, hive_partitioning = true, filename = true)
) AS raw
WHERE rt IN ('deployment', 'incident', 'change', 'audit_request', 'eval_run', 'gate')
