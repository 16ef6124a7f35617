"""Our span processors and metric export, flushed and shut down within one time budget.

``shutdown_timeout_ms`` (default 5 s) bounds both ``flush()`` and ``shutdown()`` whatever a collector
does. At shutdown every processor starts draining at once; remote exporters (OTLP) get 70% of the
budget, with the metrics' last export running beside them once the spans had their first 35% (so a
healthy collector gets the final span counts); the lake, local, gets the whole budget, and has its
own processor, so it never waits for OTLP. What is not delivered by then is counted as dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace.export import SpanExporter

from instrumentation._export_queue import BufferedSpanProcessor, ExportProcessor, flush_all
from instrumentation._exporters import ExportCounts, GuardedMetricExporter, build_span_exporters
from instrumentation._settings import Settings

if TYPE_CHECKING:
    from instrumentation.lake import LakeSpanProcessor

_SPANS_FIRST = 0.35  # of the shutdown budget: remote span exporters drain before the metrics' last export
_REMOTE = 0.7  # of the budget: when remote exporters (spans and metrics) are given up


class ExportPipeline:
    """The processors ``configure()`` adds, and the meter provider when it is ours."""

    def __init__(
        self,
        settings: Settings,
        counts: ExportCounts,
        processors: Sequence[BufferedSpanProcessor] = (),
        *,
        meter_provider: MeterProvider | None = None,
        metric_exporter: GuardedMetricExporter | None = None,
    ) -> None:
        self.settings = settings
        self.counts = counts
        self.processors = list(processors)
        self.meter_provider = meter_provider
        self.metric_exporter = metric_exporter
        self._metrics_flush: threading.Thread | None = None

    @classmethod
    def build(
        cls,
        settings: Settings,
        counts: ExportCounts,
        extra_exporters: Sequence[SpanExporter] = (),
        *,
        meter_provider: MeterProvider | None = None,
        metric_exporter: GuardedMetricExporter | None = None,
    ) -> ExportPipeline:
        """A processor per exporter the settings name (the lake's own first), then one per extra exporter."""
        processors: list[BufferedSpanProcessor] = []
        if "lake" in settings.exporters:
            processors.append(_lake_processor(settings, counts))
        named = build_span_exporters(settings, counts.errors)
        named += [(type(exporter).__name__, exporter) for exporter in extra_exporters]
        options = {
            "capacity": settings.queue_size,
            "batch_size": settings.batch_size,
            "delay_s": settings.schedule_delay_ms / 1000,
            "shutdown_s": settings.shutdown_timeout_ms / 1000,
        }
        processors += [ExportProcessor(exporter, name, counts, **options) for name, exporter in named]
        return cls(settings, counts, processors, meter_provider=meter_provider, metric_exporter=metric_exporter)

    @property
    def lake(self) -> LakeSpanProcessor | None:
        return cast("LakeSpanProcessor | None", next((p for p in self.processors if p.local), None))

    def flush(self, timeout_millis: int | None = None) -> bool:
        """True when every span ended before the call (and the metrics) were delivered within the timeout."""
        budget_ms = self.settings.shutdown_timeout_ms if timeout_millis is None else timeout_millis
        deadline = time.monotonic() + budget_ms / 1000
        spans_ok = flush_all(self.processors, deadline)
        return self._flush_metrics(deadline) and spans_ok

    def shutdown(self) -> None:
        start, budget_s = time.monotonic(), self.settings.shutdown_timeout_ms / 1000
        remote = [p for p in self.processors if not p.local]
        for processor in self.processors:
            processor.begin_shutdown()
        for processor in remote:
            processor.finish_shutdown(start + budget_s * _SPANS_FIRST, give_up=False)
        self._shutdown_metrics(start + budget_s * _REMOTE)
        for processor in remote:
            processor.finish_shutdown(start + budget_s * _REMOTE)
        for processor in self.processors:
            if processor.local:
                processor.finish_shutdown(start + budget_s)

    def _shutdown_metrics(self, deadline: float) -> None:
        if self.meter_provider is None:
            return
        try:
            self.meter_provider.shutdown(timeout_millis=max(deadline - time.monotonic(), 0.0) * 1000)
        except Exception:  # noqa: BLE001 - a reader that timed out or failed: its export is lost, counted
            self.counts.errors.count("metrics.shutdown")

    def _flush_metrics(self, deadline: float) -> bool:
        provider = self.meter_provider
        if provider is None:
            return True
        if self.metric_exporter is None:  # local readers only: fast, no collector to wait on
            return _force_flush(provider, deadline)
        result: list[bool] = []
        if self._metrics_flush is None or not self._metrics_flush.is_alive():  # one flush in flight at most
            self._metrics_flush = _started(lambda: result.append(_force_flush(provider, deadline)))
        self._metrics_flush.join(max(deadline - time.monotonic(), 0.0))
        return bool(result) and result[0] and self.metric_exporter.last_ok


def _lake_processor(settings: Settings, counts: ExportCounts) -> BufferedSpanProcessor:
    from instrumentation.lake import LakeSpanProcessor  # pyarrow: imported only when the lake is in use

    return LakeSpanProcessor(
        settings.lake_dir,
        counts,
        service_name=settings.service_name,
        capacity=settings.queue_size,
        segment_rows=settings.lake_segment_rows,
        flush_seconds=settings.lake_flush_seconds,
        health_seconds=settings.lake_health_seconds,
        delay_s=settings.schedule_delay_ms / 1000,
        shutdown_s=settings.shutdown_timeout_ms / 1000,
    )


def _force_flush(provider: MeterProvider, deadline: float) -> bool:
    try:
        return bool(provider.force_flush(timeout_millis=max(deadline - time.monotonic(), 0.0) * 1000))
    except Exception:  # noqa: BLE001 - a reader that failed or timed out
        return False


def _started(target: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=target, name="harness-metrics-flush", daemon=True)
    thread.start()
    return thread
