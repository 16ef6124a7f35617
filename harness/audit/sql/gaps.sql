-- Stretches of the retention period with no telemetry of the systems (a day or more).
SELECT gap_start, gap_end, empty_days, kind FROM int_telemetry_gaps
