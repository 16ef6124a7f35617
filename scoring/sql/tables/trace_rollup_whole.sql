-- After trace_rollup.sql added the rows of the segments a sync added ($segments) to the older segments' rows: a
-- trace with rows on both sides is no row's only one, so none of its rows is whole. Run only when the roll-ups
-- grow by the added segments (Engine._roll_up); a whole build counts every trace's rows at once.
UPDATE trace_rollup
SET whole = false
WHERE whole
    AND trace_key IN (SELECT trace_key FROM trace_rollup WHERE segment IN (SELECT unnest($segments)))
    AND trace_key IN (SELECT trace_key FROM trace_rollup WHERE segment NOT IN (SELECT unnest($segments)))
