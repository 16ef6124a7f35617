-- The run span and case spans of one eval run: $1 = the lake's segment files, $2 = record-type key, $3 = run-id key, $4 = run id,
-- $5 = run record type, $6 = case record type.
SELECT map_extract_value(SpanAttributes, $2) AS record_type, TraceId, SpanAttributes, Events, Timestamp
FROM read_parquet($1, hive_partitioning = true, union_by_name = true)
WHERE map_extract_value(SpanAttributes, $3) = $4
  AND map_extract_value(SpanAttributes, $2) IN ($5, $6)
ORDER BY Timestamp
