"""Every span the lake loses is counted exactly, by cause: a burst from many threads, a lake that cannot write."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

import instrumentation
from instrumentation import semconv
from instrumentation.lake import traces_glob


def _lake_only(home: Path, **settings: object) -> tuple[instrumentation.Telemetry, InMemoryMetricReader]:
    reader = InMemoryMetricReader()
    telemetry = instrumentation.configure(
        "drops",
        home=home,
        exporters=["lake"],
        metric_readers=[reader],
        set_global=False,
        raise_internal_errors=False,
        **settings,  # type: ignore[arg-type]
    )
    return telemetry, reader


def _dropped(reader: InMemoryMetricReader, exporter: str = "lake") -> int:
    data = reader.get_metrics_data()
    total = 0
    for resource_metrics in data.resource_metrics if data else []:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if metric.name != semconv.METRIC_EXPORT_DROPPED:
                    continue
                for point in metric.data.data_points:
                    if point.attributes.get(semconv.EXPORTER_NAME) == exporter:
                        total += point.value  # type: ignore[attr-defined]
    return total


def _rows(lake: Path) -> int:
    if not list((lake / "otel_traces").rglob("part-*.parquet")):
        return 0
    sql = "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)"
    return int(duckdb.execute(sql, [traces_glob(lake)]).fetchone()[0])  # type: ignore[index]


def _burst(telemetry: instrumentation.Telemetry, threads: int, per_thread: int) -> None:
    tracer = telemetry.tracer

    def work() -> None:
        for i in range(per_thread):
            tracer.start_span("burst", attributes={"i": i}).end()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_a_burst_from_many_threads_is_written_or_counted(tmp_path: Path) -> None:
    # the 16 threads x 20,000 (42% lost, every counter 0), scaled to a test's budget with a small queue
    telemetry, reader = _lake_only(tmp_path, queue_size=512, batch_size=128)
    _burst(telemetry, threads=16, per_thread=1_500)
    telemetry.shutdown()
    written, dropped = _rows(tmp_path / "lake"), _dropped(reader)
    assert written + dropped == 16 * 1_500, f"written {written} + counted drops {dropped}: the rest were lost silently"


def test_a_lake_that_cannot_write_counts_drops_on_the_flush_and_timer_path(tmp_path: Path) -> None:
    (tmp_path / "lake").mkdir()
    (tmp_path / "lake" / "otel_traces").write_text("a file where the table folder should be")
    telemetry, reader = _lake_only(tmp_path, lake_segment_rows=20_000)
    for i in range(1_000):
        telemetry.tracer.start_span("s", attributes={"i": i}).end()
    assert telemetry.flush() is False  # nothing reached the lake
    telemetry.shutdown()
    assert _dropped(reader) == 1_000


def test_a_lake_that_cannot_write_counts_drops_on_the_full_segment_path(tmp_path: Path) -> None:
    (tmp_path / "lake").mkdir()
    (tmp_path / "lake" / "otel_traces").write_text("a file where the table folder should be")
    telemetry, reader = _lake_only(tmp_path, lake_segment_rows=1_000, batch_size=128, queue_size=4_096)
    for i in range(2_048):
        telemetry.tracer.start_span("s", attributes={"i": i}).end()
    telemetry.shutdown()
    assert _dropped(reader) == 2_048
