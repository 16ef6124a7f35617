-- Per-connection inputs of every view: the window and environment, and the systems in scope (bound from Python).
CREATE OR REPLACE TEMP TABLE params (since TIMESTAMP, until TIMESTAMP, env VARCHAR);
CREATE OR REPLACE TEMP TABLE scope_systems (
    name VARCHAR, kind VARCHAR, owner VARCHAR, on_call VARCHAR, in_catalogue BOOLEAN
);
