"""The metric instruments, created once per meter, with the conventions' names and units."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from opentelemetry.metrics import CallbackOptions, Counter, Histogram, Meter, Observation

from instrumentation import semconv

_DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)


_USAGE_COUNTERS = (
    (semconv.METRIC_USAGE_INPUT_TOKENS, "{token}", "Input tokens, cache reads and writes included"),
    (semconv.METRIC_USAGE_OUTPUT_TOKENS, "{token}", "Output tokens, reasoning included"),
    (semconv.METRIC_USAGE_CACHE_READ_TOKENS, "{token}", "Input tokens read from the provider's cache"),
    (semconv.METRIC_USAGE_CACHE_WRITE_TOKENS, "{token}", "Input tokens written to the provider's cache"),
    (semconv.METRIC_USAGE_REASONING_TOKENS, "{token}", "Output tokens spent on reasoning"),
    (semconv.METRIC_CLIENT_COST, "USD", "Inference cost"),
)

AttributeKey = tuple[tuple[str, Any], ...]


class UsageSums:
    """Cumulative token and cost sums per attribute set, reported by observable counters.

    The hot path is one dict update under a lock; the SDK's per-measurement attribute
    cleaning and hashing happen once per collection instead of once per call.
    """

    def __init__(self) -> None:
        self._sums: dict[AttributeKey, list[float]] = {}
        self._lock = threading.Lock()

    def add(self, key: AttributeKey, values: tuple[float, float, float, float, float, float]) -> None:
        with self._lock:
            sums = self._sums.get(key)
            if sums is None:
                self._sums[key] = list(values)
                return
            for index, value in enumerate(values):
                sums[index] += value

    def observe(self, index: int) -> Iterator[Observation]:
        with self._lock:
            items = [(key, sums[index]) for key, sums in self._sums.items()]
        for key, value in items:
            yield Observation(value, dict(key))

    def register(self, meter: Meter) -> None:
        for index, (name, unit, description) in enumerate(_USAGE_COUNTERS):
            meter.create_observable_counter(name, callbacks=[self._callback(index)], unit=unit, description=description)

    def _callback(self, index: int) -> Any:
        def callback(options: CallbackOptions) -> Iterator[Observation]:
            return self.observe(index)

        return callback


class DeferredRecords:
    """Histogram measurements queued on the hot path and recorded at the next collection.

    ``defer`` is one bounded deque append. A callback of an observable instrument drains the
    queue into the real histograms when a reader collects (the SDK runs observable callbacks
    before it reads the synchronous storages, so the values land in that same collection).
    Without a reader the queue keeps only the newest ``maxlen`` measurements.
    """

    def __init__(self, maxlen: int = 65_536) -> None:
        self._queue: deque[tuple[Histogram, float, AttributeKey]] = deque(maxlen=maxlen)

    def defer(self, histogram: Histogram, value: float, key: AttributeKey) -> None:
        self._queue.append((histogram, value, key))

    def drain(self) -> None:
        queue = self._queue
        while queue:
            try:
                histogram, value, key = queue.popleft()
            except IndexError:
                return
            histogram.record(value, dict(key))

    def register(self, meter: Meter) -> None:
        def callback(options: CallbackOptions) -> Iterator[Observation]:
            self.drain()
            return iter(())

        meter.create_observable_gauge(semconv.METRIC_DEFERRED_DRAIN, callbacks=[callback], unit="1")


def _seconds_histogram(meter: Meter, name: str, description: str) -> Histogram:
    return meter.create_histogram(
        name, unit="s", description=description, explicit_bucket_boundaries_advisory=_DURATION_BUCKETS
    )


@dataclass(frozen=True, slots=True)
class Instruments:
    usage: UsageSums
    deferred: DeferredRecords
    operation_duration: Histogram
    time_to_first_chunk: Histogram
    cost_unknown_model: Counter
    tool_duration: Histogram
    agent_duration: Histogram
    tool_unlisted: Counter

    @classmethod
    def create(cls, meter: Meter) -> Instruments:
        usage = UsageSums()
        usage.register(meter)
        deferred = DeferredRecords()
        deferred.register(meter)
        return cls(
            usage=usage,
            deferred=deferred,
            operation_duration=_seconds_histogram(
                meter, semconv.METRIC_CLIENT_OPERATION_DURATION, "GenAI operation duration"
            ),
            time_to_first_chunk=_seconds_histogram(
                meter, semconv.METRIC_CLIENT_TIME_TO_FIRST_CHUNK, "Time to the first streamed chunk"
            ),
            cost_unknown_model=meter.create_counter(
                semconv.METRIC_COST_UNKNOWN_MODEL,
                unit="{call}",
                description="Calls whose cost could not be computed",
            ),
            tool_duration=_seconds_histogram(meter, semconv.METRIC_EXECUTE_TOOL_DURATION, "Tool execution duration"),
            agent_duration=_seconds_histogram(meter, semconv.METRIC_INVOKE_AGENT_DURATION, "Agent invocation duration"),
            tool_unlisted=meter.create_counter(
                semconv.METRIC_TOOL_UNLISTED,
                unit="{call}",
                description="Tool calls outside the governed catalogue",
            ),
        )
