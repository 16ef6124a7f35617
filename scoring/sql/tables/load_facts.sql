-- raw -> staging: the few spans that are facts (deployments, incidents, changes, audit requests, eval runs,
-- gates, approvals, judge calibrations, production samples, overrides, canary decisions) of the segments bound
-- as $record_segments, with typed columns: the new segments holding a span with a harness.record.type, as
-- load_spans.sql found them (the engine binds them after it; an app's own telemetry is not read twice).
-- A fact's system is its harness.system; eval spans recorded before they carried it fall back to their
-- service, unless that is the `harness-eval` service every eval was once recorded under (then they are
-- organisation-wide: system null).
INSERT INTO fact_spans BY NAME
SELECT
    filename AS segment,
    ts,
    ts + to_microseconds(CAST("Duration" // 1000 AS BIGINT)) AS end_ts,
    "TraceId" AS trace_id,
    rt AS record_type,
    coalesce(
        a['harness.system'], r['harness.system'],
        CASE WHEN rt IN ('eval_run', 'gate', 'eval_approval', 'eval_calibration', 'eval_sample')
            AND "ServiceName" <> 'harness-eval' THEN "ServiceName" END
    ) AS system_attr,
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
    CAST(TRY_CAST(a['harness.fact.recorded_at'] AS TIMESTAMPTZ) AS TIMESTAMP) AS recorded_at,  -- when written
    CASE WHEN rt = 'canary' THEN a['harness.canary.version'] ELSE a['service.version'] END AS version,
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
    a['harness.change.reviewer'] AS reviewer,
    CASE WHEN rt = 'eval_run' THEN a['harness.eval.judges'] END AS eval_judges,
    CASE WHEN rt = 'eval_run' THEN TRY_CAST(a['harness.eval.case.sampled_count'] AS BIGINT) END AS sampled_cases,
    CASE WHEN rt = 'eval_run' THEN a['harness.eval.failure_modes'] END AS failure_modes,
    CASE rt WHEN 'gate' THEN a['harness.gate.metrics'] WHEN 'canary' THEN a['harness.canary.metrics'] END
        AS gate_metrics,
    CASE WHEN rt = 'eval_calibration' THEN a['harness.eval.scorer'] END AS scorer,
    CASE WHEN rt = 'eval_calibration' THEN a['harness.eval.judge.model'] END AS judge_model,
    CASE WHEN rt = 'eval_calibration' THEN TRY_CAST(a['harness.eval.calibration.kappa'] AS DOUBLE) END AS kappa,
    CASE WHEN rt = 'eval_calibration' THEN TRY_CAST(a['harness.eval.calibration.kappa_low'] AS DOUBLE) END AS kappa_low,
    CASE WHEN rt = 'eval_calibration' THEN TRY_CAST(a['harness.eval.calibration.items'] AS BIGINT) END
        AS calibration_items,
    CASE WHEN rt = 'eval_calibration' THEN TRY_CAST(a['harness.eval.calibration.passed'] AS BOOLEAN) END
        AS calibration_passed,
    CASE WHEN rt = 'eval_sample' THEN TRY_CAST(a['harness.eval.sample.count'] AS BIGINT) END AS sample_count,
    CASE WHEN rt = 'eval_sample' THEN a['harness.eval.sample.dataset'] END AS sample_dataset,
    CASE WHEN rt = 'change' THEN CAST(CAST(a['harness.change.reviewed_at'] AS TIMESTAMPTZ) AS TIMESTAMP) END
        AS reviewed_at,
    CASE WHEN rt = 'change' THEN a['harness.change.approver'] END AS change_approver,
    CASE WHEN rt = 'change' THEN a['harness.change.risk.assessor'] END AS risk_by,
    CASE WHEN rt = 'change' THEN CAST(CAST(a['harness.change.risk.assessed_at'] AS TIMESTAMPTZ) AS TIMESTAMP) END
        AS risk_at,
    CASE WHEN rt = 'change' THEN a['harness.change.risk.outcome'] END AS risk_outcome,
    CASE WHEN rt = 'change' THEN a['harness.change.risk.link'] END AS risk_link,
    CASE rt WHEN 'override' THEN a['harness.override.by'] WHEN 'eval_approval' THEN a['harness.eval.approved_by'] END
        AS actor,
    CASE rt WHEN 'override' THEN a['harness.override.outcome'] WHEN 'canary' THEN a['harness.canary.decision'] END
        AS outcome,
    CASE WHEN rt = 'override' THEN a['harness.override.decision.id'] END AS decision_id,
    CASE WHEN rt = 'override' THEN a['harness.override.trace_id'] END AS concerns_trace,
    CASE rt
        WHEN 'override' THEN a['harness.override.reason']
        WHEN 'canary' THEN a['harness.canary.reason']
        WHEN 'audit_request' THEN a['harness.audit.bundle.sha256']
    END AS note,
    CASE WHEN rt = 'eval_run' THEN TRY_CAST(a['harness.eval.red_team'] AS BOOLEAN) END AS red_team,
    CASE WHEN rt = 'canary' THEN a['harness.canary.baseline.version'] END AS baseline_version,
    CASE WHEN rt = 'canary' THEN a['harness.canary.decision'] END AS canary_decision,
    CASE WHEN rt = 'canary' THEN a['harness.canary.baseline.version'] END AS canary_baseline_version,
    CASE WHEN rt = 'canary' THEN a['harness.canary.version'] END AS canary_version,
    CASE WHEN rt = 'canary' THEN a['harness.canary.metrics'] END AS canary_metrics,
    CASE WHEN rt = 'canary' THEN a['harness.canary.reason'] END AS canary_reason
FROM (
    SELECT
        *,
        CAST("Timestamp" AS TIMESTAMP) AS ts,
        "SpanAttributes" AS a,
        "ResourceAttributes" AS r,
        "SpanAttributes"['harness.record.type'] AS rt
    FROM read_parquet($record_segments, hive_partitioning = true, filename = true)
) AS raw
WHERE raw.filename IN (SELECT segment FROM spans WHERE record_type IS NOT NULL)
    AND rt IN (
    'deployment', 'incident', 'change', 'audit_request', 'eval_run', 'gate', 'eval_approval', 'eval_calibration',
    'eval_sample', 'override', 'canary'
)
