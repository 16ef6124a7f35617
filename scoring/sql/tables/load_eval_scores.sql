-- raw -> staging: one row per gen_ai.evaluation.result event of the segments bound as $segments, with the
-- system its span evaluates (as in load_facts.sql: the legacy `harness-eval` service is organisation-wide).
INSERT INTO eval_scores
SELECT
    segment,
    CAST(e."Timestamp" AS TIMESTAMP) AS ts,
    trace_id,
    span_id,
    system_attr,
    coalesce(e."Attributes"['harness.eval.run.id'], run_id) AS eval_run_id,
    coalesce(e."Attributes"['harness.eval.suite'], suite) AS eval_suite,
    e."Attributes"['gen_ai.evaluation.name'] AS evaluation_name,
    TRY_CAST(e."Attributes"['gen_ai.evaluation.score.value'] AS DOUBLE) AS score_value,
    e."Attributes"['gen_ai.evaluation.score.label'] AS score_label
FROM (
    SELECT
        filename AS segment,
        "TraceId" AS trace_id,
        "SpanId" AS span_id,
        coalesce(
            "SpanAttributes"['harness.system'], "ResourceAttributes"['harness.system'],
            CASE WHEN "ServiceName" <> 'harness-eval' THEN "ServiceName" END
        ) AS system_attr,
        "SpanAttributes"['harness.eval.run.id'] AS run_id,
        "SpanAttributes"['harness.eval.suite'] AS suite,
        unnest("Events") AS e
    FROM read_parquet($segments, hive_partitioning = true, filename = true)
    WHERE len("Events") > 0
) AS events
WHERE e."Name" = 'gen_ai.evaluation.result'
