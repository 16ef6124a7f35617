"""Throughput and memory of ``harness collect``: protobuf batches of 512 spans posted over loopback.

The receiver runs as its own process (``harness collect``), as a user runs it; a client process
posts pre-encoded batches of our own chat spans (the attributes ``instrumentation.llm_call``
records) on two keep-alive connections for a fixed time, then the receiver is stopped with SIGTERM
and drains. It prints, per variant, the spans acknowledged per second under load, the spans
written per second end to end (load plus drain), the receiver's peak and final RSS, and how much
the RSS grew over the second half of the load (a plateau is bounded memory). A second table says
where one core's time goes, per span, in-process.

Run: python -m benchmarks.collect [--seconds 15] [--workers 0 2]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks._timing import print_table

BATCH = 512
TARGET = 50_000
PHOENIX_SPANS_S = 150  # Arize Phoenix on these 2 cores (issue 12)
_ROOT = Path(__file__).resolve().parents[1]


def chat_spans(count: int, seed: int) -> list[object]:
    """``count`` chat spans as our instrumentation records them, inside agent runs, with a feature."""
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    import instrumentation

    memory = InMemorySpanExporter()
    telemetry = instrumentation.configure(
        "support-desk",
        exporters=["none"],
        span_exporters=[memory],
        metric_readers=[InMemoryMetricReader()],
        set_global=False,
        queue_size=1 << 16,
        schedule_delay_ms=50,
    )
    with instrumentation.feature("ticket-summary"):
        for i in range(count):
            with instrumentation.llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as call:
                call.record_usage(1000 + i + seed, 200, cache_read_tokens=400, reasoning_tokens=50)
                call.set_response(model="gpt-4o-mini-2024-07-18", finish_reasons=["stop"], id=f"r{seed}-{i}")
    telemetry.shutdown()
    return list(memory.get_finished_spans())


def bodies(batches: int) -> list[bytes]:
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    spans = chat_spans(BATCH * batches, seed=0)
    return [
        bytes(encode_spans(spans[i * BATCH : (i + 1) * BATCH]).SerializeToString())  # type: ignore[arg-type]
        for i in range(batches)
    ]


def _client(
    port: int,
    payloads: Sequence[bytes],
    seconds: float,
    connections: int,
    out: multiprocessing.Queue[tuple[int, int, int]],
) -> None:
    """In its own process: post for ``seconds``, report (acknowledged spans, 503s, other answers)."""
    stop = time.monotonic() + seconds
    totals = [0, 0, 0]
    lock = threading.Lock()

    def loop(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/x-protobuf"}
        i = offset
        while time.monotonic() < stop:
            conn.request("POST", "/v1/traces", body=payloads[i % len(payloads)], headers=headers)
            response = conn.getresponse()
            response.read()
            with lock:
                if response.status == 200:
                    totals[0] += BATCH
                elif response.status == 503:
                    totals[1] += 1
                    time.sleep(float(response.getheader("retry-after") or 1) / 10)
                else:
                    totals[2] += 1
            i += 1
        conn.close()

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(tuple(totals))


def _rss_kib(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _tree(pid: int) -> list[int]:
    """The receiver and its decoding workers."""
    return [pid, *(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]


def _tree_rss_kib(pid: int) -> int:
    total = 0
    for member in _tree(pid):
        try:
            total += _rss_kib(member)[0]
        except FileNotFoundError:
            pass
    return total


def _tree_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of the receiver and its workers: a figure the machine's load hardly moves."""
    ticks = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_variant(workers: int, payloads: Sequence[bytes], seconds: float) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="bench-collect-"))
    command = [sys.executable, "-m", "harness.cli", "collect", "--port", "0", "--home", str(home)]
    receiver = subprocess.Popen([*command, "--workers", str(workers)], stdout=subprocess.PIPE, text=True, cwd=_ROOT)
    try:
        return _measure(receiver, payloads, seconds)
    finally:
        if receiver.poll() is None:
            receiver.kill()
            receiver.wait()
        shutil.rmtree(home, ignore_errors=True)


def _measure(receiver: subprocess.Popen[str], payloads: Sequence[bytes], seconds: float) -> dict[str, float]:
    assert receiver.stdout is not None
    match = re.search(r"127\.0\.0\.1:(\d+)/", receiver.stdout.readline())
    assert match, "the receiver did not announce its port"
    port = int(match.group(1))
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[int, int, int]] = context.Queue()
    client = context.Process(target=_client, args=(port, payloads, seconds, 2, results))
    samples: list[tuple[float, int]] = []
    cpu_before = _tree_cpu_s(receiver.pid)  # start-up (imports, warming the workers) is not the load's
    started = time.monotonic()
    client.start()
    while client.is_alive():
        samples.append((time.monotonic() - started, _tree_rss_kib(receiver.pid)))
        time.sleep(0.25)
    acknowledged, refused, other = results.get()
    load_s = time.monotonic() - started
    cpu_s = _tree_cpu_s(receiver.pid) - cpu_before
    receiver.send_signal(signal.SIGTERM)
    summary = receiver.communicate(timeout=120)[0]
    total_s = time.monotonic() - started
    written = int(re.search(r"(\d+) written", summary).group(1))  # type: ignore[union-attr]
    half = [rss for t, rss in samples if t >= load_s / 2]
    return {
        "ack_per_s": acknowledged / load_s,
        "written_per_s": written / total_s,
        "written": written,
        "acknowledged": acknowledged,
        "refused": refused,
        "other": other,
        "peak_mib": max(rss for _, rss in samples) / 1024,
        "cpu_s": cpu_s,
        "growth_mib": (half[-1] - half[0]) / 1024 if len(half) > 1 else 0.0,
        "drain_s": total_s - load_s,
    }


def where_time_goes(payloads: Sequence[bytes]) -> list[tuple[str, str, str]]:
    """Per span, on one core, in-process: parse, columns (profiled by function), a segment (medians of repeats).

    The segment is what the writer thread writes: the posted batches, concatenated to ``segment_rows``.
    """
    import cProfile
    import pstats
    import statistics

    import pyarrow as pa

    from harness.collect import Limits, to_batch
    from harness.collect._attributes import clear_cache
    from harness.collect._body import parse
    from instrumentation.lake import SegmentWriter

    def timed(fn: Callable[[], object], repeats: int = 15, spans: int = BATCH) -> float:
        samples = []
        for _ in range(repeats):
            start = time.process_time()
            fn()
            samples.append((time.process_time() - start) / spans * 1e6)
        return statistics.median(samples)

    payload = payloads[0]
    request = parse(payload, "protobuf")
    (day,) = to_batch(request).tables
    batches = -(-Limits().segment_rows // BATCH)
    segment_table = pa.concat_tables(
        [next(iter(to_batch(parse(payloads[i % len(payloads)], "protobuf")).tables.values())) for i in range(batches)]
    )
    parse_us = timed(lambda: parse(payload, "protobuf"))
    columns = timed(lambda: to_batch(request))
    cold = timed(lambda: (clear_cache(), to_batch(request)))
    with tempfile.TemporaryDirectory() as lake:
        writer = SegmentWriter(Path(lake))
        segment = timed(lambda: writer.write_table(day, segment_table), 5, segment_table.num_rows)
    total = parse_us + columns + segment
    rows = [("protobuf parse (upb, C; attributes left as bytes)", f"{parse_us:.1f}", f"{parse_us / total:.0%}")]
    profile = cProfile.Profile()
    profile.runcall(lambda: [to_batch(request) for _ in range(5)])
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    by_function = sorted(((v[2], f"{k[2]} ({Path(k[0]).name})") for k, v in stats.items()), reverse=True)
    profiled = sum(t for t, _ in by_function)
    for seconds, name in by_function[:6]:
        share = columns * seconds / profiled
        rows.append((f"  to_batch: {name}", f"{share:.1f}", f"{share / total:.0%}"))
    rows.append(("spans to Arrow columns, all", f"{columns:.1f}", f"{columns / total:.0%}"))
    rows.append(("  the same, attribute cache empty (every value new)", f"{cold:.1f}", ""))
    rows.append(
        (f"Parquet segment ({segment_table.num_rows:,} rows, sorted, zstd)", f"{segment:.1f}", f"{segment / total:.0%}")
    )
    rows.append(("one core's ceiling", f"{1e6 / total:,.0f} spans/s", ""))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="load per variant (default 15)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2], help="variants: decoding processes")
    args = parser.parse_args(argv)
    payloads = bodies(8)
    attributes = len(chat_spans(1, seed=1)[0].attributes)  # type: ignore[attr-defined]
    print(
        f"batches of {BATCH} chat spans ({attributes} attributes each), {len(payloads[0]):,} bytes each, "
        f"{args.seconds:g} s of load per variant on {os.cpu_count()} cores"
    )
    rows = []
    for workers in args.workers:
        r = run_variant(workers, payloads, args.seconds)
        rows.append(
            (
                f"harness collect --workers {workers}",
                f"{r['ack_per_s']:,.0f}",
                f"{r['written_per_s']:,.0f}",
                f"{r['acknowledged'] / r['cpu_s']:,.0f}",
                f"{r['drain_s']:.1f}",
                f"{r['peak_mib']:.0f}",
                f"{r['growth_mib']:+.0f}",
                f"{int(r['refused'])}/{int(r['other'])}",
                "yes" if r["written"] == r["acknowledged"] else f"NO ({r['written']} of {r['acknowledged']})",
            )
        )
    rows.append(("Arize Phoenix (issue 12, same machine)", f"~{PHOENIX_SPANS_S}", "", "", "", "", "", "", ""))
    print_table(
        f"Receiver throughput (target >= {TARGET:,} spans/s)",
        (
            "variant",
            "acked spans/s",
            "written spans/s",
            "spans/CPU-s",
            "drain s",
            "peak RSS MiB",
            "RSS 2nd half",
            "503/other",
            "all acked written",
        ),
        rows,
    )
    print_table("Where one core's time goes, per span", ("step", "µs/span", "share"), where_time_goes(payloads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
