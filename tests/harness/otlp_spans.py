"""Deterministic SDK spans covering every column of the lake, and ways to read a lake back for comparison."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.span import TraceState

from instrumentation.lake import TRACES_SCHEMA

T0 = 1_796_000_000_000_000_000  # 2026-11-30T..Z, in ns


class CountingIds(IdGenerator):
    """Trace and span ids from a counter: the same spans every run."""

    def __init__(self, start: int = 1) -> None:
        self.next = start

    def generate_span_id(self) -> int:
        self.next += 1
        return 0x1000_0000_0000_0000 + self.next

    def generate_trace_id(self) -> int:
        self.next += 1
        return 0xABCD_0000_0000_0000_0000_0000_0000_0000 + self.next


EVERY_TYPE: dict[str, Any] = {
    "str": 'héllo "quoted" \u2603',
    "empty": "",
    "bool.true": True,
    "bool.false": False,
    "int": 42,
    "int.negative": -7,
    "int.max": 2**63 - 1,
    "float": 0.1,
    "float.exp": 1e-300,
    "float.inf": math.inf,
    "str.list": ("a", "b\u00e9", ""),
    "bool.list": (True, False),
    "int.list": (1, -2, 3),
    "float.list": (1.5, -0.25),
    "gen_ai.usage.input_tokens": 1234,
    "gen_ai.usage.cost.amount": 0.0012345,
}


def make_spans(count: int = 6, *, first_id: int = 1) -> list[ReadableSpan]:
    """Spans of every kind: attributes of every type, events, links, error status, trace state, a parent."""
    memory = InMemorySpanExporter()
    resource = Resource.create({"service.name": "support-desk", "service.version": "1.9.0", "host.cpu": 2})
    provider = TracerProvider(resource=resource, id_generator=CountingIds(first_id))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("harness.tests", "0.1.0")
    remote = SpanContext(
        0x0123456789ABCDEF0123456789ABCDEF,
        0x0BADC0FFEE000001,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
        trace_state=TraceState([("vendor", "a1"), ("other", "b2")]),
    )
    parent_context = trace.set_span_in_context(NonRecordingSpan(remote))
    link = Link(SpanContext(0xFEED, 0xBEEF, is_remote=True), {"link.int": 3, "link.str": "x"})
    kinds = list(SpanKind)
    for i in range(count):
        start = T0 + i * 1_000_000
        span = tracer.start_span(
            f"chat model-{i}",
            context=parent_context if i % 2 else None,
            kind=kinds[i % len(kinds)],
            attributes={**EVERY_TYPE, "index": i},
            links=[link] if i % 3 == 0 else [],
            start_time=start,
        )
        span.add_event("retry", {"attempt": i, "wait.s": 0.5, "reason": "429"}, timestamp=start + 10)
        span.add_event("bare", timestamp=start + 20)
        if i % 2:
            span.set_status(Status(StatusCode.ERROR, f"failure {i}"))
        elif i % 3 == 1:
            span.set_status(Status(StatusCode.OK))
        span.end(end_time=start + 5_000 + i)
    provider.shutdown()
    return list(memory.get_finished_spans())


def read_lake(lake_dir: Path) -> pa.Table:
    """Every span in the lake, sorted by span id, with the day partition as a column."""
    tables = []
    for path in sorted((lake_dir / "otel_traces").glob("dt=*/*.parquet")):
        table = pq.read_table(path, schema=TRACES_SCHEMA)
        tables.append(table.append_column("dt", pa.array([path.parent.name] * table.num_rows, pa.string())))
    if not tables:
        return TRACES_SCHEMA.empty_table()
    return pa.concat_tables(tables).sort_by([("SpanId", "ascending")])


def span_ids(lake_dir: Path) -> list[str]:
    return [str(value) for value in read_lake(lake_dir).column("SpanId").to_pylist()]


def assert_same_rows(actual: pa.Table, expected: pa.Table) -> None:
    """Row by row first (a readable diff), then the Arrow tables whole (types and map order too)."""
    actual_rows, expected_rows = actual.to_pylist(), expected.to_pylist()
    assert len(actual_rows) == len(expected_rows)
    for got, want in zip(actual_rows, expected_rows, strict=True):
        assert got == want
    assert actual.equals(expected)


def sdk_spans_by_id(spans: Sequence[ReadableSpan]) -> dict[str, ReadableSpan]:
    return {format(s.context.span_id, "016x"): s for s in spans if s.context is not None}
