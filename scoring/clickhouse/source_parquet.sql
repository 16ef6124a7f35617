-- ClickHouse only (chDB without a server): the lake's snapshot of live segments as the loads of
-- scoring/sql/tables read them, each row with its segment's path. The rows are kept to $paths, the live
-- segments of instrumentation.lake.read_segments: a compaction's inputs beside its output, a file set
-- aside or a file that is not a segment is not read (ClickHouse filters its listing by _path before it
-- opens a file, and with $structure given it infers no columns from any file). $glob, $structure and
-- each of $paths are quoted literals (DDL takes no parameters).
CREATE VIEW harness_source AS
SELECT *, _path AS filename
FROM file($glob, Parquet, $structure)
WHERE _path IN ($paths)
