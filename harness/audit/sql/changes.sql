-- Changes opened in the period: who reviewed and approved them, the risk assessment, and for material
-- changes what is missing (problem: null when reviewed and assessed between opening and deployment).
SELECT
    c.change_id, c.system, c.kind, c.material, c.opened_at, c.merged_at, c.reviewer, c.reviewed_at, c.approver,
    c.risk_by, c.risk_at, c.risk_outcome, c.risk_link, m.deployed_at, m.problem
FROM stg_changes AS c
LEFT JOIN int_material_changes AS m USING (change_id)
WHERE c.opened_at >= getvariable('since') AND c.opened_at < getvariable('until')
ORDER BY c.opened_at, c.change_id
