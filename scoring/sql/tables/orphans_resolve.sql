-- Orphans whose parent arrived in the new segments ($segments) are orphans no more.
DELETE FROM orphans
WHERE parent_key IN (SELECT span_key FROM spans WHERE segment IN (SELECT unnest($segments)))
