-- Production samples drawn into a dataset for the regression set (`harness eval sample`), in the window.
SELECT
    s.ts,
    s.system_attr AS system,
    s.sample_count,
    s.sample_dataset AS dataset
FROM stg_scoped_facts AS s
WHERE s.record_type = 'eval_sample'
    AND s.ts >= getvariable('since') AND s.ts < getvariable('until')
