-- Systems seen in the lake: model-call services and systems named by facts, with what they emit.
SELECT system AS name, max(declared_kind) AS declared_kind, bool_or(has_llm) AS has_llm,
    bool_or(has_predictions) AS has_predictions
FROM span_rollup
WHERE is_system
GROUP BY system
ORDER BY name
