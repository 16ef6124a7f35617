"""``configure()``: build (or join) the providers, exporters and handler, and return a handle."""

from __future__ import annotations

import atexit
import threading
import weakref
from pathlib import Path
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter

from instrumentation import semconv
from instrumentation._context import FeatureSpanProcessor
from instrumentation._cost import PriceBook
from instrumentation._exporters import ExportCounts, GuardedMetricExporter, build_metric_exporter
from instrumentation._handler import Redactor, TelemetryHandler
from instrumentation._internal_errors import InternalErrors, exporter_logs
from instrumentation._metrics import Instruments
from instrumentation._pipeline import ExportPipeline
from instrumentation._settings import Settings, load_settings
from instrumentation._slot import ProviderSlot, slot_of

_VERSION = "0.1.0"


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
        pipeline: ExportPipeline,
        owns_tracer_provider: bool,
        redact: Redactor | None = None,
        slot: ProviderSlot | None = None,
    ) -> None:
        self.settings = settings
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.pipeline = pipeline
        self.errors = pipeline.counts.errors
        self.tracer = tracer_provider.get_tracer(semconv.INSTRUMENTATION_SCOPE, _VERSION, schema_url=semconv.SCHEMA_URL)
        self.meter = _our_meter(meter_provider)
        self.instruments = Instruments.create(self.meter)
        self.errors.register(self.meter)
        pipeline.counts.register(self.meter)
        self.price_book = PriceBook.from_file(settings.price_book)
        self.handler = TelemetryHandler(
            self.tracer,
            self.instruments,
            self.price_book,
            self.errors,
            capture_content=settings.capture_content,
            redact=redact,
        )
        self.lake_exporter = pipeline.lake  # the lake's processor: written_spans, dropped_spans
        self._owns_tracer_provider = owns_tracer_provider
        self._slot = slot
        self._shutdown_lock = threading.Lock()
        self._is_shut_down = False

    def flush(self, timeout_millis: int | None = None) -> bool:
        """Export everything recorded so far (the lake writes its segment) and the metrics, within
        ``timeout_millis`` (default ``shutdown_timeout_ms``). False when any span ended since the last
        flush was dropped or is still undelivered, or the metrics' export failed."""
        return self.pipeline.flush(timeout_millis)

    def shutdown(self) -> None:
        """Flush and stop our processors within ``shutdown_timeout_ms``; providers the app owns keep running."""
        with self._shutdown_lock:
            if self._is_shut_down:
                return
            self._is_shut_down = True
        if self._slot is not None:
            self._slot.detach(self)  # spans that end from now on are not ours: neither written nor counted
        self.pipeline.shutdown()
        if self.pipeline.meter_provider is not None:
            _retired_meter_providers.add(self.pipeline.meter_provider)
        if self._owns_tracer_provider and isinstance(self.tracer_provider, TracerProvider):
            self.tracer_provider.shutdown()  # our processors are stopped already: this returns at once
        self.errors.flush_tallies()
        exporter_logs.unsubscribe(self.errors)
        if _state.active is self:
            _state.active = None
        atexit.unregister(self.shutdown)  # a handle shut down by hand is not kept alive until exit

    def _hand_over_provider(self) -> bool:
        """Whether this handle owned its tracer provider; from now on it does not (its successor does)."""
        owned, self._owns_tracer_provider = self._owns_tracer_provider, False
        return owned

    def __enter__(self) -> Telemetry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class _State:
    active: Telemetry | None = None
    passive: Telemetry | None = None


_state = _State()
# Meter providers of ours that a shut-down handle stopped: OpenTelemetry keeps the first global one for
# good, and a stopped one only hands out no-op meters, so a later configure() makes a fresh one instead.
_retired_meter_providers: weakref.WeakSet[MeterProvider] = weakref.WeakSet()


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
    errors = InternalErrors(raise_errors=settings.raise_internal_errors)
    exporter_logs.subscribe(errors)
    tracer_provider, owns_tp = _tracer_provider(settings, tracer_provider, set_global)
    slot = slot_of(tracer_provider)
    previous = slot.owner
    if isinstance(previous, Telemetry):  # configured again on the same provider: this one replaces it
        owns_tp = previous._hand_over_provider() or owns_tp
        previous.shutdown()
    chosen_meter_provider, owns_mp, metric_exporter = _meter_provider(
        settings, meter_provider, metric_readers, set_global, errors
    )
    pipeline = ExportPipeline.build(
        settings,
        ExportCounts(errors),
        span_exporters or [],
        meter_provider=chosen_meter_provider if owns_mp and isinstance(chosen_meter_provider, MeterProvider) else None,
        metric_exporter=metric_exporter,
    )
    telemetry = Telemetry(
        settings,
        tracer_provider,
        chosen_meter_provider,
        pipeline=pipeline,
        owns_tracer_provider=owns_tp,
        redact=redact,
        slot=slot,
    )
    slot.attach(telemetry, [FeatureSpanProcessor(), *pipeline.processors])
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
    settings: Settings,
    given: MeterProvider | None,
    readers: list[MetricReader] | None,
    set_global: bool,
    errors: InternalErrors,
) -> tuple[metrics.MeterProvider, bool, GuardedMetricExporter | None]:
    """The meter provider to use, whether it is ours, and our OTLP metric exporter in it (if any)."""
    if given is not None:
        return given, False, None
    existing = metrics.get_meter_provider()
    if set_global and isinstance(existing, MeterProvider) and not readers and existing not in _retired_meter_providers:
        return existing, False, None
    readers = list(readers or [])
    exporter = build_metric_exporter(settings, errors)
    if exporter is not None:
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        readers.append(PeriodicExportingMetricReader(exporter))
    provider = MeterProvider(resource=_resource(settings), metric_readers=readers, shutdown_on_exit=False)
    if set_global and not isinstance(existing, MeterProvider):
        metrics.set_meter_provider(provider)
    return provider, True, exporter


def get_telemetry() -> Telemetry:
    """The configured telemetry, or a passive one over the global OTel providers (no exporters of ours)."""
    active = _state.active
    if active is not None:
        return active
    if _state.passive is None:
        settings = load_settings()
        errors = InternalErrors(raise_errors=settings.raise_internal_errors)
        _state.passive = Telemetry(
            settings,
            trace.get_tracer_provider(),
            metrics.get_meter_provider(),
            pipeline=ExportPipeline(settings, ExportCounts(errors)),
            owns_tracer_provider=False,
        )
    return _state.passive


def reset_for_tests() -> None:
    """Forget the configured and passive telemetry (tests configure a fresh one each)."""
    if _state.active is not None:
        _state.active.shutdown()
    _state.active = None
    _state.passive = None
