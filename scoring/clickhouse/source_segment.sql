-- ClickHouse only (chDB without a server): one Parquet segment of the lake's snapshot as the loads of
-- scoring/sql/tables read it, each row with its segment's path. The source is the UNION ALL of these, one
-- per live segment (instrumentation.lake.read_segments), never a glob: a compaction's inputs beside its
-- output, a file set aside or a file that is not a segment is not read. $path is a quoted literal.
SELECT * EXCEPT (dt), $path AS filename
FROM file($path, Parquet)
