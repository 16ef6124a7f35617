-- Changes to systems in scope, all time, one row per change id (latest record wins).
SELECT
    s.fact_id AS change_id,
    s.system_attr AS system,
    s.change_kind AS kind,
    s.fact_start AS opened_at,
    s.fact_end AS merged_at,
    s.reviewer,
    coalesce(s.material, false) AS material,
    s.revision
FROM stg_scoped_facts AS s
WHERE s.record_type = 'change'
QUALIFY row_number() OVER (PARTITION BY s.fact_id ORDER BY s.end_ts DESC, s.ts DESC) = 1
