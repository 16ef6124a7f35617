"""The metric instruments, created once per meter, with the conventions' names and units."""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry.metrics import Counter, Histogram, Meter

from instrumentation import semconv

_DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
_TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304)


@dataclass(frozen=True, slots=True)
class Instruments:
    token_usage: Histogram
    operation_duration: Histogram
    time_to_first_chunk: Histogram
    cost: Counter
    cost_unknown_model: Counter
    tool_duration: Histogram
    agent_duration: Histogram
    tool_unlisted: Counter

    @classmethod
    def create(cls, meter: Meter) -> Instruments:
        return cls(
            token_usage=meter.create_histogram(
                semconv.METRIC_CLIENT_TOKEN_USAGE,
                unit="{token}",
                description="Tokens used per operation",
                explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
            ),
            operation_duration=meter.create_histogram(
                semconv.METRIC_CLIENT_OPERATION_DURATION,
                unit="s",
                description="GenAI operation duration",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
            ),
            time_to_first_chunk=meter.create_histogram(
                semconv.METRIC_CLIENT_TIME_TO_FIRST_CHUNK,
                unit="s",
                description="Time to the first streamed chunk",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
            ),
            cost=meter.create_counter(semconv.METRIC_CLIENT_COST, unit="USD", description="Inference cost"),
            cost_unknown_model=meter.create_counter(
                semconv.METRIC_COST_UNKNOWN_MODEL,
                unit="{call}",
                description="Calls whose cost could not be computed",
            ),
            tool_duration=meter.create_histogram(
                semconv.METRIC_EXECUTE_TOOL_DURATION,
                unit="s",
                description="Tool execution duration",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
            ),
            agent_duration=meter.create_histogram(
                semconv.METRIC_INVOKE_AGENT_DURATION,
                unit="s",
                description="Agent invocation duration",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
            ),
            tool_unlisted=meter.create_counter(
                semconv.METRIC_TOOL_UNLISTED,
                unit="{call}",
                description="Tool calls outside the governed catalogue",
            ),
        )
