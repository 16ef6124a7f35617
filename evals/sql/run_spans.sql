-- The run span and case spans of one eval run: ? = lake glob, ? = record-type key, ? = run-id key, ? = run id.
SELECT map_extract_value(SpanAttributes, $2) AS record_type, TraceId, SpanAttributes, Events, Timestamp
FROM read_parquet($1, hive_partitioning = true, union_by_name = true)
WHERE map_extract_value(SpanAttributes, $3) = $4
  AND map_extract_value(SpanAttributes, $2) IN ('eval_run', 'eval_case')
ORDER BY Timestamp
