-- staging -> rollup: per segment, system and day, what the spans show (systems observed, retention, kinds).
INSERT INTO span_rollup
SELECT
    segment,
    system AS system,
    CAST(ts AS DATE) AS day,
    max(system_kind) AS declared_kind,
    bool_or(span_class IN ('inference', 'agent')) AS has_llm,
    bool_or(span_class = 'prediction') AS has_predictions,
    bool_or(span_class = 'agent') AS has_agents,
    bool_or(operation IS NOT NULL OR record_type IN ('prediction', 'deployment', 'incident', 'change', 'override'))
        AS is_system,
    count(*) AS spans
FROM spans
WHERE segment IN (SELECT unnest($segments))
GROUP BY segment, system, CAST(ts AS DATE)
