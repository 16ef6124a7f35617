-- The spans in scope, the one place the scope filter lives for every span-level view: in the window, of
-- the systems in scope, in the scored environment (unset counts as production, as for deployments), and
-- not eval traffic (the traces of eval cases, where the system under test runs for the suite: marked at
-- load by tables/eval_traffic.sql).
SELECT s.*
FROM spans AS s
WHERE s.ts >= getvariable('since') AND s.ts < getvariable('until')
    AND s.system IN (SELECT name FROM scope_systems)
    AND coalesce(s.env, 'production') = getvariable('env')
    AND NOT s.eval_traffic
