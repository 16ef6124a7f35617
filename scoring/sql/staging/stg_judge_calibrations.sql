-- Judge calibrations (`harness eval calibrate`: Cohen's kappa of an LLM judge against human labels), all
-- time up to the window end: a calibration holds until the judge changes. Calibrations naming no system are
-- organisation-wide.
SELECT
    s.ts,
    s.system_attr AS system,
    s.scorer,
    s.judge_model,
    s.kappa,
    s.kappa_low,
    s.calibration_items AS items,
    coalesce(s.calibration_passed, false) AS passed
FROM stg_scoped_facts AS s
WHERE s.record_type = 'eval_calibration'
    AND s.ts < getvariable('until')
