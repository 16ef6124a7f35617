-- Per-connection copy of the lake writers' export health records (instrumentation/lake/_health.py),
-- refreshed from the lake on every open: one row per record, what it wrote and lost in its interval.
CREATE OR REPLACE TEMP TABLE export_health (
    recorded_at TIMESTAMP,
    interval_start TIMESTAMP,
    writer_id VARCHAR,
    service_name VARCHAR,
    process_id BIGINT,
    exporter VARCHAR,
    written UBIGINT,
    dropped UBIGINT,
    dropped_by_cause MAP(VARCHAR, UBIGINT),
    final BOOLEAN
);
