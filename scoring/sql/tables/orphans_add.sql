-- Spans of the new segments ($segments) whose parent is not in the lake; parents that arrive later
-- are removed by resolve_orphans.sql. Joins on 64-bit span keys (hex span ids), within the trace.
INSERT INTO orphans
SELECT c.segment, c.span_key, c.parent_key
FROM spans AS c
WHERE c.segment IN (SELECT unnest($segments))
    AND c.parent_key IS NOT NULL
    AND c.parent_key NOT IN (
        SELECT p.span_key FROM spans AS p
        WHERE p.span_key IN (
            SELECT parent_key FROM spans WHERE segment IN (SELECT unnest($segments)) AND parent_key IS NOT NULL
        )
    )
