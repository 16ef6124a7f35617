-- Eval-gate decisions (all time: a deployment in the window may ship a candidate gated earlier).
SELECT
    s.ts,
    s.end_ts AS decided_at,
    coalesce(s.gate_run_id, s.eval_run_id) AS gate_run_id,
    s.eval_suite AS suite,
    s.candidate_id,
    s.gate_decision AS decision,
    coalesce(s.eval_approved, false) AS approved,
    s.gate_metrics AS metrics,
    -- trajectory metrics: the gate's built-in `steps`, and the trajectory scorers' default names (evals)
    coalesce(len(list_filter(
        json_extract_string(s.gate_metrics, '$[*].name'),
        lambda m: m = 'steps' OR starts_with(m, 'steps_at_most_') OR starts_with(m, 'terminated_')
            OR starts_with(m, 'tool_used_') OR starts_with(m, 'tool_not_used_')
    )) > 0, false) AS gated_trajectory,
    -- fairness slices: the gate's per-slice comparisons are named metric[dimension=value] (evals' slice_name)
    coalesce(len(list_filter(json_extract_string(s.gate_metrics, '$[*].name'), lambda m: m LIKE '%[%=%]')), 0)
        AS gated_slices,
    s.system_attr AS system
FROM stg_scoped_facts AS s
WHERE s.record_type = 'gate'
