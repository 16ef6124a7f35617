"""Per-call cost of a bare OpenTelemetry span vs our manual LLM span (cost, feature, metrics).

Both run on the same TracerProvider with the same processors (our feature processor and our bounded
export processor into a discarding exporter), so the difference is what our API adds. The ``→ lake``
pair does the same on a second provider whose spans go to a temporary lake (the lake's own
processor, Parquet segments written): what the default configuration costs per call.
Run: python -m benchmarks.overhead
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence

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
    lake_home = tempfile.mkdtemp(prefix="harness-bench-")
    lake = instrumentation.configure(
        "bench", home=lake_home, metric_readers=[InMemoryMetricReader()], set_global=False, raise_internal_errors=True
    )
    telemetry = instrumentation.configure(
        "bench",
        exporters=["none"],
        span_exporters=[DiscardExporter()],
        metric_readers=[InMemoryMetricReader()],
        set_global=False,
        queue_size=1 << 16,
        raise_internal_errors=True,
    )
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

    def bare_on(t: instrumentation.Telemetry) -> Callable[[], None]:
        def bare() -> None:
            with t.tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT, attributes=attributes):
                pass

        return bare

    def ours_on(t: instrumentation.Telemetry) -> Callable[[], None]:
        def ours() -> None:
            with instrumentation.llm_call("gpt-4o", provider="openai", telemetry=t) as call:
                call.record_usage(1000, 200, cache_read_tokens=400, reasoning_tokens=50)
                call.set_response(model="gpt-4o-2024-08-06", finish_reasons=["stop"])

        return ours

    variants = {
        "bare": bare_on(telemetry),
        "ours": ours_on(telemetry),
        "bare_lake": bare_on(lake),
        "ours_lake": ours_on(lake),
    }
    with instrumentation.feature("ticket-summary"):
        results = paired_us(variants)
    telemetry.shutdown()
    lake.shutdown()
    written, dropped = lake.lake_exporter.written_spans, lake.lake_exporter.dropped_spans  # type: ignore[union-attr]
    ratio, lake_ratio = results["ours"] / results["bare"], results["ours_lake"] / results["bare_lake"]
    print_table(
        "Per-call overhead: bare OTel span (8 attributes) vs instrumentation.llm_call (usage, cost, feature, metrics)",
        ("variant", "us/call", "ratio", "target"),
        [
            ("bare OTel SDK span", f"{results['bare']:.1f}", "1.00", ""),
            ("llm_call", f"{results['ours']:.1f}", f"{ratio:.2f}", f"<= {TARGET_RATIO}"),
            ("bare OTel SDK span → lake", f"{results['bare_lake']:.1f}", "1.00", ""),
            ("llm_call → lake", f"{results['ours_lake']:.1f}", f"{lake_ratio:.2f}", f"<= {TARGET_RATIO}"),
        ],
    )
    print(f"\nlake: {written:,} spans written, {dropped:,} dropped (counted); wall clock per call, alternating rounds")
    return {
        "bare_us": results["bare"],
        "ours_us": results["ours"],
        "ratio": ratio,
        **{"bare_lake_us": results["bare_lake"], "ours_lake_us": results["ours_lake"], "lake_ratio": lake_ratio},
    }


if __name__ == "__main__":
    main()
