-- Unmark every span marked as eval traffic but an eval case itself, before eval_traffic.sql marks again from the eval
-- cases the lake holds now: run when a sync forgot segments (or finishes an interrupted one), since a forgotten eval
-- case's trace is production traffic again, as a build over the lake without it has it.
UPDATE spans
SET eval_traffic = false
WHERE eval_traffic
    AND record_type IS DISTINCT FROM 'eval_case'
