-- Changes to systems in scope, all time, one row per change id (latest record wins): who reviewed (and when:
-- the review time, else the merge time), who approved, and the risk assessment (who, when, outcome, link).
SELECT
    s.fact_id AS change_id,
    s.system_attr AS system,
    s.change_kind AS kind,
    s.fact_start AS opened_at,
    s.fact_end AS merged_at,
    s.reviewer,
    CASE WHEN s.reviewer IS NOT NULL THEN coalesce(s.reviewed_at, s.fact_end) END AS reviewed_at,
    s.change_approver AS approver,
    coalesce(s.material, false) AS material,
    s.risk_by,
    s.risk_at,
    s.risk_outcome,
    s.risk_link,
    s.revision
FROM stg_scoped_facts AS s
WHERE s.record_type = 'change'
-- the record written last (an --update), whatever its times; records from before recorded_at by their end
QUALIFY row_number() OVER (
    PARTITION BY s.fact_id ORDER BY s.recorded_at DESC NULLS LAST, s.end_ts DESC, s.ts DESC
) = 1
