-- Production samples drawn into a dataset for the regression set (`harness eval sample`), in the window.
SELECT
    s.ts,
    s.system_attr AS system,
    s.sample_count,
    s.sample_dataset AS dataset
FROM fact_spans AS s
WHERE s.record_type = 'eval_sample'
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
    AND (s.system_attr IS NULL OR s.system_attr IN (SELECT name FROM scope_systems))
