-- Every approval record, newest first: $1 = the lake's segment files, $2 = record-type key, $3 = approval record type, $4 = run-id key.
SELECT map_extract_value(SpanAttributes, $4) AS run_id, Timestamp
FROM read_parquet($1, hive_partitioning = true, union_by_name = true)
WHERE map_extract_value(SpanAttributes, $2) = $3
ORDER BY Timestamp DESC
