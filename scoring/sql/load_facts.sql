-- staging -> the few spans that are facts (deployments, incidents, changes, audit requests, eval runs, gates),
-- kept apart so the fact views never scan the span-sized table.
INSERT INTO fact_spans
SELECT * FROM spans
WHERE segment IN (SELECT unnest($segments))
    AND record_type IN ('deployment', 'incident', 'change', 'audit_request', 'eval_run', 'gate')
