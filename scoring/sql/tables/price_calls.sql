-- Price counted inference spans recorded without cost: the costs call_costs.sql found for them.
-- Bound: $segments, the segments to price (all of them after the price table changed).
UPDATE spans
SET priced_cost = c.priced_cost
FROM call_costs AS c
WHERE spans.segment IN (SELECT unnest($segments))
    AND c.segment = spans.segment AND c.trace_key = spans.trace_key
    AND c.span_key = coalesce(spans.span_key, 0) AND c.ts = spans.ts
