-- Human-in-the-loop overrides and confirmations of high-stakes decisions by systems in scope, all time:
-- who decided, the outcome (overrode or confirmed), the decision and the trace it concerns.
SELECT
    s.ts AS decided_at,
    s.system_attr AS system,
    s.decision_id,
    s.actor AS decided_by,
    s.outcome,
    s.concerns_trace AS trace_id,
    s.note AS reason
FROM stg_scoped_facts AS s
WHERE s.record_type = 'override'
