"""Telemetry never breaks the host: exporter failures are counted, our errors fail open outside tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

import instrumentation
from instrumentation import TelemetryError, llm_call, semconv
from instrumentation._internal_errors import InternalErrors
from tests.conftest import make_captured


class ExplodingExporter(SpanExporter):
    def __init__(self) -> None:
        self.calls = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.calls += 1
        raise OSError("collector down")

    def shutdown(self) -> None:
        raise OSError("still down")


def test_an_exporter_that_raises_does_not_reach_the_caller(tmp_path: Path) -> None:
    exploding = ExplodingExporter()
    reader = InMemoryMetricReader()
    telemetry = instrumentation.configure(
        "t", home=tmp_path, exporters=["lake"], span_exporters=[exploding], metric_readers=[reader], set_global=False
    )
    with llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:
        call.record_usage(10, 10)
    result = "the app's result"
    telemetry.flush()  # must not raise either (it returns False when the batch was dropped during the flush)
    telemetry.shutdown()
    assert result == "the app's result"
    assert exploding.calls >= 1
    dropped = [
        p
        for rm in reader.get_metrics_data().resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        if m.name == semconv.METRIC_EXPORT_DROPPED
        for p in m.data.data_points
    ]
    assert sum(p.value for p in dropped) == 1  # type: ignore[attr-defined]
    # the lake exporter next to it still got the span
    assert list((tmp_path / "lake" / "otel_traces").rglob("part-*.parquet"))


def test_unwritable_lake_drops_and_counts(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the lake folder should be")
    telemetry = instrumentation.configure("t", home=blocked, set_global=False, raise_internal_errors=False)
    with llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:
        call.record_usage(1, 1)
    telemetry.shutdown()
    assert telemetry.lake_exporter is not None
    assert telemetry.lake_exporter.dropped_spans == 1
    assert telemetry.errors.counts["lake.write"] == 1


def test_internal_errors_raise_in_tests_and_are_counted_in_production() -> None:
    loud = InternalErrors(raise_errors=True)
    with pytest.raises(TelemetryError, match="where"):
        loud.report("where", ValueError("boom"))
    quiet = InternalErrors(raise_errors=False)
    for _ in range(5):
        quiet.report("where", ValueError("boom"))
    assert quiet.counts["where"] == 5


def test_a_broken_handler_does_not_break_the_app_outside_tests(tmp_path: Path) -> None:
    script = (
        "import instrumentation\n"
        f"t = instrumentation.configure('t', home={str(tmp_path)!r}, set_global=False)\n"
        "t.handler.price_book = None  # sabotage: pricing will raise inside telemetry code\n"
        "with instrumentation.llm_call('gpt-4o', provider='openai', telemetry=t) as c:\n"
        "    c.record_usage(1, 1)\n"
        "print('app ok', t.errors.counts['llm.finish'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "app ok 1"


def test_the_span_still_ends_when_our_own_code_fails_at_the_end(tmp_path: Path) -> None:
    cap = make_captured(tmp_path, raise_internal_errors=False)
    cap.telemetry.handler.price_book = None  # type: ignore[assignment]  # sabotage: pricing raises
    with llm_call("gpt-4o", provider="openai", telemetry=cap.telemetry) as call:
        call.record_usage(1, 1)
    assert cap.telemetry.errors.counts["llm.finish"] == 1
    span = cap.span("chat gpt-4o")
    assert span.attributes[semconv.GEN_AI_REQUEST_MODEL] == "gpt-4o"  # type: ignore[attr-defined]
    cap.telemetry.shutdown()


def test_internal_errors_are_exported_as_a_counter_per_place(tmp_path: Path) -> None:
    from tests.conftest import make_captured

    cap = make_captured(tmp_path / ".harness", raise_internal_errors=False)
    cap.telemetry.handler.price_book = None  # type: ignore[assignment]  # pricing will raise inside telemetry code
    for _ in range(2):
        with llm_call("gpt-4o", provider="openai", telemetry=cap.telemetry) as call:
            call.record_usage(1, 1)
    points = cap.metric_points(semconv.METRIC_TELEMETRY_ERRORS)
    counts = {p.attributes[semconv.HARNESS_TELEMETRY_ERROR_WHERE]: p.value for p in points}  # type: ignore[attr-defined]
    assert counts == {"llm.finish": 2}
    cap.telemetry.shutdown()
