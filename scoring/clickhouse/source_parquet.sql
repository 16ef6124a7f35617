-- ClickHouse only (chDB without a server): the lake's Parquet segments as the loads of scoring/sql/tables
-- read them, each row with its segment's path. $glob is a quoted literal (DDL takes no parameters).
CREATE VIEW harness_source AS
SELECT * EXCEPT (dt), _path AS filename
FROM file($glob, Parquet)
