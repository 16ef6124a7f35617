-- Broken traces: share of inference and tool spans in scope (stg_scoped_spans) whose parent span is not in
-- the lake.
SELECT
    count(*) AS spans_with_parent,
    avg(CASE WHEN s.span_key IN (SELECT span_key FROM orphans) THEN 1.0 ELSE 0.0 END) AS orphan_share
FROM stg_scoped_spans AS s
WHERE s.span_class IN ('inference', 'tool') AND s.parent_key IS NOT NULL
