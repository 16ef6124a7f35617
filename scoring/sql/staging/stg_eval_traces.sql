-- Traces that belong to an eval case: the system under test runs inside them, so their model calls and
-- agent runs are eval traffic, kept out of the production metrics (latency, cost, trajectories).
SELECT DISTINCT s.trace_key
FROM spans AS s
WHERE s.record_type = 'eval_case'
    AND s.ts >= getvariable('since') - INTERVAL 1 DAY AND s.ts < getvariable('until') + INTERVAL 1 DAY
