-- Broken traces: share of model, agent and tool spans whose parent span is not in the lake.
WITH children AS (
    SELECT trace_id, parent_span_id FROM stg_llm_calls WHERE parent_span_id <> ''
    UNION ALL
    SELECT trace_id, parent_span_id FROM stg_agent_steps WHERE parent_span_id <> ''
)
SELECT
    count(*) AS spans_with_parent,
    avg(CASE WHEN p.span_id IS NULL THEN 1.0 ELSE 0.0 END) AS orphan_share
FROM children AS c
LEFT JOIN (
    SELECT trace_id, span_id FROM spans WHERE trace_id IN (SELECT trace_id FROM children)
) AS p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
