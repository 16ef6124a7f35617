"""The state of one agent run: its step, roll-up counters, loop detector and requested tool calls.

Inference calls and tool executions anywhere below the run (threads started through our helpers,
``asyncio.gather`` and ``TaskGroup`` children) find the run through a ContextVar and add to it under
a lock; the agent span receives the totals when it ends. Nested runs also feed their ancestors, so
every agent span carries the roll-up of its whole subtree.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import Span, SpanContext

from instrumentation import semconv
from instrumentation._catalogue import ToolCatalogue
from instrumentation.errors import LoopDetected, MaxStepsExceeded

if TYPE_CHECKING:
    from instrumentation._spans import InferenceSpan

_MAX_REMEMBERED_CALLS = 256


class AgentRun:
    """Yielded by ``instrumentation.agent``: number steps with ``step()``, end early with ``terminate()``."""

    def __init__(
        self,
        name: str,
        *,
        max_steps: int | None,
        loop_threshold: int | None,
        catalogue: ToolCatalogue | None,
        parent: AgentRun | None,
    ) -> None:
        self.name = name
        self.max_steps = max_steps
        self.loop_threshold = loop_threshold
        self.catalogue: ToolCatalogue | None = catalogue or (parent.catalogue if parent is not None else None)
        self.parent = parent
        self.current_step = 0
        self.termination: str | None = None
        self.llm_calls = 0
        self.tool_calls = 0
        self.retries = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost: float | None = None
        self._lock = threading.Lock()
        self._seen_calls: Counter[tuple[str, str]] = Counter()
        self._requesters: dict[str, SpanContext] = {}

    def step(self) -> int:
        """Start the next step and return its number (from 1); past ``max_steps`` raise ``MaxStepsExceeded``."""
        with self._lock:
            self.current_step += 1
            number = self.current_step
        if self.max_steps is not None and number > self.max_steps:
            self.terminate(semconv.TERMINATION_MAX_STEPS)
            raise MaxStepsExceeded(self.name, self.max_steps)
        return number

    def terminate(self, reason: str) -> None:
        """Record how the run ended (the first reason given wins); the agent span ends when its block exits."""
        if reason not in semconv.AGENT_TERMINATIONS:
            raise ValueError(f"termination reason must be one of {semconv.AGENT_TERMINATIONS}, got {reason!r}")
        with self._lock:  # tools in threads may stop the run at the same moment
            if self.termination is None:
                self.termination = reason

    # --- fed by spans below the run -------------------------------------------------------------------

    def stamp(self, span: Span) -> None:
        if self.current_step:
            span.set_attribute(semconv.HARNESS_AGENT_STEP, self.current_step)

    def record_llm(self, inference: InferenceSpan, span: Span, counted: bool) -> None:
        """Roll one finished inference call up (called by the handler); nested duplicates count once."""
        outermost = inference.parent is None
        call, cost = inference.record, inference.cost
        requested = [(call_id, span.get_span_context()) for _, call_id in call.tool_calls or ()]
        run: AgentRun | None = self
        while run is not None:
            with run._lock:
                run.llm_calls += outermost
                run.retries += max(call.attempts - 1, 0)
                if counted:
                    run.input_tokens += call.input_tokens or 0
                    run.output_tokens += call.output_tokens or 0
                    if cost is not None:
                        run.cost = (run.cost or 0.0) + cost
                run._remember_requesters(requested)
            run = run.parent

    def record_tool(self) -> None:
        run: AgentRun | None = self
        while run is not None:
            with run._lock:
                run.tool_calls += 1
            run = run.parent

    def requester_of(self, call_id: str) -> SpanContext | None:
        """The inference span that asked for this tool call, if it ran inside this run."""
        with self._lock:
            return self._requesters.get(call_id)

    def check_loop(self, tool_name: str, arguments: object) -> None:
        """Count this call; the ``loop_threshold``-th identical call raises ``LoopDetected`` (it does not run)."""
        if self.loop_threshold is None:
            return
        key = (tool_name, _canonical(arguments))
        with self._lock:
            self._seen_calls[key] += 1
            seen = self._seen_calls[key]
        if seen >= self.loop_threshold:
            self.terminate(semconv.TERMINATION_LOOP_DETECTED)
            raise LoopDetected(self.name, tool_name, seen)

    def rollup_attributes(self) -> dict[str, Any]:
        with self._lock:
            attributes: dict[str, Any] = {
                semconv.HARNESS_AGENT_ROLLUP_STEPS: self.current_step,
                semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS: self.llm_calls,
                semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS: self.tool_calls,
                semconv.HARNESS_AGENT_ROLLUP_RETRIES: self.retries,
                semconv.HARNESS_AGENT_ROLLUP_INPUT_TOKENS: self.input_tokens,
                semconv.HARNESS_AGENT_ROLLUP_OUTPUT_TOKENS: self.output_tokens,
            }
            if self.cost is not None:  # absent, never a silent 0, when no call could be priced
                attributes[semconv.HARNESS_AGENT_ROLLUP_COST_AMOUNT] = self.cost
        return attributes

    def _remember_requesters(self, requested: list[tuple[str, SpanContext]]) -> None:
        for call_id, span_context in requested:
            if len(self._requesters) >= _MAX_REMEMBERED_CALLS:
                self._requesters.pop(next(iter(self._requesters)))
            self._requesters[call_id] = span_context


def _canonical(arguments: object) -> str:
    """One spelling per argument set: JSON text from a model and the dict it parses to compare equal."""
    if isinstance(arguments, str | bytes):
        text = arguments if isinstance(arguments, str) else arguments.decode(errors="replace")
        try:
            arguments = json.loads(text)
        except ValueError:
            return text
    try:
        return json.dumps(arguments, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return repr(arguments)
