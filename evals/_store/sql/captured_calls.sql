-- LLM calls with captured content, oldest first, over the lake segments bound as $segments;
-- $feature and $system narrow them down (NULL for all). The system is harness.system, else the service.
SELECT TraceId, SpanId,
       SpanAttributes['gen_ai.input.messages'] AS messages,
       SpanAttributes['gen_ai.output.messages'] AS output,
       SpanAttributes['gen_ai.request.model'] AS model,
       SpanAttributes['harness.feature'] AS feature,
       coalesce(SpanAttributes['harness.system'], ServiceName) AS system
FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
WHERE SpanAttributes['gen_ai.input.messages'] IS NOT NULL
  AND (CAST($feature AS VARCHAR) IS NULL OR SpanAttributes['harness.feature'] = CAST($feature AS VARCHAR))
  AND (CAST($system AS VARCHAR) IS NULL OR coalesce(SpanAttributes['harness.system'], ServiceName) = CAST($system AS VARCHAR))
ORDER BY Timestamp
