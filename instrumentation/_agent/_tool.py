"""``tool``: the ``execute_tool {name}`` span around one tool execution, governed by the catalogue."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind

from instrumentation import semconv
from instrumentation._agent._errors import AgentStopped, ToolNotAllowedError
from instrumentation._agent._invoke import current_agent_run
from instrumentation._agent._run import AgentRun
from instrumentation._agent._spans import end_timed_span
from instrumentation._catalogue import ToolCatalogue
from instrumentation._decorate import each_call_inside
from instrumentation._setup import Telemetry, get_telemetry

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(slots=True)
class ToolCall:
    """Yielded by ``instrumentation.tool``; ``set_result`` records the result when content capture is on."""

    name: str
    call_id: str | None
    span: Span
    telemetry: Telemetry
    started_at: float
    otel_token: object = None

    def set_result(self, result: object) -> None:
        handler = self.telemetry.handler
        text = handler.content_text(result) if handler.capture_content else None
        if text is not None:
            self.span.set_attribute(semconv.GEN_AI_TOOL_CALL_RESULT, text)


class tool:  # noqa: N801 - reads as a keyword: `with tool("search_kb", call_id=call.id, arguments=args):`
    """Open an ``execute_tool {name}`` INTERNAL span, linked to the inference span that requested ``call_id``.

    Inside an agent run the call is counted, stamped with its step and checked by the loop detector
    (which compares ``arguments``); against a catalogue a tool outside it is flagged or refused
    (``ToolNotAllowedError``, raised before the tool runs).
    """

    __slots__ = ("_catalogue", "_stack", "_telemetry", "arguments", "call_id", "name", "tool_type")

    def __init__(
        self,
        name: str,
        *,
        call_id: str | None = None,
        arguments: object = None,
        tool_type: str | None = None,
        catalogue: ToolCatalogue | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.name = name
        self.call_id = call_id
        self.arguments = arguments
        self.tool_type = tool_type
        self._catalogue = catalogue
        self._telemetry = telemetry
        self._stack: list[ToolCall] = []

    def __enter__(self) -> ToolCall:
        telemetry = self._telemetry or get_telemetry()
        run = current_agent_run()
        attributes: dict[str, Any] = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL,
            semconv.GEN_AI_TOOL_NAME: self.name,
        }
        if self.call_id is not None:
            attributes[semconv.GEN_AI_TOOL_CALL_ID] = self.call_id
        if self.tool_type is not None:
            attributes[semconv.GEN_AI_TOOL_TYPE] = self.tool_type
        if self.arguments is not None and telemetry.handler.capture_content:
            text = telemetry.handler.content_text(self.arguments)
            if text is not None:
                attributes[semconv.GEN_AI_TOOL_CALL_ARGUMENTS] = text
        refusal = self._govern(attributes, telemetry, run)
        requester = run.requester_of(self.call_id) if run is not None and self.call_id is not None else None
        try:
            span = telemetry.tracer.start_span(
                semconv.SPAN_EXECUTE_TOOL.format(name=self.name),
                kind=SpanKind.INTERNAL,
                attributes=attributes,
                links=(Link(requester),) if requester is not None else None,
            )
        except Exception as err:  # noqa: BLE001 - the tool runs untraced rather than break the app
            telemetry.errors.report("tool.start", err)
            span = trace.INVALID_SPAN
        call = ToolCall(self.name, self.call_id, span, telemetry, time.perf_counter())
        if run is not None:
            run.record_tool()
            refusal = refusal or self._check_loop(run)
        if refusal is not None:
            self._end(call, refusal)
            raise refusal
        call.otel_token = otel_context.attach(trace.set_span_in_context(span))
        self._stack.append(call)
        return call

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        call = self._stack.pop()
        otel_context.detach(call.otel_token)  # type: ignore[arg-type]
        try:
            self._end(call, exc)
        except Exception as err:  # noqa: BLE001 - telemetry must not break the app
            call.telemetry.errors.report("tool.finish", err)

    def _govern(self, attributes: dict[str, Any], telemetry: Telemetry, run: AgentRun | None) -> Exception | None:
        catalogue = self._catalogue or (run.catalogue if run is not None else None)
        if catalogue is None:
            return None
        entry = catalogue.lookup(self.name)
        if entry is not None:
            attributes[semconv.HARNESS_TOOL_ALLOWED] = True
            attributes[semconv.HARNESS_TOOL_OWNER] = entry.owner
            return None
        attributes[semconv.HARNESS_TOOL_ALLOWED] = False
        attributes[semconv.HARNESS_TOOL_POLICY] = catalogue.policy
        attributes[semconv.HARNESS_TOOL_CATALOGUE] = catalogue.source
        telemetry.instruments.tool_unlisted.add(
            1, {semconv.GEN_AI_TOOL_NAME: self.name, semconv.HARNESS_TOOL_POLICY: catalogue.policy}
        )
        if catalogue.policy == semconv.TOOL_POLICY_REFUSE:
            return ToolNotAllowedError(self.name, catalogue.source)
        return None

    def _check_loop(self, run: AgentRun) -> AgentStopped | None:
        if self.arguments is None:
            return None
        try:
            run.check_loop(self.name, self.arguments)
        except AgentStopped as stop:
            return stop
        return None

    def _end(self, call: ToolCall, exc: BaseException | None) -> None:
        span = call.span
        metric_attributes = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL,
            semconv.GEN_AI_TOOL_NAME: self.name,
        }
        instruments = call.telemetry.instruments
        end_timed_span(
            span,
            exc,
            instruments=instruments,
            histogram=instruments.tool_duration,
            started_at=call.started_at,
            metric_attributes=metric_attributes,
        )

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a tool function; its keyword arguments feed the loop detector."""
        name, tool_type, catalogue, telemetry = self.name, self.tool_type, self._catalogue, self._telemetry

        def fresh(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tool:
            arguments = {**kwargs, "*args": list(args)} if args else kwargs
            return tool(name, arguments=arguments, tool_type=tool_type, catalogue=catalogue, telemetry=telemetry)

        return each_call_inside(fn, fresh)
