-- Systems seen in the lake: model-call services and systems named by facts, with what they emit.
SELECT
    coalesce(system_attr, service) AS name,
    max(system_kind) AS declared_kind,
    bool_or(operation IN ('chat', 'text_completion', 'generate_content', 'embeddings', 'invoke_agent')) AS has_llm,
    bool_or(record_type = 'prediction') AS has_predictions
FROM spans
WHERE operation IS NOT NULL OR record_type IN ('prediction', 'deployment', 'incident', 'change')
GROUP BY coalesce(system_attr, service)
ORDER BY name
