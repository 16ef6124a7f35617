"""flush(), shutdown() and process exit against a collector that misbehaves, with the lake beside OTLP.

    .venv/bin/python -m benchmarks.faults            # every fault, one span and a 3,000-span burst
    .venv/bin/python -m benchmarks.faults --rounds 3 # medians over alternating rounds

Each row is one fresh ``configure(exporters=["lake", "otlp"])`` against ``benchmarks._collector`` on
127.0.0.1 (the real SDK exporters, default settings): spans made, then ``flush()`` with its default
timeout, then ``shutdown()``; the exit column is a separate process that makes the same spans and
exits without calling ``shutdown()`` (atexit does it), timed from its last span to its end; app
µs/span is what making each span cost the app's thread while the collector misbehaved. The log
columns count what reached logging: the OpenTelemetry exporters' own lines we folded, and the lines
we printed instead. Target: shutdown and exit <= 5 s whatever the collector does.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from typing import Any

from benchmarks._collector import collector
from benchmarks._timing import print_table

MODES = ("ok", "closed", "500", "429", "slow")
BURSTS = (1, 3_000)
TARGET_S = 5.0


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.ours = 0
        self.theirs = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("opentelemetry"):
            self.theirs += 1
        else:
            self.ours += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    lines = _Lines()
    logging.getLogger().addHandler(lines)
    logging.getLogger("instrumentation").propagate = True
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {(m, b): [] for m in MODES for b in BURSTS}
    for _ in range(args.rounds):
        for mode, burst in runs:
            print(f"running {mode} x {burst} ...", file=sys.stderr)
            runs[mode, burst].append(_one(mode, burst, lines))
    rows = []
    for (mode, burst), results in runs.items():
        rows.append(
            (
                mode,
                f"{burst:,}",
                f"{_median(results, 'span_us'):.0f}",
                f"{_median(results, 'flush_s'):.2f}",
                "/".join(sorted({str(r["flushed"]) for r in results})),
                f"{_median(results, 'shutdown_s'):.2f}",
                f"{_median(results, 'exit_s'):.2f}",
                f"{max(r['shutdown_s'] for r in results):.2f}",
                f"{_median(results, 'folded'):.0f}",
                f"{_median(results, 'printed'):.0f}",
            )
        )
    header = ("collector", "spans", "app µs/span", "flush s", "flush()", "shutdown s", "exit s", "max shutdown")
    header += ("folded", "printed")
    print_table("lake + OTLP/HTTP against a faulty collector (default settings)", header, rows)
    print(f"\ntarget: shutdown and exit <= {TARGET_S:.0f} s; medians over {args.rounds} round(s). The issue measured")
    print("before: closed port flush 21 s (True), shutdown 14-20 s; 429 18-22 s; 5 s collector after a burst 38 s.")


def _median(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in results)


def _one(mode: str, burst: int, lines: _Lines) -> dict[str, Any]:
    import instrumentation

    with collector(mode) as (endpoint, _):
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
        home = tempfile.mkdtemp(prefix="harness-bench-faults-")
        lines.ours = lines.theirs = 0
        telemetry = instrumentation.configure("faults", home=home, exporters=["lake", "otlp"], set_global=False)
        start = time.perf_counter()
        _spans(telemetry, burst)
        span_us = (time.perf_counter() - start) / burst * 1e6
        start = time.monotonic()
        flushed = telemetry.flush()
        flush_s = time.monotonic() - start
        start = time.monotonic()
        telemetry.shutdown()
        shutdown_s = time.monotonic() - start
        folded = sum(n for where, n in telemetry.errors.counts.items() if where.startswith("otel.log."))
        printed, theirs = lines.ours, lines.theirs
        exit_s = _exit_time(endpoint, burst)
    return {
        "span_us": span_us,
        "flush_s": flush_s,
        "flushed": flushed,
        "shutdown_s": shutdown_s,
        "exit_s": exit_s,
        "folded": folded + theirs,
        "printed": printed + theirs,
    }


def _spans(telemetry: Any, burst: int) -> None:
    import instrumentation

    for i in range(burst - 1):
        telemetry.tracer.start_span("burst", attributes={"i": i}).end()
    with instrumentation.llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:
        call.record_usage(10, 1)


def _exit_time(endpoint: str, burst: int) -> float:
    script = textwrap.dedent(
        f"""
        import os, time
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = {endpoint!r}
        import instrumentation
        t = instrumentation.configure("exit", home={tempfile.mkdtemp()!r}, exporters=["lake", "otlp"], set_global=False)
        for i in range({burst}):
            t.tracer.start_span("burst").end()
        print(time.monotonic(), flush=True)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    return time.monotonic() - float(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
