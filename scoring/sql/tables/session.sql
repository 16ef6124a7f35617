-- Per-connection input of every view: the systems in scope (rows bound from Python). The window and
-- environment are DuckDB variables (SET VARIABLE since/until/env = ?), constants the scans prune row groups by.
CREATE OR REPLACE TEMP TABLE scope_systems (
    name VARCHAR, kind VARCHAR, owner VARCHAR, on_call VARCHAR, in_catalogue BOOLEAN, agent BOOLEAN
);
