"""Per-span cost of a bare OpenTelemetry span vs our tool span, inside and outside an agent run.

All variants run on the same TracerProvider with the same processors (our feature/step processor
and our bounded export processor into a discarding exporter), so the difference is what our API adds:
the run lookup, step stamp, requester link, loop detector, catalogue check, roll-up and the
deferred duration histogram. Run: python -m benchmarks.agent
"""

from __future__ import annotations

import itertools

from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.trace import SpanKind

import instrumentation
from benchmarks._timing import per_call_us, print_table
from benchmarks.overhead import DiscardExporter
from instrumentation import semconv

TARGET_RATIO = 1.6


def main() -> dict[str, float]:
    reader = InMemoryMetricReader()
    telemetry = instrumentation.configure(
        "bench",
        exporters=["none"],
        span_exporters=[DiscardExporter()],
        metric_readers=[reader],
        set_global=False,
        queue_size=1 << 16,
        raise_internal_errors=True,
    )
    tracer = telemetry.tracer
    catalogue = instrumentation.ToolCatalogue.from_mapping({"tools": {"search_kb": {"owner": "support"}}})
    bare_attributes = {
        semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL,
        semconv.GEN_AI_TOOL_NAME: "search_kb",
        semconv.GEN_AI_TOOL_CALL_ID: "call_1",
    }
    counter = itertools.count()

    def bare() -> None:
        with tracer.start_as_current_span("execute_tool search_kb", kind=SpanKind.INTERNAL, attributes=bare_attributes):
            pass

    def ours() -> None:
        with instrumentation.tool("search_kb", call_id="call_1", telemetry=telemetry):
            pass

    def ours_governed() -> None:  # distinct arguments each call so the loop detector never fires
        arguments = {"query": next(counter)}
        with instrumentation.tool("search_kb", call_id="call_1", arguments=arguments, telemetry=telemetry):
            pass

    results: dict[str, float] = {}
    with (
        instrumentation.feature("support-answer"),
        instrumentation.agent("bench", catalogue=catalogue, loop_threshold=None, telemetry=telemetry) as run,
    ):
        run.step()
        for _ in range(2):  # interleave to share the machine's noise
            results["bare"] = per_call_us(bare)
            results["tool"] = per_call_us(ours)
            results["tool_governed"] = per_call_us(ours_governed)
            reader.collect()  # drain the deferred histograms outside the timed loops
    with instrumentation.agent("bench-loop", loop_threshold=3, telemetry=telemetry) as run:
        run.step()
        results["tool_loop_check"] = per_call_us(ours_governed, loops=2000)
    telemetry.shutdown()
    rows = [("bare OTel SDK span (3 attributes)", f"{results['bare']:.1f}", "1.00", "")]
    for key, label in (
        ("tool", "instrumentation.tool in an agent run (step, catalogue, roll-up, metric)"),
        ("tool_governed", "  + arguments, loop detector off"),
        ("tool_loop_check", "  + arguments, loop detector on (canonical JSON per call)"),
    ):
        ratio = results[key] / results["bare"]
        results[f"{key}_ratio"] = ratio
        rows.append((label, f"{results[key]:.1f}", f"{ratio:.2f}", f"<= {TARGET_RATIO}" if key == "tool" else ""))
    print_table("Per-span overhead of a tool span", ("variant", "us/span", "ratio", "target"), rows)
    return results


if __name__ == "__main__":
    main()
