-- The segments other than $segments (the ones a sync added) holding spans eval_traffic.sql is about to mark: spans
-- of a trace whose eval case arrived in an added segment. Their roll-up rows change with the mark, so such a sync
-- rebuilds the roll-ups whole (Engine._roll_up). Run after the loads, before eval_traffic.sql: every earlier eval
-- case has marked its trace at the sync that loaded it.
SELECT segment
FROM (  -- the segments first, then the added ones left out: a NOT IN over every span's segment costs seconds
    SELECT DISTINCT segment
    FROM spans
    WHERE NOT eval_traffic
        AND trace_key IN (
            SELECT trace_key FROM spans WHERE record_type = 'eval_case' AND segment IN (SELECT unnest($segments))
        )
)
WHERE segment NOT IN (SELECT unnest($segments))
