-- Broken traces: share of inference and tool spans in scope and window whose parent span is not in the lake.
SELECT
    count(*) AS spans_with_parent,
    avg(CASE WHEN s.span_key IN (SELECT span_key FROM orphans) THEN 1.0 ELSE 0.0 END) AS orphan_share
FROM spans AS s
WHERE s.span_class IN ('inference', 'tool') AND s.parent_key IS NOT NULL
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
    AND s.system IN (SELECT name FROM scope_systems)
