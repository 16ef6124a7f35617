-- Material changes opened in the window, each with its first production deployment and whether its review
-- and its risk assessment are dated between the change's opening and that deployment (or, not deployed
-- yet, after the opening); `problem` says what is missing, null when the change is controlled. A change whose
-- risk assessment rejected it and that was deployed anyway is not controlled.
WITH shipped AS (
    SELECT dc.change_id, min(d.deployed_at) AS deployed_at
    FROM stg_deployment_changes AS dc
    JOIN stg_deployments AS d USING (deployment_id)
    WHERE d.status = 'succeeded'
    GROUP BY dc.change_id
),
dated AS (
    SELECT
        c.*,
        sh.deployed_at,
        c.reviewed_at BETWEEN c.opened_at AND coalesce(sh.deployed_at, c.reviewed_at) AS review_in_time,
        c.risk_at BETWEEN c.opened_at AND coalesce(sh.deployed_at, c.risk_at) AS risk_in_time
    FROM stg_changes AS c
    LEFT JOIN shipped AS sh USING (change_id)
    WHERE c.material AND c.opened_at >= getvariable('since') AND c.opened_at < getvariable('until')
)
SELECT
    change_id, system, kind, opened_at, deployed_at, reviewer, reviewed_at, risk_by, risk_at, risk_outcome, risk_link,
    -- each problem prefixed with '; ' (NULL when absent, so the prefix goes with it), the first prefix cut:
    -- portable where concat_ws is not (ClickHouse keeps a NULL argument's separator)
    nullif(substr(
        coalesce('; ' || CASE WHEN reviewer IS NULL THEN 'no review'
            WHEN reviewed_at IS NULL THEN 'review undated (no --reviewed-at or --merged-at)'
            WHEN NOT review_in_time THEN 'review dated outside opened..deployed' END, '')
        || coalesce('; ' || CASE WHEN risk_at IS NULL THEN 'no risk assessment'
            WHEN NOT risk_in_time THEN 'risk assessment dated outside opened..deployed' END, '')
        || coalesce('; ' || CASE WHEN risk_outcome = 'rejected' AND deployed_at IS NOT NULL
            THEN 'deployed although its risk was rejected' END, ''),
        3), '') AS problem
FROM dated
ORDER BY opened_at, change_id
