-- The versions of the system in scope that have model calls or agent runs in the window, busiest first
-- (named when a compared version has none).
SELECT coalesce(version, agent_version, '(unversioned)') AS version, count(*) AS spans
FROM stg_scoped_spans
WHERE span_class IN ('inference', 'agent', 'prediction')
GROUP BY 1
ORDER BY spans DESC, version
