"""Per-call cost of a bare OpenTelemetry span vs our manual LLM span (cost, feature, metrics).

Both run on the same TracerProvider with the same processors (our feature processor and a
BatchSpanProcessor into a discarding exporter), so the difference is what our API adds.
Run: python -m benchmarks.overhead
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind

import instrumentation
from benchmarks._timing import paired_us, print_table
from instrumentation import semconv

TARGET_RATIO = 1.6


class DiscardExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def main() -> dict[str, float]:
    telemetry = instrumentation.configure(
        "bench",
        exporters=["none"],
        span_exporters=[DiscardExporter()],
        metric_readers=[InMemoryMetricReader()],
        set_global=False,
        queue_size=1 << 16,
        raise_internal_errors=True,
    )
    tracer = telemetry.tracer
    attributes = {
        semconv.GEN_AI_OPERATION_NAME: "chat",
        semconv.GEN_AI_PROVIDER_NAME: "openai",
        semconv.GEN_AI_REQUEST_MODEL: "gpt-4o",
        semconv.GEN_AI_RESPONSE_MODEL: "gpt-4o-2024-08-06",
        semconv.GEN_AI_USAGE_INPUT_TOKENS: 1000,
        semconv.GEN_AI_USAGE_OUTPUT_TOKENS: 200,
        semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: 400,
        semconv.GEN_AI_RESPONSE_FINISH_REASONS: ("stop",),
    }

    def bare() -> None:
        with tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT, attributes=attributes):
            pass

    def ours() -> None:
        with instrumentation.llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:
            call.record_usage(1000, 200, cache_read_tokens=400, reasoning_tokens=50)
            call.set_response(model="gpt-4o-2024-08-06", finish_reasons=["stop"])

    with instrumentation.feature("ticket-summary"):
        results = paired_us({"bare": bare, "ours": ours})
    telemetry.shutdown()
    ratio = results["ours"] / results["bare"]
    print_table(
        "Per-call overhead: bare OTel span (8 attributes) vs instrumentation.llm_call (usage, cost, feature, metrics)",
        ("variant", "us/call", "ratio", "target"),
        [
            ("bare OTel SDK span", f"{results['bare']:.1f}", "1.00", ""),
            ("llm_call", f"{results['ours']:.1f}", f"{ratio:.2f}", f"<= {TARGET_RATIO}"),
        ],
    )
    return {"bare_us": results["bare"], "ours_us": results["ours"], "ratio": ratio}


if __name__ == "__main__":
    main()
