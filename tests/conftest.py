"""Shared fixtures: a real OTel SDK pipeline with in-memory exporters and a lake in a temp folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrumentation
from instrumentation._setup import reset_for_tests

# property-based tests: the same examples every run (derandomised), no database left behind, and a
# deadline that turns a hang into a failure; HYPOTHESIS_PROFILE=thorough searches 20 times longer, with
# a fresh seed each run. tests/properties.py holds the shared strategies.
_PROPERTY_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "harness", derandomize=True, database=None, max_examples=150, deadline=2000, suppress_health_check=_PROPERTY_CHECKS
)
settings.register_profile(
    "thorough", database=None, max_examples=3000, deadline=2000, suppress_health_check=_PROPERTY_CHECKS
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "harness"))


@dataclass
class Captured:
    """A configured telemetry with its in-memory span exporter and metric reader."""

    telemetry: instrumentation.Telemetry
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    home: Path

    def finished(self) -> list[object]:
        self.telemetry.flush()
        return list(self.spans.get_finished_spans())

    def span(self, name: str) -> object:
        matches = [s for s in self.finished() if s.name == name]  # type: ignore[attr-defined]
        assert len(matches) == 1, f"expected one span {name!r}, got {[s.name for s in self.finished()]}"  # type: ignore[attr-defined]
        return matches[0]

    def metric_points(self, name: str) -> list[object]:
        data = self.metrics.get_metrics_data()
        points: list[object] = []
        for resource_metrics in data.resource_metrics if data else []:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    if metric.name == name:
                        points.extend(metric.data.data_points)
        return points


def make_captured(home: Path, **kwargs: object) -> Captured:
    spans = InMemorySpanExporter()
    reader = InMemoryMetricReader()
    kwargs.setdefault("exporters", ["lake"])
    telemetry = instrumentation.configure(
        "test-service",
        home=home,
        span_exporters=[spans],
        metric_readers=[reader],
        set_global=False,
        schedule_delay_ms=50,
        **kwargs,  # type: ignore[arg-type]
    )
    return Captured(telemetry, spans, reader, home)


@pytest.fixture
def captured(tmp_path: Path) -> Iterator[Captured]:
    """Telemetry writing to a lake under tmp_path and to in-memory exporters; shut down after the test."""
    cap = make_captured(tmp_path / ".harness")
    yield cap
    cap.telemetry.shutdown()
    reset_for_tests()
