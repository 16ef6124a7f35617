-- Telemetry retention at the period's end: the operator's period, how far the record reaches, days uncovered.
SELECT required_days, retention_days, uncovered_days, max_gap_days FROM int_retention
