"""Lake segments with fixed ids and times, written by the real ``SegmentWriter``; and how readers count them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from instrumentation.lake import SegmentWriter, read_segments

DAY_NS = 86_400 * 1_000_000_000
START_NS = 1_772_668_800 * 1_000_000_000  # 2026-03-05T00:00:00Z


def row(number: int, day: int = 0) -> dict[str, Any]:
    return {
        "Timestamp": START_NS + day * DAY_NS + number * 1_000_000,
        "TraceId": format(number + 1, "032x"),
        "SpanId": format(number + 1, "016x"),
        "ParentSpanId": "",
        "TraceState": "",
        "SpanName": "chat m",
        "SpanKind": "Client",
        "ServiceName": "svc",
        "ResourceAttributes": [("service.name", "svc")],
        "ScopeName": "tests",
        "ScopeVersion": "",
        "SpanAttributes": [("i", str(number))],
        "Duration": 1_000_000,
        "StatusCode": "Unset",
        "StatusMessage": "",
        "Events": [],
        "Links": [],
    }


def write_segments(lake: Path, *, days: int, segments: int, rows: int) -> int:
    """``segments`` segments of ``rows`` spans in each of ``days`` partitions; returns the span count."""
    writer = SegmentWriter(lake)
    number = 0
    for day in range(days):
        for _ in range(segments):
            writer.write_rows([row(number + i, day) for i in range(rows)])
            number += rows
    return number


def span_counts(lake: Path) -> tuple[int, int]:
    """(rows, distinct span ids) as a reader sees them through the lake's one listing rule."""

    def count(snapshot: list[Any]) -> tuple[int, int]:
        if not snapshot:
            return (0, 0)
        sql = "SELECT count(*), count(DISTINCT SpanId) FROM read_parquet($files)"
        result = duckdb.execute(sql, {"files": [str(s.path) for s in snapshot]}).fetchone()
        assert result is not None
        return (int(result[0]), int(result[1]))

    return read_segments(lake, count)
