"""How each variant is switched on; each returns a ``flush`` for the end of the run.

Peers get an SDK TracerProvider with a BatchSpanProcessor to a counting, discarding exporter and
(where they emit metrics) a MeterProvider with an in-memory reader; content capture is off where the
library offers it. Imports are inside each setup: a process imports only its own variant.
"""

from __future__ import annotations

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


def _providers(exporter: CountingExporter) -> tuple[Any, Any, Flush]:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
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


def official_genai(client: Any, exporter: CountingExporter) -> Flush:
    from opentelemetry.instrumentation.genai.openai import OpenAIInstrumentor

    tracer_provider, meter_provider, flush = _providers(exporter)
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    return flush


def official_v2(client: Any, exporter: CountingExporter) -> Flush:
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    tracer_provider, meter_provider, flush = _providers(exporter)
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    return flush


def openinference(client: Any, exporter: CountingExporter) -> Flush:
    from openinference.instrumentation import TraceConfig
    from openinference.instrumentation.openai import OpenAIInstrumentor

    tracer_provider, _, flush = _providers(exporter)
    config = TraceConfig(hide_inputs=True, hide_outputs=True)
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, config=config)
    return flush


def openllmetry(client: Any, exporter: CountingExporter) -> Flush:
    from opentelemetry.instrumentation.openai import OpenAIInstrumentor

    tracer_provider, meter_provider, flush = _providers(exporter)
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
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
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    lf.configure(
        send_to_logfire=False,
        console=False,
        additional_span_processors=[BatchSpanProcessor(exporter)],
        inspect_arguments=False,
    )
    lf.instrument_openai(client)
    flush: Flush = lf.force_flush
    return flush


SETUPS: dict[str, Callable[[Any, CountingExporter], Flush]] = {
    "none": none,
    "harness": harness,
    "none (peer venv)": none,
    "official genai-openai": official_genai,
    "official openai-v2": official_v2,
    "OpenInference": openinference,
    "OpenLLMetry": openllmetry,
    "Langfuse": langfuse,
    "Logfire": logfire,
}
