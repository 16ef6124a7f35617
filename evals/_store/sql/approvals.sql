-- Every approval record, newest first, over the lake segments bound as $segments.
SELECT SpanAttributes['harness.eval.run.id'] AS run_id, Timestamp
FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
WHERE SpanAttributes['harness.record.type'] = 'eval_approval'
ORDER BY Timestamp DESC
