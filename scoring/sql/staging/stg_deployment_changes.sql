-- Which changes each deployment ships (from its change-id list), with the change's kind and times when recorded.
SELECT d.deployment_id, d.change_id, c.kind, c.opened_at, c.merged_at
FROM (
    SELECT deployment_id, unnest(from_json(change_ids, '["VARCHAR"]')) AS change_id
    FROM stg_deployments
    WHERE change_ids IS NOT NULL
) AS d
LEFT JOIN stg_changes AS c USING (change_id)
