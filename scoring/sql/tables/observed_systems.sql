-- Systems seen in the lake: model-call services and systems named by facts, with what they emit. The
-- `harness-eval` service (under which eval runs were once recorded) is eval tooling, not a system.
SELECT system AS name, max(declared_kind) AS declared_kind, bool_or(has_llm) AS has_llm,
    bool_or(has_predictions) AS has_predictions, bool_or(has_agents) AS has_agents
FROM span_rollup
WHERE is_system AND system <> 'harness-eval'
GROUP BY system
ORDER BY name
