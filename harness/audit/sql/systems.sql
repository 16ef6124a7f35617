-- The systems of the bundle with their owner and on-call rotation (systems.yaml) and whether they are catalogued.
SELECT name AS system, kind, owner, on_call, in_catalogue FROM scope_systems ORDER BY name
