-- Mark as eval traffic every span of a trace that holds an eval case (harness.record.type eval_case): the
-- system under test runs inside such traces for the suite, so their model calls, agent runs and tool steps
-- stay out of the production metrics. Run after each load, so a case and its calls may arrive in any order.
UPDATE spans
SET eval_traffic = true
WHERE NOT eval_traffic
    AND trace_key IN (SELECT trace_key FROM spans WHERE record_type = 'eval_case')
