"""Exporter construction and the guard that turns exporter failures into counted drops."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.metrics import Meter
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from instrumentation import semconv
from instrumentation._internal_errors import InternalErrors
from instrumentation._settings import Settings


class GuardedExporter(SpanExporter):
    """Wraps any exporter: an exception or a FAILURE result drops the batch, counts it and warns."""

    def __init__(self, inner: SpanExporter, name: str, meter: Meter, errors: InternalErrors) -> None:
        self.inner = inner
        self.name = name
        self.errors = errors
        self._dropped = meter.create_counter(
            semconv.METRIC_EXPORT_DROPPED, unit="{span}", description="Spans an exporter failed to write"
        )

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self.inner.export(spans)
        except Exception as exc:  # noqa: BLE001 - collector down, disk full: the app must not notice
            result = SpanExportResult.FAILURE
            self.errors.warn_once(f"export:{self.name}:{type(exc).__name__}", f"exporter {self.name} failed: {exc!r}")
        if result is not SpanExportResult.SUCCESS:
            self._dropped.add(len(spans), {semconv.EXPORTER_NAME: self.name})
            self.errors.count(f"export.{self.name}", len(spans))
        return result

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        try:
            return self.inner.force_flush(timeout_millis)
        except Exception:  # noqa: BLE001
            return False

    def shutdown(self) -> None:
        try:
            self.inner.shutdown()
        except Exception as exc:  # noqa: BLE001
            self.errors.warn_once(f"shutdown:{self.name}", f"exporter {self.name} failed to shut down: {exc!r}")


def build_span_exporters(settings: Settings, errors: InternalErrors) -> list[tuple[str, SpanExporter]]:
    """The exporters the settings ask for; OTLP reads the standard ``OTEL_EXPORTER_OTLP_*`` variables."""
    exporters: list[tuple[str, SpanExporter]] = []
    for name in dict.fromkeys(settings.exporters):
        if name == "lake":
            from instrumentation.lake import LakeSpanExporter

            exporters.append(
                (
                    "lake",
                    LakeSpanExporter(
                        settings.lake_dir,
                        segment_rows=settings.lake_segment_rows,
                        flush_seconds=settings.lake_flush_seconds,
                        errors=errors,
                    ),
                )
            )
        elif name in ("otlp", "otlp-http", "otlp-grpc"):
            exporters.append((name, _otlp_exporter(name)))
        elif name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            exporters.append(("console", ConsoleSpanExporter()))
    return exporters


def _otlp_exporter(name: str) -> SpanExporter:
    import os

    protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    if name == "otlp-grpc" or (name == "otlp" and protocol == "grpc"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

        return GrpcExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter

    return HttpExporter()
