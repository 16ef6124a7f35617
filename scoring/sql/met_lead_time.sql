-- Lead time: for deployments in D (window) shipping recorded changes, hours from the earliest change opened.
SELECT
    count(lead_time_hours) AS deployments,
    quantile_cont(lead_time_hours, 0.5) AS median,
    quantile_cont(lead_time_hours, 0.9) AS p90
FROM int_window_deploys
WHERE lead_time_hours IS NOT NULL
