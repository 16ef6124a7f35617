"""The lake's write path: span columns equal ``span_to_row``, day partitions, health records, fork, SIGKILL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState

import instrumentation
from instrumentation import semconv
from instrumentation._exporters import ExportCounts
from instrumentation._internal_errors import InternalErrors
from instrumentation.lake import (
    LakeSpanProcessor,
    health_glob,
    partition_dirs,
    read_health,
    span_to_row,
    traces_glob,
)
from instrumentation.lake._columns import spans_to_batch
from instrumentation.lake._schema import rows_to_table

DAY = 86_400 * 10**9
NOON = 1_764_590_400 * 10**9  # 2025-12-01T12:00:00Z


@pytest.fixture
def sdk_spans() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    spans = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({semconv.SERVICE_NAME: "cols", "host.cores": 2, "ok": True}))
    provider.add_span_processor(SimpleSpanProcessor(spans))
    yield provider, spans
    provider.shutdown()


def _varied(provider: TracerProvider) -> None:
    """Spans with every kind of value the lake stores: nested, linked, evented, typed attributes, statuses."""
    tracer = provider.get_tracer("scope-a", "1.2")
    bare = provider.get_tracer("scope-b")
    linked = SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1), trace_state=TraceState([("k", "v")]))
    attributes = {"s": "x", "i": 3, "f": 0.25, "b": False, "ls": ["a", 'q"uote'], "li": [1, 2], "lb": (True,)}
    with tracer.start_as_current_span("root", kind=SpanKind.SERVER, attributes=attributes) as root:
        root.add_event("e1", {"n": 1}, timestamp=NOON + 5)
        root.add_event("e2")
        with bare.start_as_current_span("child", links=[Link(linked, {"why": "retry"}), Link(linked)]) as child:
            child.set_status(Status(StatusCode.ERROR, "boom"))
    for i in range(5):
        tracer.start_span(f"plain-{i}", start_time=NOON + i, kind=SpanKind.CLIENT).end(end_time=NOON + i + 1000)
    remote_parent = trace.set_span_in_context(trace.NonRecordingSpan(linked))
    tracer.start_span("continues a remote trace", context=remote_parent).end()  # inherits its trace state


def test_span_columns_equal_the_row_conversion(sdk_spans: tuple[TracerProvider, InMemorySpanExporter]) -> None:
    provider, exporter = sdk_spans
    _varied(provider)
    spans = list(exporter.get_finished_spans())
    expected = rows_to_table([span_to_row(s) for s in spans])
    assert pa.Table.from_batches([spans_to_batch(spans[:3]), spans_to_batch(spans[3:])]).equals(expected)


def test_spans_of_two_days_land_in_two_partitions(tmp_path: Path) -> None:
    telemetry = instrumentation.configure("days", home=tmp_path, set_global=False, raise_internal_errors=True)
    for day, count in ((0, 3), (1, 2)):
        for i in range(count):
            telemetry.tracer.start_span("s", start_time=NOON + day * DAY + i).end(end_time=NOON + day * DAY + i + 1)
    telemetry.shutdown()
    folders = partition_dirs(tmp_path / "lake")
    assert [f.name for f in folders] == ["dt=2025-12-01", "dt=2025-12-02"]
    assert [sum(pq.read_metadata(p).num_rows for p in f.glob("part-*.parquet")) for f in folders] == [3, 2]


def _processor(lake: Path, **options: object) -> tuple[LakeSpanProcessor, ExportCounts, TracerProvider]:
    counts = ExportCounts(InternalErrors(raise_errors=False))
    processor = LakeSpanProcessor(lake, counts, service_name="health", **options)  # type: ignore[arg-type]
    provider = TracerProvider(resource=Resource.create({semconv.SERVICE_NAME: "health"}))
    provider.add_span_processor(processor)
    return processor, counts, provider


def test_a_full_buffer_drops_are_counted_exactly_and_recorded_in_the_lake(tmp_path: Path) -> None:
    processor, counts, provider = _processor(tmp_path, capacity=100, health_seconds=3600)
    tracer = provider.get_tracer("t")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)  # the worker gets no turn while the loop runs: the buffer must overflow
    try:
        for i in range(5_000):
            tracer.start_span("s", attributes={"i": i}).end()
    finally:
        sys.setswitchinterval(interval)
    provider.shutdown()
    written, dropped = processor.written_spans, counts.dropped("lake")
    assert written + sum(dropped.values()) == 5_000
    assert dropped[semconv.DROP_QUEUE_FULL] >= 5_000 - 2 * 100
    assert written == _rows(tmp_path)
    health = read_health(tmp_path)
    assert (health.dropped, health.dropped_by_cause, health.writers) == (sum(dropped.values()), dropped, 1)
    assert health.written == written and health.records == 1


def test_a_clean_shutdown_records_what_was_written_so_readers_can_call_the_window_complete(tmp_path: Path) -> None:
    processor, _, provider = _processor(tmp_path)
    for _ in range(30):
        provider.get_tracer("t").start_span("s").end()
    assert processor.force_flush() is True
    assert read_health(tmp_path).records == 0  # nothing lost: no record while running
    provider.shutdown()
    health = read_health(tmp_path)
    assert (health.records, health.written, health.dropped, health.complete) == (1, 30, 0, True)
    provider.shutdown()  # a second shutdown writes nothing more
    assert read_health(tmp_path).records == 1


def test_a_writer_that_wrote_nothing_leaves_no_record(tmp_path: Path) -> None:
    _, _, provider = _processor(tmp_path)
    provider.shutdown()
    assert not (tmp_path / "export_health").exists()


def test_a_lake_that_cannot_write_spans_records_its_losses_beside_them(tmp_path: Path) -> None:
    (tmp_path / "otel_traces").write_text("a file where the table folder should be")
    processor, _, provider = _processor(tmp_path)
    for _ in range(700):
        provider.get_tracer("t").start_span("s").end()
    assert processor.force_flush() is False
    provider.shutdown()
    health = read_health(tmp_path)
    assert health.dropped_by_cause == {semconv.DROP_WRITE_FAILED: 700}
    assert (health.written, health.complete) == (0, False)


def test_health_is_read_by_window(tmp_path: Path) -> None:
    (tmp_path / "otel_traces").write_text("unwritable")
    before = datetime.now(UTC)
    processor, _, provider = _processor(tmp_path, health_seconds=0.0)
    provider.get_tracer("t").start_span("s").end()
    assert processor.force_flush() is False
    deadline = time.monotonic() + 10
    while not read_health(tmp_path).records and time.monotonic() < deadline:  # the periodic record (interval 0)
        time.sleep(0.02)
    after = datetime.now(UTC)
    provider.get_tracer("t").start_span("s").end()
    provider.shutdown()
    assert read_health(tmp_path).dropped == read_health(tmp_path, since=before).dropped == 2
    assert read_health(tmp_path, since=after).dropped == 1  # the record covering (first record, shutdown]
    assert read_health(tmp_path, until=before).dropped == 0
    assert read_health(tmp_path, since=datetime.now(UTC) + timedelta(seconds=1)).complete


def _rows(lake: Path) -> int:
    if not list((lake / "otel_traces").rglob("part-*.parquet")):
        return 0
    sql = "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)"
    return int(duckdb.execute(sql, [traces_glob(lake)]).fetchone()[0])  # type: ignore[index]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_writes_its_own_spans_and_not_its_parents(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os
        import instrumentation
        t = instrumentation.configure("fork", home={str(tmp_path)!r}, set_global=False, lake_flush_seconds=3600)
        for i in range(10):
            t.tracer.start_span("parent-before").end()
        pid = os.fork()
        if pid == 0:
            for i in range(5):
                t.tracer.start_span("child").end()
            t.shutdown()
            os._exit(0)
        os.waitpid(pid, 0)
        for i in range(3):
            t.tracer.start_span("parent-after").end()
        t.shutdown()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    rows = duckdb.execute(
        "SELECT SpanName, count(*), count(DISTINCT SpanId) FROM read_parquet(?) GROUP BY 1 ORDER BY 1",
        [traces_glob(tmp_path / "lake")],
    ).fetchall()
    assert rows == [("child", 5, 5), ("parent-after", 3, 3), ("parent-before", 10, 10)]


_KILLED_WRITER = """
import sys
import instrumentation
t = instrumentation.configure("kill", home=sys.argv[1], set_global=False, lake_segment_rows=200, schedule_delay_ms=5)
run = sys.argv[2]
for i in range(10**9):
    t.tracer.start_span("s", attributes={"run": run, "i": i}).end()
    if i % 100 == 99 and t.flush():
        print(i, flush=True)  # every span up to i is in the lake
"""


def test_a_writer_killed_at_any_moment_leaves_only_whole_segments(tmp_path: Path) -> None:
    rng = random.Random(14)
    acknowledged = {}
    for run in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", _KILLED_WRITER, str(tmp_path), str(run)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        first = process.stdout.readline()  # it is writing
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        rest = process.communicate()[0]
        acknowledged[str(run)] = int((first + rest).split()[-1])
    segments = list((tmp_path / "lake" / "otel_traces").rglob("part-*.parquet"))
    for segment in segments:
        pq.read_table(segment)  # every segment reads whole
    rows = duckdb.execute(
        "SELECT SpanAttributes['run'], count(*), count(DISTINCT SpanId), max(CAST(SpanAttributes['i'] AS INT)) "
        "FROM read_parquet(?) GROUP BY 1 ORDER BY 1",
        [traces_glob(tmp_path / "lake")],
    ).fetchall()
    for run, count, distinct, highest in rows:
        assert count == distinct == highest + 1, f"run {run}: a span lost or written twice"
        assert highest >= acknowledged[run], f"run {run}: a span acknowledged by flush() is missing"


def test_the_documented_health_sql_reads_the_records(tmp_path: Path) -> None:
    (tmp_path / "otel_traces").write_text("unwritable")
    *_, provider = _processor(tmp_path)
    for _ in range(3):
        provider.get_tracer("t").start_span("s").end()
    provider.shutdown()
    sql = (
        'SELECT coalesce(sum("Dropped"), 0), count(DISTINCT "WriterId") FROM read_parquet(?, hive_partitioning = true) '
        'WHERE "Timestamp" > ? AND "IntervalStart" < ?'
    )
    since, until = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
    assert duckdb.execute(sql, [health_glob(tmp_path), since, until]).fetchone() == (3, 1)
    assert duckdb.execute(sql, [health_glob(tmp_path), until, until]).fetchone() == (0, 0)
