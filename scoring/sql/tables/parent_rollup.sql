-- The inference and tool spans with a parent rolled up per segment, day, system, environment and eval traffic: what
-- met_orphan_spans counts (its edge part counts stg_scoped_spans for the partial days of a window). Run after the
-- loads and eval traffic, over $segments: every segment into an emptied table, or only the ones a sync added
-- (Engine._roll_up).
INSERT INTO parent_rollup
SELECT segment, date_trunc('day', ts) AS day, system, env, eval_traffic, count(*)
FROM spans
WHERE span_class IN ('inference', 'tool') AND parent_key IS NOT NULL AND segment IN (SELECT unnest($segments))
GROUP BY segment, date_trunc('day', ts), system, env, eval_traffic
