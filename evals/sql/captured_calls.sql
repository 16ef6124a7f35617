-- LLM calls with captured content: $1 glob, $2 input-messages key, $3 output-messages key, $4 model key,
-- $5 feature key, $6 feature filter (NULL for all).
SELECT TraceId, SpanId,
       map_extract_value(SpanAttributes, $2) AS messages,
       map_extract_value(SpanAttributes, $3) AS output,
       map_extract_value(SpanAttributes, $4) AS model,
       map_extract_value(SpanAttributes, $5) AS feature
FROM read_parquet($1, hive_partitioning = true, union_by_name = true)
WHERE map_extract_value(SpanAttributes, $2) IS NOT NULL
  AND (CAST($6 AS VARCHAR) IS NULL OR map_extract_value(SpanAttributes, $5) = CAST($6 AS VARCHAR))
ORDER BY Timestamp
