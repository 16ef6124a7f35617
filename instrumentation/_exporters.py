"""Exporter construction, the count of what each exporter delivered and dropped, and the metric guard."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, MetricsData
from opentelemetry.sdk.trace.export import SpanExporter

from instrumentation import semconv
from instrumentation._internal_errors import InternalErrors
from instrumentation._settings import Settings


class ExportCounts:
    """Spans each exporter delivered and dropped (by cause): the ``harness.export.*`` counters and warnings.

    A drop is one locked increment (the hot path only pays it when a buffer is full); the counters
    are observable, so the SDK reads the totals once per collection.
    """

    def __init__(self, errors: InternalErrors) -> None:
        self.errors = errors
        self._dropped: Counter[tuple[str, str]] = Counter()
        self._exported: Counter[str] = Counter()
        self._lock = threading.Lock()

    def drop(self, exporter: str, cause: str, n: int = 1) -> None:
        if n <= 0:
            return
        with self._lock:
            self._dropped[exporter, cause] += n
            by_cause = ", ".join(f"{c} {k:,}" for (e, c), k in sorted(self._dropped.items()) if e == exporter)
        self.errors.tally(f"export.{exporter}", f"exporter {exporter!r} dropped spans", n, f"so far: {by_cause}")

    def exported(self, exporter: str, n: int) -> None:
        with self._lock:
            self._exported[exporter] += n

    def dropped(self, exporter: str) -> dict[str, int]:
        """Spans ``exporter`` dropped so far, by cause."""
        with self._lock:
            return {cause: n for (name, cause), n in self._dropped.items() if name == exporter}

    def delivered(self, exporter: str) -> int:
        with self._lock:
            return self._exported[exporter]

    def health_failed(self) -> None:
        self.errors.count("lake.health")

    def after_fork(self) -> None:
        """A forked child starts its own counts, with locks no thread of the parent can be holding."""
        self._lock = threading.Lock()
        self._dropped.clear()
        self._exported.clear()
        self.errors.after_fork()

    def register(self, meter: Meter) -> None:
        def dropped(options: CallbackOptions) -> Iterator[Observation]:
            with self._lock:
                items = list(self._dropped.items())
            for (exporter, cause), n in items:
                yield Observation(n, {semconv.EXPORTER_NAME: exporter, semconv.EXPORT_DROP_CAUSE: cause})

        def exported(options: CallbackOptions) -> Iterator[Observation]:
            with self._lock:
                items = list(self._exported.items())
            for exporter, n in items:
                yield Observation(n, {semconv.EXPORTER_NAME: exporter})

        meter.create_observable_counter(
            semconv.METRIC_EXPORT_DROPPED, [dropped], unit="{span}", description="Spans an exporter lost, by cause"
        )
        meter.create_observable_counter(
            semconv.METRIC_EXPORT_EXPORTED, [exported], unit="{span}", description="Spans an exporter delivered"
        )


class GuardedMetricExporter(MetricExporter):
    """Wraps a metric exporter: failures are counted, ``last_ok`` tells a flush whether its export landed,
    and ``shutdown`` runs once (the reader's later call is a no-op instead of an SDK warning)."""

    def __init__(self, inner: MetricExporter, name: str, errors: InternalErrors) -> None:
        super().__init__(
            preferred_temporality=inner._preferred_temporality,
            preferred_aggregation=inner._preferred_aggregation,
        )
        self.inner = inner
        self.name = name
        self.errors = errors
        self.last_ok = True
        self._shut = threading.Lock()
        self._is_shut = False

    def export(self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any) -> MetricExportResult:
        try:
            result = self.inner.export(metrics_data, timeout_millis=timeout_millis, **kwargs)
        except Exception as exc:  # noqa: BLE001 - collector down: the app must not notice
            self.errors.warn_once(f"export:{self.name}:{type(exc).__name__}", f"exporter {self.name} failed: {exc!r}")
            result = MetricExportResult.FAILURE
        self.last_ok = result is MetricExportResult.SUCCESS
        if not self.last_ok:
            self.errors.count(f"export.{self.name}.metrics")
        return result

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return self.last_ok

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        with self._shut:
            if self._is_shut:
                return
            self._is_shut = True
        try:
            self.inner.shutdown(timeout_millis=timeout_millis)
        except Exception as exc:  # noqa: BLE001
            self.errors.warn_once(f"shutdown:{self.name}", f"exporter {self.name} failed to shut down: {exc!r}")


def build_span_exporters(settings: Settings, errors: InternalErrors) -> list[tuple[str, SpanExporter]]:
    """The span exporters the settings ask for, except the lake (which has its own processor).

    OTLP reads the standard ``OTEL_EXPORTER_OTLP_*`` variables; it is skipped when the settings'
    ``otlp_signals`` leave traces out (``OTEL_TRACES_EXPORTER=none``)."""
    exporters: list[tuple[str, SpanExporter]] = []
    for name in dict.fromkeys(settings.exporters):
        if name in ("otlp", "otlp-http", "otlp-grpc") and "traces" in settings.otlp_signals:
            exporters.append((name, _otlp_span_exporter(name)))
        elif name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            exporters.append(("console", ConsoleSpanExporter()))
    return exporters


def build_metric_exporter(settings: Settings, errors: InternalErrors) -> GuardedMetricExporter | None:
    """The OTLP metric exporter when OTLP is on and ``otlp_signals`` keeps metrics (``OTEL_METRICS_EXPORTER``)."""
    names = [n for n in settings.exporters if n.startswith("otlp")]
    if not names or "metrics" not in settings.otlp_signals:
        return None
    if _grpc(names[0], "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"):
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GrpcMetrics

        return GuardedMetricExporter(GrpcMetrics(), names[0], errors)
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HttpMetrics

    return GuardedMetricExporter(HttpMetrics(), names[0], errors)


def _grpc(name: str, signal_variable: str) -> bool:
    protocol = os.environ.get(signal_variable) or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    return name == "otlp-grpc" or (name == "otlp" and protocol == "grpc")


def _otlp_span_exporter(name: str) -> SpanExporter:
    if _grpc(name, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

        return GrpcExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter

    return HttpExporter()
