"""The lake write path: throughput and memory over a 1,000,000-span soak, each variant in its own process.

    .venv/bin/python -m benchmarks.lake                        # 1M spans per variant, 3 alternating rounds
    .venv/bin/python -m benchmarks.lake --spans 200000 --rounds 1

Variants (default settings: 8,192-span buffer, 20,000-row segments, zstd Parquet in a temporary lake):
  processor     configure()'s lake path: LakeSpanProcessor, spans to Arrow columns in batches
  bsp+exporter  the SDK's BatchSpanProcessor in front of LakeSpanExporter (the same writer)
  rows          the path before: BatchSpanProcessor, one dict per span (span_to_row), rows_to_table
  end-to-end    the app's view: tracer.start_span(...).end() through configure() (span creation included)
  burst 16 threads  the issue's load: 16 threads making spans as fast as they can through configure();
                the buffer overflows, and written + dropped must equal the spans made (``--spans`` in all)

The first three are fed 1M prebuilt SDK spans (a pool of 10,000 chat spans with the attributes our
wrapper records, cycled), paced so the buffer never overflows: the figure is what the exporter
sustains. RSS is the resident set (``/proc/self/statm``) before the first span, after 100k spans and
at the end; growth excludes the pool and pyarrow's one-time import of pandas (see ``_warm_pyarrow``).
Targets: >= 50,000 spans/s through the exporter, < 50 MB growth.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks._timing import print_table

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("processor", "bsp+exporter", "rows", "end-to-end", "burst 16 threads")
POOL = 10_000
TARGET_SPANS_S = 50_000
TARGET_GROWTH_MB = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of every variant, interleaved (default 3)")
    parser.add_argument("--only", nargs="*", choices=VARIANTS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker, args.spans)))
        return
    names = args.only or list(VARIANTS)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for _ in range(args.rounds):  # interleaved, so the other helpers' load hits every variant alike
        for name in names:
            print(f"running {name} ...", file=sys.stderr)
            runs[name].append(_run(name, args.spans))
    _report(runs, args.spans)


def _run(name: str, spans: int) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.lake", "--worker", name, "--spans", str(spans)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=3600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _report(runs: dict[str, list[dict[str, float]]], spans: int) -> None:
    rows = []
    for name, results in runs.items():
        rate = [r["spans_s"] for r in results]
        rows.append(
            (
                name,
                f"{statistics.median(rate):,.0f}",
                f"{min(rate):,.0f}-{max(rate):,.0f}",
                f"{statistics.median(r['cpu_us'] for r in results):.1f}",
                f"{statistics.median(r['growth_mb'] for r in results):+.1f}",
                f"{statistics.median(r['late_growth_mb'] for r in results):+.1f}",
                f"{statistics.median(r['peak_growth_mb'] for r in results):+.1f}",
                f"{max(r['dropped'] for r in results):,.0f}",
                f"{min(r['written'] for r in results):,.0f}",
            )
        )
    header = ("variant", "spans/s", "range", "CPU µs/span", "RSS +MB", "100k→end", "peak +MB", "dropped", "written")
    print_table(f"Lake write path, {spans:,} spans per run (median of {len(next(iter(runs.values())))})", header, rows)
    print(
        f"\ntargets: >= {TARGET_SPANS_S:,} spans/s through the exporter, < {TARGET_GROWTH_MB} MB RSS growth. "
        "range: slowest-fastest round (the machine is shared: the spread is the noise). "
        "end-to-end includes creating each span and is not paced: its drops are counted, not avoided."
    )


# --- one variant in its own process -------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_pyarrow() -> None:
    """pyarrow's first conversion imports pandas when it is installed (it is, in this lock, through chdb):
    about 32 MB, once per process, whatever the writer does. It is paid before the first RSS reading."""
    import pyarrow as pa

    pa.array([0])


def _worker(name: str, spans: int) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="harness-bench-lake-"))
    if name == "end-to-end":
        return _end_to_end(home, spans)
    if name == "burst 16 threads":
        return _burst(home, spans, threads=16)
    pool = _pool()
    feed, finish, queued, written, dropped = _SETUPS[name](home)
    return _soak(pool, spans, feed, finish, queued, written, dropped)


def _soak(
    pool: Sequence[Any],
    spans: int,
    feed: Callable[[Any], None],
    finish: Callable[[], object],
    queued: Callable[[], int],
    written: Callable[[], int],
    dropped: Callable[[], int],
) -> dict[str, float]:
    limit = 8192 - 1024
    _warm_pyarrow()
    start_rss, start_peak = _rss_mb(), _peak_mb()
    at_100k: float | None = None
    start, start_cpu = time.perf_counter(), time.process_time()
    for i in range(spans):
        if i % 256 == 0:
            while queued() > limit:  # pace by the buffer: measure what the writer sustains, not how it drops
                time.sleep(0.0005)
            if at_100k is None and i >= 100_000:
                at_100k = _rss_mb()
        feed(pool[i % len(pool)])
    finish()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    end_rss = _rss_mb()
    return {
        "spans_s": spans / elapsed,
        "cpu_us": cpu / spans * 1e6,
        "growth_mb": end_rss - start_rss,
        "late_growth_mb": end_rss - (at_100k if at_100k is not None else start_rss),
        "peak_growth_mb": _peak_mb() - start_peak,
        "written": written(),
        "dropped": dropped(),
    }


def _pool() -> list[Any]:
    """10,000 finished chat spans like the ones our wrapper records (one in ten with an event)."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from instrumentation import semconv

    spans = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({semconv.SERVICE_NAME: "bench", "service.version": "1.0"}))
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = provider.get_tracer(semconv.INSTRUMENTATION_SCOPE, "0.1.0")
    for i in range(POOL):
        with tracer.start_as_current_span("chat gpt-4o-mini", attributes=_chat_attributes(i)) as span:
            if i % 10 == 0:
                span.add_event("gen_ai.http.attempt", {"http.response.status_code": 429, "attempt": 1})
    return list(spans.get_finished_spans())


def _chat_attributes(i: int) -> dict[str, Any]:
    from instrumentation import semconv

    return {
        semconv.GEN_AI_OPERATION_NAME: semconv.OP_CHAT,
        semconv.GEN_AI_PROVIDER_NAME: semconv.PROVIDER_OPENAI,
        semconv.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
        semconv.GEN_AI_RESPONSE_MODEL: "gpt-4o-mini-2024-07-18",
        semconv.GEN_AI_RESPONSE_ID: f"chatcmpl-{i}",
        semconv.GEN_AI_RESPONSE_FINISH_REASONS: ("stop",),
        semconv.GEN_AI_USAGE_INPUT_TOKENS: 1200 + i % 50,
        semconv.GEN_AI_USAGE_OUTPUT_TOKENS: 40 + i % 7,
        semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: 1024,
        semconv.GEN_AI_USAGE_COST_AMOUNT: 1e-4 * (1 + i % 3),
        semconv.GEN_AI_USAGE_COST_CURRENCY: semconv.COST_CURRENCY_USD,
        semconv.HARNESS_FEATURE: ("ticket-summary", "search", "triage")[i % 3],
        semconv.SERVER_ADDRESS: "api.openai.com",
        semconv.SERVER_PORT: 443,
    }


Setup = tuple[Callable[[Any], None], Callable[[], object], Callable[[], int], Callable[[], int], Callable[[], int]]


def _processor(home: Path) -> Setup:
    from instrumentation._exporters import ExportCounts
    from instrumentation._internal_errors import InternalErrors
    from instrumentation.lake import LakeSpanProcessor

    counts = ExportCounts(InternalErrors(raise_errors=False))
    processor = LakeSpanProcessor(home / "lake", counts, service_name="bench")

    def finish() -> None:
        processor.shutdown()

    return (
        processor.on_end,
        finish,
        lambda: processor.queued,
        lambda: processor.written_spans,
        lambda: processor.dropped_spans,
    )


def _bsp(exporter: Any) -> tuple[Any, Callable[[], int]]:
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    bsp = BatchSpanProcessor(exporter, max_queue_size=8192, max_export_batch_size=512, schedule_delay_millis=500)
    return bsp, lambda: len(bsp._batch_processor._queue)


def _bsp_exporter(home: Path) -> Setup:
    from instrumentation.lake import LakeSpanExporter

    exporter = LakeSpanExporter(home / "lake")
    bsp, queued = _bsp(exporter)
    return bsp.on_end, bsp.shutdown, queued, lambda: exporter.written_spans, lambda: exporter.dropped_spans


class RowsExporter:
    """The conversion before this benchmark existed: a dict per span, a table from the rows per segment."""

    def __init__(self, lake: Path) -> None:
        from instrumentation.lake import SegmentWriter

        self.writer = SegmentWriter(lake)
        self.rows: list[dict[str, Any]] = []
        self.written = 0

    def export(self, spans: Sequence[Any]) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        from instrumentation.lake import span_to_row

        self.rows.extend(span_to_row(span) for span in spans)
        if len(self.rows) >= 20_000:
            self.force_flush()
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 0) -> bool:
        if self.rows:
            self.writer.write_rows(self.rows)
            self.written += len(self.rows)
            self.rows = []
        return True

    def shutdown(self) -> None:
        self.force_flush()


def _rows(home: Path) -> Setup:
    exporter = RowsExporter(home / "lake")
    bsp, queued = _bsp(exporter)
    return bsp.on_end, bsp.shutdown, queued, lambda: exporter.written, lambda: 0


_SETUPS: dict[str, Callable[[Path], Setup]] = {"processor": _processor, "bsp+exporter": _bsp_exporter, "rows": _rows}


def _end_to_end(home: Path, spans: int) -> dict[str, float]:
    import instrumentation

    telemetry = instrumentation.configure("bench", home=home, set_global=False, raise_internal_errors=False)
    tracer = telemetry.tracer
    attributes = [_chat_attributes(i) for i in range(100)]
    lake = telemetry.lake_exporter
    assert lake is not None
    pool = [attributes[i % 100] for i in range(100)]

    def feed(attrs: Any) -> None:
        tracer.start_span("chat gpt-4o-mini", attributes=attrs).end()

    return _soak(
        pool,
        spans,
        feed,
        telemetry.shutdown,
        lambda: 0,
        lambda: lake.written_spans,
        lambda: lake.dropped_spans,
    )


def _burst(home: Path, spans: int, threads: int) -> dict[str, float]:
    import threading

    import instrumentation

    telemetry = instrumentation.configure("bench", home=home, set_global=False, raise_internal_errors=False)
    tracer = telemetry.tracer
    lake = telemetry.lake_exporter
    assert lake is not None
    per_thread = spans // threads

    def work() -> None:
        for i in range(per_thread):
            tracer.start_span("burst", attributes={"i": i}).end()

    _warm_pyarrow()
    start_rss, start_peak = _rss_mb(), _peak_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    telemetry.shutdown()
    elapsed = time.perf_counter() - start
    written, dropped = lake.written_spans, lake.dropped_spans
    assert written + dropped == per_thread * threads, "a span was lost without being counted"
    return {
        "spans_s": per_thread * threads / elapsed,
        "cpu_us": (time.process_time() - start_cpu) / (per_thread * threads) * 1e6,
        "growth_mb": _rss_mb() - start_rss,
        "late_growth_mb": 0.0,
        "peak_growth_mb": _peak_mb() - start_peak,
        "written": written,
        "dropped": dropped,
    }


if __name__ == "__main__":
    main()
