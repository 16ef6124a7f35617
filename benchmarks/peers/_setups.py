"""How each variant is switched on; each returns a ``flush`` for the end of the run.

Peers get an SDK TracerProvider with a BatchSpanProcessor to a counting, discarding exporter and
(where they emit metrics) a MeterProvider with an in-memory reader; content capture is off where the
library offers it. Imports are inside each setup: a process imports only its own variant.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

Flush = Callable[[], object]


class CountingExporter(SpanExporter):
    """Discards spans, counting them (a variant that makes none did not instrument anything) and
    keeping the attribute names they carried, so the table can say what each variant records."""

    def __init__(self) -> None:
        self.count = 0
        self.names: set[str] = set()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.count += len(spans)
        for span in spans[-4:]:
            self.names.update(span.attributes or ())
        return SpanExportResult.SUCCESS


def _batch(exporter: CountingExporter) -> Any:
    """A BatchSpanProcessor sized like ours (the SDK's default queue drops spans at these rates)."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    return BatchSpanProcessor(exporter, max_queue_size=8192, max_export_batch_size=512, schedule_delay_millis=500)


def _providers(exporter: CountingExporter) -> tuple[Any, Any, Flush]:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(_batch(exporter))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return tracer_provider, meter_provider, tracer_provider.force_flush


def none(client: Any, exporter: CountingExporter) -> Flush:
    return lambda: None


def harness(client: Any, exporter: CountingExporter) -> Flush:
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    import instrumentation

    telemetry = instrumentation.configure(
        "bench", exporters=[], span_exporters=[exporter], metric_readers=[InMemoryMetricReader()], set_global=False
    )
    instrumentation.instrument_openai(client, telemetry=telemetry)
    return telemetry.flush


def harness_lake(client: Any, exporter: CountingExporter) -> Flush:
    """Ours on the default path: the lake's own processor, Arrow columns, Parquet segments (a temporary lake)."""
    import tempfile

    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    import instrumentation

    home = tempfile.mkdtemp(prefix="harness-bench-")
    telemetry = instrumentation.configure(
        "bench", exporters=["lake"], home=home, metric_readers=[InMemoryMetricReader()], set_global=False
    )
    instrumentation.instrument_openai(client, telemetry=telemetry)
    lake = telemetry.lake_exporter

    def flush() -> None:
        telemetry.flush()
        exporter.count = lake.written_spans  # type: ignore[union-attr]
        exporter.names.update(_lake_attribute_names(telemetry.settings.lake_dir))

    return flush


def harness_lake_before(client: Any, exporter: CountingExporter) -> Flush:
    """The lake path before: the SDK's BatchSpanProcessor, a dict per span (span_to_row), rows_to_table."""
    import tempfile
    from pathlib import Path

    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider

    import instrumentation
    from benchmarks.lake import RowsExporter

    lake = Path(tempfile.mkdtemp(prefix="harness-bench-")) / "lake"
    rows = RowsExporter(lake)
    provider = TracerProvider()
    provider.add_span_processor(_batch(rows))  # type: ignore[arg-type]
    telemetry = instrumentation.configure(
        "bench", exporters=[], tracer_provider=provider, metric_readers=[InMemoryMetricReader()], set_global=False
    )
    instrumentation.instrument_openai(client, telemetry=telemetry)

    def flush() -> None:
        provider.force_flush()
        rows.force_flush()
        exporter.count = rows.written
        exporter.names.update(_lake_attribute_names(lake))

    return flush


def _lake_attribute_names(lake: Any) -> set[str]:
    """The attribute names on the spans in the lake (what the table's note column reports)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    names: set[str] = set()
    for segment in (lake / "otel_traces").rglob("part-*.parquet"):
        keys = pc.map_keys(pq.read_table(segment, columns=["SpanAttributes"]).column(0))
        names.update(pc.unique(pc.list_flatten(keys)).to_pylist())
    return names


def bare_span(client: Any, exporter: CountingExporter) -> Flush:
    """The floor: one OTel SDK span per call, current during the call, with the attributes ours records,
    set from constants (no extraction, no cost lookup, no metrics)."""
    import types

    from opentelemetry import context, trace

    from instrumentation import semconv

    tracer_provider, _, flush = _providers(exporter)
    tracer = tracer_provider.get_tracer(semconv.INSTRUMENTATION_SCOPE)
    start = {
        semconv.GEN_AI_OPERATION_NAME: semconv.OP_CHAT,
        semconv.GEN_AI_PROVIDER_NAME: semconv.PROVIDER_OPENAI,
        semconv.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
        semconv.SERVER_ADDRESS: "127.0.0.1",
        semconv.SERVER_PORT: 9,
        semconv.OPENAI_API_TYPE: semconv.OPENAI_API_CHAT_COMPLETIONS,
    }
    end = {
        semconv.GEN_AI_RESPONSE_MODEL: "gpt-4o-mini-2024-07-18",
        semconv.GEN_AI_RESPONSE_ID: "chatcmpl-bench",
        semconv.GEN_AI_RESPONSE_FINISH_REASONS: ["stop"],
        semconv.GEN_AI_USAGE_INPUT_TOKENS: 1200,
        semconv.GEN_AI_USAGE_OUTPUT_TOKENS: 40,
        semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: 1024,
        semconv.GEN_AI_USAGE_COST_AMOUNT: 1e-4,
        semconv.GEN_AI_USAGE_COST_CURRENCY: semconv.COST_CURRENCY_USD,
        semconv.GEN_AI_USAGE_COST_SOURCE: semconv.COST_SOURCE_LOCAL,
        semconv.HARNESS_PRICE_SOURCE: "genai-prices",
        semconv.HARNESS_PRICE_VERSION: "0",
    }
    original = type(client).request

    def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        span = tracer.start_span("chat gpt-4o-mini", kind=trace.SpanKind.CLIENT, attributes=start)
        token = context.attach(trace.set_span_in_context(span))
        try:
            return original(self, *args, **kwargs)
        finally:
            context.detach(token)
            span.set_attributes(end)
            span.end()

    client.request = types.MethodType(request, client)
    return flush


def _otel_instrumentor(module: str) -> Callable[[Any, CountingExporter], Flush]:
    """An OpenTelemetry-contrib style ``OpenAIInstrumentor`` from ``module``, on our tracer and meter providers."""

    def setup(client: Any, exporter: CountingExporter) -> Flush:
        instrumentor = importlib.import_module(module).OpenAIInstrumentor
        tracer_provider, meter_provider, flush = _providers(exporter)
        instrumentor().instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
        return flush

    return setup


def openinference(client: Any, exporter: CountingExporter) -> Flush:
    from openinference.instrumentation import TraceConfig
    from openinference.instrumentation.openai import OpenAIInstrumentor

    tracer_provider, _, flush = _providers(exporter)
    config = TraceConfig(hide_inputs=True, hide_outputs=True)
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, config=config)
    return flush


def langfuse(client: Any, exporter: CountingExporter) -> Flush:
    from langfuse import Langfuse

    tracer_provider, _, _ = _providers(CountingExporter())
    lf = Langfuse(
        public_key="pk-lf-bench",
        secret_key="sk-lf-bench",
        base_url="http://127.0.0.1:9",
        span_exporter=exporter,
        tracer_provider=tracer_provider,
    )
    import langfuse.openai  # noqa: F401 - importing it wraps the openai resources

    flush: Flush = lf.flush
    return flush


def logfire(client: Any, exporter: CountingExporter) -> Flush:
    import logfire as lf

    lf.configure(
        send_to_logfire=False,
        console=False,
        additional_span_processors=[_batch(exporter)],
        inspect_arguments=False,
    )
    lf.instrument_openai(client)
    flush: Flush = lf.force_flush
    return flush


SETUPS: dict[str, Callable[[Any, CountingExporter], Flush]] = {
    "none": none,
    "harness": harness,
    "harness + lake": harness_lake,
    "harness + lake (before)": harness_lake_before,
    "bare OTel span (floor)": bare_span,
    "none (peer venv)": none,
    "official genai-openai": _otel_instrumentor("opentelemetry.instrumentation.genai.openai"),
    "official openai-v2": _otel_instrumentor("opentelemetry.instrumentation.openai_v2"),
    "OpenInference": openinference,
    "OpenLLMetry": _otel_instrumentor("opentelemetry.instrumentation.openai"),
    "Langfuse": langfuse,
    "Logfire": logfire,
}
