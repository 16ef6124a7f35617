-- ClickHouse only: the rows of the exporter's otel_traces table (otel_traces.sql) in the shape the loads of
-- scoring/sql/tables read from the lake's Parquet: maps with nullable values (an absent key is NULL, as in
-- DuckDB, not ''), Events as a list of named tuples, and the segment name the loads record.
CREATE VIEW harness_source AS
SELECT
    toDateTime64(Timestamp, 9, 'UTC') AS Timestamp, TraceId, SpanId, ParentSpanId, TraceState,
    toString(SpanName) AS SpanName, toString(SpanKind) AS SpanKind, toString(ServiceName) AS ServiceName,
    CAST(ResourceAttributes AS Map(String, Nullable(String))) AS ResourceAttributes,
    ScopeName, ScopeVersion,
    CAST(SpanAttributes AS Map(String, Nullable(String))) AS SpanAttributes,
    Duration, toString(StatusCode) AS StatusCode, StatusMessage,
    arrayMap(
        (t, n, a) -> CAST((t, n, a) AS Tuple(Timestamp DateTime64(9, 'UTC'), Name String, Attributes Map(String, Nullable(String)))),
        `Events.Timestamp`, `Events.Name`, `Events.Attributes`
    ) AS Events,
    $segment AS filename
FROM $table
