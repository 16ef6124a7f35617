"""What a case did, read from its spans: tools used, steps, termination, cost, latency.

Spans come from the runner's in-memory capture (keyed by trace id) or from the lake; both are
reduced to ``(name, attributes)`` pairs so one extraction serves both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from evals._store.queries import fetch_lake
from instrumentation import semconv


@dataclass(slots=True)
class Trajectory:
    """The case's trajectory; ``steps`` and ``termination`` are None when the app did not report them."""

    tools: list[str] = field(default_factory=list)
    steps: int | None = None
    termination: str | None = None
    llm_calls: int = 0
    cost: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "tools": self.tools,
            "steps": self.steps,
            "termination": self.termination,
            "llm_calls": self.llm_calls,
            "cost": self.cost,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trajectory:
        return cls(
            tools=list(data.get("tools") or []),
            steps=data.get("steps"),
            termination=data.get("termination"),
            llm_calls=int(data.get("llm_calls") or 0),
            cost=data.get("cost"),
        )


def trajectory_of(spans: Iterable[tuple[str, Mapping[str, Any]]]) -> Trajectory:
    """Reduce a case's spans (name, attributes) to its trajectory. Lake values are strings; both work."""
    out = Trajectory()
    cost = 0.0
    priced = False
    for _name, attrs in spans:
        operation = attrs.get(semconv.GEN_AI_OPERATION_NAME)
        if operation == semconv.OP_EXECUTE_TOOL and attrs.get(semconv.GEN_AI_TOOL_NAME):
            out.tools.append(str(attrs[semconv.GEN_AI_TOOL_NAME]))
        elif operation in semconv.INFERENCE_OPERATIONS:
            out.llm_calls += 1
        if attrs.get(semconv.GEN_AI_USAGE_COST_AMOUNT) is not None:
            cost += float(attrs[semconv.GEN_AI_USAGE_COST_AMOUNT])
            priced = True
        if attrs.get(semconv.HARNESS_AGENT_ROLLUP_STEPS) is not None:
            out.steps = int(attrs[semconv.HARNESS_AGENT_ROLLUP_STEPS])
        if attrs.get(semconv.HARNESS_AGENT_TERMINATION) is not None:
            out.termination = str(attrs[semconv.HARNESS_AGENT_TERMINATION])
    if out.steps is None and out.llm_calls:
        out.steps = out.llm_calls
    out.cost = cost if priced else None
    return out


class SpanCapture(SpanProcessor):
    """Keeps the finished spans of the traces the runner is watching, keyed by trace id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._traces: dict[int, list[ReadableSpan]] = {}

    def watch(self, trace_id: int) -> None:
        with self._lock:
            self._traces[trace_id] = []

    def take(self, trace_id: int) -> list[ReadableSpan]:
        """The spans finished so far in the trace; stops watching it."""
        with self._lock:
            return self._traces.pop(trace_id, [])

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        context = span.context
        if context is None:
            return
        with self._lock:
            spans = self._traces.get(context.trace_id)
            if spans is not None:
                spans.append(span)

    def shutdown(self) -> None:
        with self._lock:
            self._traces.clear()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def span_pairs(spans: Iterable[ReadableSpan]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(span.name, span.attributes or {}) for span in spans]


def lake_span_pairs(lake_dir: Path, trace_id: str) -> list[tuple[str, Mapping[str, Any]]]:
    """A trace's spans from the lake (DuckDB over the Parquet segments), oldest first."""
    rows = fetch_lake("trace_spans", lake_dir, {"trace_id": trace_id})
    return [(name, dict(zip(keys, values, strict=True))) for name, keys, values in rows]
