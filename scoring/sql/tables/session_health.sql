-- Per-connection copy of the lake writers' export health records (instrumentation/lake/_health.py),
-- refreshed from the lake on every open: one row per record and cause (cause NULL, spans 0 for a
-- record without loss), so written counts once per record through the first row (cause_index = 0).
CREATE OR REPLACE TEMP TABLE export_health (
    recorded_at TIMESTAMP,
    interval_start TIMESTAMP,
    writer_id VARCHAR,
    exporter VARCHAR,
    written BIGINT,
    cause_index INTEGER,
    cause VARCHAR,
    spans BIGINT
);
