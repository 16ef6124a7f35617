"""A collector that misbehaves (closed port, 500, 429, 5 s slow) never holds up flush, shutdown or the lake.

The OTLP exporters are the real SDK ones, talking HTTP to a real server on 127.0.0.1 that answers badly.
Durations are asserted only as generous upper bounds; ``benchmarks.faults`` prints the exact figures.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import instrumentation
from benchmarks._collector import SLOW_S
from benchmarks._collector import collector as faulty_collector
from instrumentation import llm_call

SHUTDOWN_BOUND_S = 5.0 + 2.0  # the target, plus slack for a loaded 2-core machine
SPANS = 3_000  # a burst: several OTLP batches queued behind the first failing one


@pytest.fixture
def collector(request: pytest.FixtureRequest) -> Iterator[str]:
    with faulty_collector(request.param) as (endpoint, _):
        yield endpoint


def _configure(home: Path, endpoint: str, monkeypatch: pytest.MonkeyPatch) -> instrumentation.Telemetry:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    return instrumentation.configure(
        "faults", home=home, exporters=["lake", "otlp"], set_global=False, raise_internal_errors=False
    )


def _burst(telemetry: instrumentation.Telemetry) -> None:
    for i in range(SPANS):
        telemetry.tracer.start_span("burst", attributes={"i": i}).end()
    with llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:  # a metric point too
        call.record_usage(10, 1)


def _lake_rows(home: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(p).num_rows for p in (home / "lake" / "otel_traces").rglob("part-*.parquet"))


@pytest.mark.parametrize("collector", ["closed", "500", "429", "slow"], indirect=True)
def test_shutdown_is_bounded_and_the_lake_gets_everything(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    telemetry = _configure(tmp_path, collector, monkeypatch)
    _burst(telemetry)
    start = time.monotonic()
    lake = telemetry.lake_exporter
    assert lake is not None and lake.force_flush(timeout_millis=30_000), "the lake's own flush succeeds"
    assert time.monotonic() - start < SLOW_S, "the lake does not wait for the OTLP export in flight"
    assert _lake_rows(tmp_path) == SPANS + 1
    start = time.monotonic()
    delivered = telemetry.flush(timeout_millis=1_000)
    assert delivered is False, "flush() said True though the collector took nothing"
    assert time.monotonic() - start < 1.0 + 2.0
    start = time.monotonic()
    telemetry.shutdown()
    assert time.monotonic() - start < SHUTDOWN_BOUND_S


@pytest.mark.parametrize("collector", ["closed"], indirect=True)
def test_flush_with_its_default_timeout_is_bounded(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    telemetry = _configure(tmp_path, collector, monkeypatch)
    _burst(telemetry)
    start = time.monotonic()
    assert telemetry.flush() is False
    assert time.monotonic() - start < SHUTDOWN_BOUND_S
    telemetry.shutdown()


@pytest.mark.parametrize("collector", ["ok"], indirect=True)
def test_flush_is_true_when_the_collector_took_everything(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    telemetry = _configure(tmp_path, collector, monkeypatch)
    _burst(telemetry)
    assert telemetry.flush() is True
    telemetry.shutdown()


@pytest.mark.parametrize("collector", ["slow"], indirect=True)
def test_process_exit_under_atexit_is_bounded(collector: str, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, time
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = {collector!r}
        import instrumentation
        t = instrumentation.configure("exit", home={str(tmp_path)!r}, exporters=["lake", "otlp"], set_global=False)
        for i in range({SPANS}):
            t.tracer.start_span("burst").end()
        print(time.monotonic(), flush=True)
        """
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    ended = time.monotonic()
    assert process.returncode == 0, process.stderr
    exiting_from = float(process.stdout.strip().splitlines()[-1])
    assert ended - exiting_from < SHUTDOWN_BOUND_S
    assert _lake_rows(tmp_path) == SPANS  # the atexit shutdown wrote the lake's last segment


def _lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("collector", ["500", "closed"], indirect=True)
def test_exporter_log_lines_are_folded_into_a_few_counted_ones(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1")
    telemetry = instrumentation.configure(
        "noise", home=tmp_path, exporters=["lake", "otlp"], set_global=False, raise_internal_errors=False,
        batch_size=10, schedule_delay_ms=20,
    )  # fmt: skip
    caplog.set_level(logging.WARNING)
    for _ in range(40):  # a batch every 20 ms: one failed export (and one SDK log line) per batch
        for i in range(10):
            telemetry.tracer.start_span("s", attributes={"i": i}).end()
        time.sleep(0.02)
    telemetry.shutdown()
    lines = _lines(caplog)
    assert not [r for r in lines if r.name.startswith("opentelemetry")], "an exporter line got through unfolded"
    folded = telemetry.errors.counts["otel.log.traces"]
    assert folded >= 2, "the collector was expected to fail several batches"
    ours = [r.getMessage() for r in lines if r.name == "instrumentation"]
    assert len(ours) <= 6, ours  # per kind: the first line, and one with the rest at shutdown
    traces = [m for m in ours if "traces exporter warnings" in m]
    assert sum(int(re.search(r": (\d+)", m).group(1)) for m in traces) == folded  # type: ignore[union-attr]


@pytest.mark.parametrize("collector", ["405-metrics"], indirect=True)
def test_a_backend_without_metrics_is_usable_with_otel_metrics_exporter_none(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    telemetry = _configure(tmp_path, collector, monkeypatch)
    _burst(telemetry)
    assert telemetry.flush() is True
    telemetry.shutdown()
    assert _lines(caplog) == []
    assert telemetry.pipeline.counts.delivered("otlp") == SPANS + 1


@pytest.mark.parametrize("collector", ["405-metrics"], indirect=True)
def test_a_refused_signal_says_which_setting_turns_it_off(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    telemetry = _configure(tmp_path, collector, monkeypatch)
    _burst(telemetry)
    assert telemetry.flush() is False  # the metrics were refused
    telemetry.shutdown()
    first, *_ = [r.getMessage() for r in _lines(caplog) if "metrics exporter" in r.getMessage()]
    assert "405" in first and "OTEL_METRICS_EXPORTER=none" in first


@pytest.mark.parametrize("collector", ["ok"], indirect=True)
def test_otel_traces_exporter_none_keeps_spans_off_otlp_and_metrics_on(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    telemetry = _configure(tmp_path, collector, monkeypatch)
    _burst(telemetry)
    assert telemetry.flush() is True
    telemetry.shutdown()
    assert [p.name for p in telemetry.pipeline.processors] == ["lake"]
    assert _lake_rows(tmp_path) == SPANS + 1


def test_harness_otlp_signals_outranks_the_otel_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    assert instrumentation.load_settings().otlp_signals == ("traces",)
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console,otlp")
    assert instrumentation.load_settings().otlp_signals == ("traces",)
    monkeypatch.setenv("HARNESS_OTLP_SIGNALS", "traces,metrics")
    assert instrumentation.load_settings().otlp_signals == ("traces", "metrics")
    monkeypatch.setenv("HARNESS_OTLP_SIGNALS", "traces,logs")
    with pytest.raises(instrumentation.ConfigError, match="logs"):
        instrumentation.load_settings()
