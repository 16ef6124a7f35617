-- The ids of the facts already in the lake, so recording one twice or naming one that does not exist is
-- said out loud. Bound: $segments (the lake's live segments), then the attribute keys (semconv names).
SELECT DISTINCT
    "SpanAttributes"[$record_type] AS record_type,
    coalesce(
        "SpanAttributes"[$deployment_id], "SpanAttributes"[$incident_id], "SpanAttributes"[$change_id],
        "SpanAttributes"[$audit_id], "SpanAttributes"[$gate_run_id]
    ) AS fact_id
FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
WHERE "SpanAttributes"[$record_type] IN ($deployment, $incident, $change, $audit, $gate)
