-- What the demo left in the lake: spans per kind (the span name's first word) and system (as scoring names it).
-- Bound: $segments (the lake's live segments, instrumentation.lake.read_segments).
SELECT
    split_part("SpanName", ' ', 1) AS kind,
    coalesce("SpanAttributes"['harness.system'], "ServiceName") AS system,
    count(*) AS spans
FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
GROUP BY ALL
ORDER BY spans DESC, kind
