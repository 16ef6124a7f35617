-- The spans of the trace bound as $trace_id (hex), oldest first, over the segments bound as $segments.
SELECT SpanName, map_keys(SpanAttributes) AS keys, map_values(SpanAttributes) AS vals
FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
WHERE TraceId = $trace_id
ORDER BY Timestamp
