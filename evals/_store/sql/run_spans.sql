-- The run span and case spans of the eval run bound as $run_id, oldest first, over the segments bound as $segments.
SELECT SpanAttributes['harness.record.type'] AS record_type, TraceId, SpanAttributes, Events, StatusMessage, Timestamp
FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
WHERE SpanAttributes['harness.eval.run.id'] = $run_id
  AND SpanAttributes['harness.record.type'] IN ('eval_run', 'eval_case')
ORDER BY Timestamp
