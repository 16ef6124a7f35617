"""``configure()``: build (or join) the providers, exporters and handler, and return a handle."""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from instrumentation import semconv
from instrumentation._context import FeatureSpanProcessor
from instrumentation._cost import PriceBook
from instrumentation._exporters import GuardedExporter, build_span_exporters
from instrumentation._handler import Redactor, TelemetryHandler
from instrumentation._internal_errors import InternalErrors
from instrumentation._metrics import Instruments
from instrumentation._settings import Settings, load_settings

_VERSION = "0.1.0"


class _FlushingBatchProcessor(BatchSpanProcessor):
    """A BatchSpanProcessor whose flush reaches the exporter: the SDK's stops at handing over the queue,
    which leaves an exporter's own buffer (the lake's pending segment) unwritten."""

    def __init__(self, exporter: SpanExporter, **kwargs: Any) -> None:
        super().__init__(exporter, **kwargs)
        self._flush_target = exporter

    def force_flush(self, timeout_millis: int | None = None) -> bool:
        handed_over = super().force_flush(timeout_millis)
        return self._flush_target.force_flush(timeout_millis or 30_000) and handed_over


def _our_meter(provider: metrics.MeterProvider) -> metrics.Meter:
    """Every instrument of ours under one scope (name, version, schema), the exporter guards' too."""
    return provider.get_meter(semconv.INSTRUMENTATION_SCOPE, _VERSION, schema_url=semconv.SCHEMA_URL)


class Telemetry:
    """The handle ``configure()`` returns: the providers, the handler, ``flush()`` and ``shutdown()``."""

    def __init__(
        self,
        settings: Settings,
        tracer_provider: trace.TracerProvider,
        meter_provider: metrics.MeterProvider,
        *,
        processors: list[SpanProcessor],
        owns_tracer_provider: bool,
        owns_meter_provider: bool,
        redact: Redactor | None = None,
        lake_exporter: SpanExporter | None = None,
        errors: InternalErrors | None = None,
    ) -> None:
        self.settings = settings
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.errors = errors or InternalErrors(raise_errors=settings.raise_internal_errors)
        self.tracer = tracer_provider.get_tracer(semconv.INSTRUMENTATION_SCOPE, _VERSION, schema_url=semconv.SCHEMA_URL)
        self.meter = _our_meter(meter_provider)
        self.instruments = Instruments.create(self.meter)
        self.errors.register(self.meter)
        self.price_book = PriceBook.from_file(settings.price_book)
        self.handler = TelemetryHandler(
            self.tracer,
            self.instruments,
            self.price_book,
            self.errors,
            capture_content=settings.capture_content,
            redact=redact,
        )
        self.lake_exporter = lake_exporter
        self._processors = processors
        self._owns_tracer_provider = owns_tracer_provider
        self._owns_meter_provider = owns_meter_provider
        self._shutdown_lock = threading.Lock()
        self._is_shut_down = False

    def flush(self, timeout_millis: int = 30_000) -> bool:
        """Export everything recorded so far: spans through every exporter (the lake writes its segment), metrics."""
        ok = all(p.force_flush(timeout_millis) for p in self._processors)
        if self._owns_meter_provider and isinstance(self.meter_provider, MeterProvider):
            ok = self.meter_provider.force_flush(timeout_millis) and ok
        return ok

    def shutdown(self) -> None:
        """Flush and stop our processors; providers the app owns are left running."""
        with self._shutdown_lock:
            if self._is_shut_down:
                return
            self._is_shut_down = True
        for processor in self._processors:
            processor.shutdown()
        if self._owns_tracer_provider and isinstance(self.tracer_provider, TracerProvider):
            self.tracer_provider.shutdown()
        if self._owns_meter_provider and isinstance(self.meter_provider, MeterProvider):
            self.meter_provider.shutdown()
        if _state.active is self:
            _state.active = None
        atexit.unregister(self.shutdown)  # a handle shut down by hand is not kept alive until exit

    def __enter__(self) -> Telemetry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class _State:
    active: Telemetry | None = None
    passive: Telemetry | None = None


_state = _State()


def configure(
    service_name: str | None = None,
    *,
    service_version: str | None = None,
    environment: str | None = None,
    home: str | Path | None = None,
    exporters: list[str] | tuple[str, ...] | str | None = None,
    capture_content: bool | None = None,
    price_book: str | Path | None = None,
    redact: Redactor | None = None,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    span_exporters: list[SpanExporter] | None = None,
    metric_readers: list[MetricReader] | None = None,
    set_global: bool = True,
    **settings_overrides: Any,
) -> Telemetry:
    """Set up telemetry for this process and return the handle (also shut down at exit).

    Settings resolve argument, then ``HARNESS_*`` environment, then ``[tool.harness]`` in
    pyproject.toml, then default. When the app already installed an SDK TracerProvider, our
    processors are added to it rather than replacing it (pass ``tracer_provider`` to choose one).
    """
    settings = load_settings(
        {
            "service_name": service_name,
            "service_version": service_version,
            "environment": environment,
            "home": home,
            "exporters": exporters,
            "capture_content": capture_content,
            "price_book": price_book,
            **settings_overrides,
        }
    )
    tracer_provider, owns_tp = _tracer_provider(settings, tracer_provider, set_global)
    chosen_meter_provider, owns_mp = _meter_provider(settings, meter_provider, metric_readers, set_global)
    errors = InternalErrors(raise_errors=settings.raise_internal_errors)
    meter = _our_meter(chosen_meter_provider)
    processors: list[SpanProcessor] = [FeatureSpanProcessor()]
    lake_exporter = None
    named = build_span_exporters(settings, errors)
    named += [(type(e).__name__, e) for e in span_exporters or []]
    for name, exporter in named:
        if name == "lake":
            lake_exporter = exporter
        processors.append(
            _FlushingBatchProcessor(
                GuardedExporter(exporter, name, meter, errors),
                max_queue_size=settings.queue_size,
                max_export_batch_size=settings.batch_size,
                schedule_delay_millis=settings.schedule_delay_ms,
                meter_provider=chosen_meter_provider,
            )
        )
    for processor in processors:
        tracer_provider.add_span_processor(processor)
    telemetry = Telemetry(
        settings,
        tracer_provider,
        chosen_meter_provider,
        processors=processors,
        owns_tracer_provider=owns_tp,
        owns_meter_provider=owns_mp,
        redact=redact,
        lake_exporter=lake_exporter,
        errors=errors,
    )
    _state.active = telemetry
    atexit.register(telemetry.shutdown)
    return telemetry


def _resource(settings: Settings) -> Resource:
    attributes = {semconv.SERVICE_NAME: settings.service_name}
    if settings.service_version:
        attributes[semconv.SERVICE_VERSION] = settings.service_version
    if settings.environment:
        attributes[semconv.DEPLOYMENT_ENVIRONMENT_NAME] = settings.environment
    return Resource.create(attributes)


def _tracer_provider(settings: Settings, given: TracerProvider | None, set_global: bool) -> tuple[TracerProvider, bool]:
    if given is not None:
        return given, False
    existing = trace.get_tracer_provider()
    if set_global and isinstance(existing, TracerProvider):
        return existing, False
    provider = TracerProvider(resource=_resource(settings), shutdown_on_exit=False)
    if set_global:
        trace.set_tracer_provider(provider)
    return provider, True


def _meter_provider(
    settings: Settings, given: MeterProvider | None, readers: list[MetricReader] | None, set_global: bool
) -> tuple[metrics.MeterProvider, bool]:
    if given is not None:
        return given, False
    existing = metrics.get_meter_provider()
    if set_global and isinstance(existing, MeterProvider) and not readers:
        return existing, False
    readers = list(readers or [])
    if any(name.startswith("otlp") for name in settings.exporters):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    provider = MeterProvider(resource=_resource(settings), metric_readers=readers, shutdown_on_exit=False)
    if set_global and not isinstance(existing, MeterProvider):
        metrics.set_meter_provider(provider)
    return provider, True


def get_telemetry() -> Telemetry:
    """The configured telemetry, or a passive one over the global OTel providers (no exporters of ours)."""
    active = _state.active
    if active is not None:
        return active
    if _state.passive is None:
        _state.passive = Telemetry(
            load_settings(),
            trace.get_tracer_provider(),
            metrics.get_meter_provider(),
            processors=[],
            owns_tracer_provider=False,
            owns_meter_provider=False,
        )
    return _state.passive


def reset_for_tests() -> None:
    """Forget the configured and passive telemetry (tests configure a fresh one each)."""
    if _state.active is not None:
        _state.active.shutdown()
    _state.active = None
    _state.passive = None
