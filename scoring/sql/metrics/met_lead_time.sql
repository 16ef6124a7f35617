-- Lead time: for deployments in D (window) shipping recorded changes, hours from the earliest change opened;
-- the deployments without a recorded change are counted beside it.
SELECT
    count(lead_time_hours) AS deployments,
    count(*) FILTER (WHERE lead_time_hours IS NULL) AS without_changes,
    quantile_cont(lead_time_hours, 0.5) AS median,
    quantile_cont(lead_time_hours, 0.9) AS p90
FROM int_window_deploys
