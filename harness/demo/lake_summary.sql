-- What the demo left in the lake: spans per kind (the span name's first word) and service.
SELECT
    split_part("SpanName", ' ', 1) AS kind,
    "ServiceName" AS service,
    count(*) AS spans
FROM read_parquet($glob, hive_partitioning = true)
GROUP BY ALL
ORDER BY spans DESC, kind
