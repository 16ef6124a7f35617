"""``agent``: the ``invoke_agent {name}`` span around one run, as a context manager or a decorator."""

from __future__ import annotations

import contextvars
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind

from instrumentation import semconv
from instrumentation._agent._errors import AgentStopped
from instrumentation._agent._run import AgentRun
from instrumentation._agent._spans import end_timed_span
from instrumentation._catalogue import ToolCatalogue
from instrumentation._context import RunHooks, _agent_run
from instrumentation._decorate import each_call_inside
from instrumentation._setup import Telemetry, get_telemetry

P = ParamSpec("P")
R = TypeVar("R")


def current_agent_run() -> AgentRun | None:
    """The innermost agent run open in this context, so a decorated function can step or terminate it."""
    run = _agent_run.get()
    return run if isinstance(run, AgentRun) else None


@dataclass(slots=True)
class _Open:
    run: AgentRun
    span: Span
    telemetry: Telemetry
    started_at: float
    otel_token: object
    run_token: contextvars.Token[RunHooks | None]


class agent:  # noqa: N801 - reads as a keyword: `with agent("support-desk", max_steps=8) as run:`
    """Open an ``invoke_agent {name}`` INTERNAL span and yield an ``AgentRun``.

    Every LLM call and tool execution inside (also in threads started through our helpers and in
    asyncio children) is stamped with its step and rolled up onto the agent span. How the run ended
    is recorded as ``harness.agent.termination``; the app's exceptions pass through unchanged.
    """

    __slots__ = ("_options", "_stack", "_telemetry", "name")

    def __init__(
        self,
        name: str,
        *,
        max_steps: int | None = None,
        loop_threshold: int | None = 3,
        catalogue: ToolCatalogue | None = None,
        agent_id: str | None = None,
        version: str | None = None,
        description: str | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        if not name:
            raise ValueError("agent name must be a non-empty string")
        if loop_threshold is not None and loop_threshold < 2:
            raise ValueError("loop_threshold must be at least 2 (or None to disable loop detection)")
        self.name = name
        self._options: dict[str, Any] = {
            "max_steps": max_steps,
            "loop_threshold": loop_threshold,
            "catalogue": catalogue,
            "agent_id": agent_id,
            "version": version,
            "description": description,
        }
        self._telemetry = telemetry
        self._stack: list[_Open] = []

    def __enter__(self) -> AgentRun:
        telemetry = self._telemetry or get_telemetry()
        options = self._options
        run = AgentRun(
            self.name,
            max_steps=options["max_steps"],
            loop_threshold=options["loop_threshold"],
            catalogue=options["catalogue"],
            parent=current_agent_run(),
        )
        try:
            span = telemetry.tracer.start_span(
                semconv.SPAN_INVOKE_AGENT.format(name=self.name), kind=SpanKind.INTERNAL, attributes=self._attributes()
            )
        except Exception as err:  # noqa: BLE001 - the run goes on untraced rather than break the app
            telemetry.errors.report("agent.start", err)
            span = trace.INVALID_SPAN
        otel_token = otel_context.attach(trace.set_span_in_context(span))
        self._stack.append(_Open(run, span, telemetry, time.perf_counter(), otel_token, _agent_run.set(run)))
        return run

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        opened = self._stack.pop()
        try:
            _agent_run.reset(opened.run_token)
        except ValueError:  # exited in another context than it was entered in
            _agent_run.set(opened.run.parent)
        otel_context.detach(opened.otel_token)  # type: ignore[arg-type]
        try:
            self._finish(opened, exc)
        except Exception as err:  # noqa: BLE001 - telemetry must not break the app
            opened.telemetry.errors.report("agent.finish", err)

    def _attributes(self) -> dict[str, Any]:
        options = self._options
        attributes: dict[str, Any] = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_INVOKE_AGENT,
            semconv.GEN_AI_AGENT_NAME: self.name,
        }
        for key, option in (
            (semconv.GEN_AI_AGENT_ID, "agent_id"),
            (semconv.GEN_AI_AGENT_VERSION, "version"),
            (semconv.GEN_AI_AGENT_DESCRIPTION, "description"),
            (semconv.HARNESS_AGENT_MAX_STEPS, "max_steps"),
        ):
            if options[option] is not None:
                attributes[key] = options[option]
        return attributes

    def _finish(self, opened: _Open, exc: BaseException | None) -> None:
        run, span = opened.run, opened.span
        run.terminate(_termination(exc))  # keeps a reason set earlier by step(), the loop detector or the app
        termination = run.termination or semconv.TERMINATION_COMPLETED
        span.set_attributes(run.rollup_attributes())
        span.set_attribute(semconv.HARNESS_AGENT_TERMINATION, termination)
        metric_attributes = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_INVOKE_AGENT,
            semconv.GEN_AI_AGENT_NAME: self.name,
            semconv.HARNESS_AGENT_TERMINATION: termination,
        }
        instruments = opened.telemetry.instruments
        end_timed_span(
            span,
            exc,
            instruments=instruments,
            histogram=instruments.agent_duration,
            started_at=opened.started_at,
            metric_attributes=metric_attributes,
        )

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a sync or async function; each call is one run (concurrent calls do not share state)."""
        name, options, telemetry = self.name, self._options, self._telemetry

        return each_call_inside(fn, lambda args, kwargs: agent(name, telemetry=telemetry, **options))


def _termination(exc: BaseException | None) -> str:
    if exc is None:
        return semconv.TERMINATION_COMPLETED
    if isinstance(exc, AgentStopped):
        return exc.reason
    asyncio = sys.modules.get("asyncio")  # only a loaded asyncio can have cancelled the run: no import here
    if isinstance(exc, KeyboardInterrupt) or (asyncio is not None and isinstance(exc, asyncio.CancelledError)):
        return semconv.TERMINATION_CANCELLED
    if isinstance(exc, TimeoutError):
        return semconv.TERMINATION_TIMEOUT
    return semconv.TERMINATION_ERROR
