-- The spans of one trace, oldest first: ? = the lake's segment files, ? = trace id (hex).
SELECT SpanName, map_keys(SpanAttributes) AS keys, map_values(SpanAttributes) AS vals
FROM read_parquet(?, hive_partitioning = true, union_by_name = true)
WHERE TraceId = ?
ORDER BY Timestamp
