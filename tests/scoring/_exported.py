"""The fixture lake's spans as the Collector's ClickHouse exporter would have written them to otel_traces.

``python -m tests.scoring._exported HOME DATABASE_DIR`` fills a chDB database on disk with them, in its
own process (chDB runs one engine per process): the source a ``--dsn chdb://DATABASE_DIR`` scorecard reads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from instrumentation.lake import segments
from scoring._clickhouse import _literal, otel_traces_ddl

# What the exporter would have written for the lake's spans: its Nested columns and non-null map values.
_INSERT_FROM_PARQUET = """
INSERT INTO default.otel_traces
SELECT Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName,
    CAST(mapFilter((k, v) -> v IS NOT NULL, ResourceAttributes) AS Map(String, String)),
    ScopeName, ScopeVersion,
    CAST(mapFilter((k, v) -> v IS NOT NULL, SpanAttributes) AS Map(String, String)),
    Duration, StatusCode, StatusMessage,
    arrayMap(e -> e.Timestamp, Events), arrayMap(e -> e.Name, Events),
    arrayMap(e -> CAST(mapFilter((k, v) -> v IS NOT NULL, e.Attributes) AS Map(String, String)), Events),
    arrayMap(l -> l.TraceId, Links), arrayMap(l -> l.SpanId, Links), arrayMap(l -> l.TraceState, Links),
    arrayMap(l -> CAST(mapFilter((k, v) -> v IS NOT NULL, l.Attributes) AS Map(String, String)), Links)
FROM file($path, Parquet)
"""


def exported_otel_traces(home: Path) -> list[str]:
    """The statements that create ``default.otel_traces`` with the vendored DDL and fill it from the lake."""
    ddl = otel_traces_ddl().replace("EXISTS otel_traces", "EXISTS default.otel_traces")
    inserts = [_INSERT_FROM_PARQUET.replace("$path", _literal(str(s.path))) for s in segments(home / "lake")]
    return ["DROP TABLE IF EXISTS default.otel_traces", ddl, *inserts]


def main(argv: list[str]) -> None:
    from chdb import session as chdb_session

    home, database = argv
    session = chdb_session.Session(database)  # type: ignore[no-untyped-call]
    try:
        for statement in exported_otel_traces(Path(home)):
            session.query(statement)
    finally:
        session.close()


if __name__ == "__main__":
    main(sys.argv[1:])
