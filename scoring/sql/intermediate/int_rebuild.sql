-- The reproducibility axis's question per system: can its production model be rebuilt from versioned code
-- and data? Code: its latest production deployment up to the window end names a VCS revision. Model: at
-- least 90% of its completed LLM calls in the window record the dated model that answered (classical: its
-- predictions name the model version). yes when both hold, no when either is known not to, else unknown.
WITH latest AS (
    SELECT system, arg_max(deployment_id, deployed_at) AS deployment_id, arg_max(revision, deployed_at) AS revision
    FROM int_deploys
    WHERE deployed_at < getvariable('until')
    GROUP BY system
),
pinned AS (
    SELECT 'llm' AS kind, system, sum(completed_calls) AS calls, sum(with_response_model) / sum(completed_calls) AS share
    FROM int_llm_call_groups
    GROUP BY system
    HAVING sum(completed_calls) > 0
    UNION ALL
    SELECT 'classical', system, count(*), avg(CASE WHEN model_version IS NOT NULL THEN 1.0 ELSE 0.0 END)
    FROM stg_predictions
    GROUP BY system
),
systems AS (
    SELECT
        s.name AS system,
        s.kind,
        l.deployment_id,
        l.revision,
        p.calls,
        p.share AS model_pinned_share,
        CASE WHEN l.deployment_id IS NULL THEN NULL ELSE l.revision IS NOT NULL END AS code_pinned,
        CASE WHEN p.calls IS NULL THEN NULL ELSE p.share >= 0.9 END AS model_pinned
    FROM scope_systems AS s
    LEFT JOIN latest AS l ON l.system = s.name
    LEFT JOIN pinned AS p ON p.system = s.name AND p.kind = s.kind
)
SELECT
    *,
    CASE
        WHEN code_pinned AND model_pinned THEN 'yes'
        WHEN NOT code_pinned OR NOT model_pinned THEN 'no'
        ELSE 'unknown'
    END AS answer
FROM systems
ORDER BY system
