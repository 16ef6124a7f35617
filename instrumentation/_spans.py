"""The handler's private state of each kind of open span: one small type per kind.

``TelemetryHandler`` runs every lifecycle the same way (start the span, make it current, end it
exactly once with its status, record its duration); a kind only says what differs: its name and
start attributes, the context it makes current besides the span, what it adds when it ends, and
its metrics. The records the app fills in (``LLMInvocation``, ``AgentRun``, ``ToolCall``) hold no
span, token or counter of ours.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from opentelemetry.trace import Link, Span, SpanKind

from instrumentation import semconv
from instrumentation._context import RunHooks, _agent_run
from instrumentation._records import LLMInvocation
from instrumentation.errors import AgentStopped

if TYPE_CHECKING:
    from instrumentation._agent._run import AgentRun
    from instrumentation._agent._tool import ToolCall
    from instrumentation._handler import TelemetryHandler

Error = BaseException | str | None


class OpenSpan:
    """One span the handler has open: what it needs to end it exactly once."""

    __slots__ = ("_otel_token", "handler", "links", "name", "span", "started_at")
    kind: ClassVar[SpanKind] = SpanKind.INTERNAL
    #: where an internal error is counted (``<where>.start``, ``<where>.finish``)
    where: ClassVar[str] = "span"

    def __init__(self, name: str, links: Sequence[Link] | None = None) -> None:
        self.name = name
        self.links = links
        self.handler: TelemetryHandler | None = None  # the handler that opened it (set by ``start``)
        self.span: Span | None = None
        self.started_at = 0.0
        self._otel_token: object = None

    def start_attributes(self, handler: TelemetryHandler) -> dict[str, Any]:
        return {}

    def enter(self) -> None:
        """Make the kind's own context current, once the span is."""

    def leave(self) -> None:
        """Undo ``enter``."""

    def error_type(self, error: Error) -> str | None:
        if error is None:
            return None
        return error if isinstance(error, str) else type(error).__qualname__

    def end_attributes(self, handler: TelemetryHandler, error: Error) -> dict[str, Any]:
        return {}

    def record_metrics(self, handler: TelemetryHandler, duration: float, error_type: str | None) -> None:
        """Queue the span's metrics (after it ended)."""

    def ended(self, handler: TelemetryHandler, span: Span) -> None:
        """After the span ended: feed whatever rolls it up."""


_active: contextvars.ContextVar[InferenceSpan | None] = contextvars.ContextVar("harness_llm", default=None)


def active_inference() -> InferenceSpan | None:
    """The innermost inference call open in this context, if any."""
    return _active.get()


class InferenceSpan(OpenSpan):
    """An inference call's ``chat {model}`` CLIENT span: its record, the call it nests in, its attempt counters."""

    __slots__ = ("_active_token", "attempt_ended_at", "cost", "counted", "inner_recorded", "parent", "record")
    kind = SpanKind.CLIENT
    where = "llm"

    def __init__(self, record: LLMInvocation) -> None:
        super().__init__(f"{record.operation} {record.request_model}")
        self.record = record
        self.parent: InferenceSpan | None = None
        self.inner_recorded = False  # a call nested in this one recorded the usage
        self.counted = False
        self.cost: float | None = None
        self.attempt_ended_at: float | None = None
        self._active_token: contextvars.Token[InferenceSpan | None] | None = None

    def start_attributes(self, handler: TelemetryHandler) -> dict[str, Any]:
        inv = self.record
        attributes: dict[str, Any] = {
            semconv.GEN_AI_OPERATION_NAME: inv.operation,
            semconv.GEN_AI_PROVIDER_NAME: inv.provider,
            semconv.GEN_AI_REQUEST_MODEL: inv.request_model,
        }
        if inv.server_address:
            attributes[semconv.SERVER_ADDRESS] = inv.server_address
            if inv.server_port:
                attributes[semconv.SERVER_PORT] = inv.server_port
        if inv.stream:
            attributes[semconv.GEN_AI_REQUEST_STREAM] = True
        if inv.prompt_name:
            attributes[semconv.GEN_AI_PROMPT_NAME] = inv.prompt_name
        if inv.prompt_version:
            attributes[semconv.GEN_AI_PROMPT_VERSION] = inv.prompt_version
        if inv.request_attributes:
            attributes.update(inv.request_attributes)
        return attributes

    def enter(self) -> None:
        self.record.started_at = self.started_at
        self.parent = _active.get()
        self._active_token = _active.set(self)

    def leave(self) -> None:
        if self._active_token is None:
            return
        try:
            _active.reset(self._active_token)
        except ValueError:  # ended in another context (a stream consumed elsewhere)
            _active.set(self.parent)
        self._active_token = None

    def error_type(self, error: Error) -> str | None:
        record = self.record
        if record.error_type is None and error is not None:
            record.error_type = error if isinstance(error, str) else type(error).__qualname__
        return record.error_type

    def end_attributes(self, handler: TelemetryHandler, error: Error) -> dict[str, Any]:
        return handler.inference_end_attributes(self)

    def record_metrics(self, handler: TelemetryHandler, duration: float, error_type: str | None) -> None:
        handler.inference_metrics(self, duration)

    def ended(self, handler: TelemetryHandler, span: Span) -> None:
        run = _agent_run.get()
        if run is not None:  # the agent run in context rolls the call up onto its span
            run.record_llm(self, span, self.counted)

    def usage_counted(self) -> bool:
        """Usage and cost are recorded once: on the innermost span that saw them."""
        if self.inner_recorded:
            return False
        if self.parent is not None and self.record.input_tokens is not None:
            self.parent.inner_recorded = True
        return True


class AgentSpan(OpenSpan):
    """An ``invoke_agent {name}`` INTERNAL span: the run it makes current, its termination and roll-ups."""

    __slots__ = ("_attributes", "_run_token", "run")
    where = "agent"

    def __init__(self, run: AgentRun, attributes: dict[str, Any]) -> None:
        super().__init__(semconv.SPAN_INVOKE_AGENT.format(name=run.name))
        self.run = run
        self._attributes = attributes
        self._run_token: contextvars.Token[RunHooks | None] | None = None

    def start_attributes(self, handler: TelemetryHandler) -> dict[str, Any]:
        return self._attributes

    def enter(self) -> None:
        self._run_token = _agent_run.set(self.run)

    def leave(self) -> None:
        if self._run_token is None:
            return
        try:
            _agent_run.reset(self._run_token)
        except ValueError:  # exited in another context than it was entered in
            _agent_run.set(self.run.parent)
        self._run_token = None

    def end_attributes(self, handler: TelemetryHandler, error: Error) -> dict[str, Any]:
        run = self.run
        run.terminate(termination(error))  # keeps a reason set earlier by step(), the loop detector or the app
        attributes = run.rollup_attributes()
        attributes[semconv.HARNESS_AGENT_TERMINATION] = run.termination or semconv.TERMINATION_COMPLETED
        return attributes

    def record_metrics(self, handler: TelemetryHandler, duration: float, error_type: str | None) -> None:
        attributes = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_INVOKE_AGENT,
            semconv.GEN_AI_AGENT_NAME: self.run.name,
            semconv.HARNESS_AGENT_TERMINATION: self.run.termination or semconv.TERMINATION_COMPLETED,
        }
        handler.record_duration(handler.instruments.agent_duration, duration, attributes, error_type)


class ToolSpan(OpenSpan):
    """An ``execute_tool {name}`` INTERNAL span, linked to the inference span that requested the call."""

    __slots__ = ("_attributes", "arguments", "call")
    where = "tool"

    def __init__(
        self, call: ToolCall, attributes: dict[str, Any], *, arguments: object = None, links: Sequence[Link] = ()
    ) -> None:
        super().__init__(semconv.SPAN_EXECUTE_TOOL.format(name=call.name), links or None)
        self.call = call
        self.arguments = arguments
        self._attributes = attributes

    def start_attributes(self, handler: TelemetryHandler) -> dict[str, Any]:
        attributes = self._attributes
        if self.arguments is not None and handler.capture_content:
            text = handler.content_text(self.arguments)
            if text is not None:
                attributes[semconv.GEN_AI_TOOL_CALL_ARGUMENTS] = text
        return attributes

    def end_attributes(self, handler: TelemetryHandler, error: Error) -> dict[str, Any]:
        call = self.call
        if not call.has_result or not handler.capture_content:
            return {}
        text = handler.content_text(call.result)
        return {} if text is None else {semconv.GEN_AI_TOOL_CALL_RESULT: text}

    def record_metrics(self, handler: TelemetryHandler, duration: float, error_type: str | None) -> None:
        attributes = {semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL, semconv.GEN_AI_TOOL_NAME: self.call.name}
        handler.record_duration(handler.instruments.tool_duration, duration, attributes, error_type)


def termination(error: Error) -> str:
    """How an agent run ended, from what ended it."""
    if error is None:
        return semconv.TERMINATION_COMPLETED
    if isinstance(error, AgentStopped):
        return error.reason
    asyncio = sys.modules.get("asyncio")  # only a loaded asyncio can have cancelled the run: no import here
    if isinstance(error, KeyboardInterrupt) or (asyncio is not None and isinstance(error, asyncio.CancelledError)):
        return semconv.TERMINATION_CANCELLED
    if isinstance(error, TimeoutError):
        return semconv.TERMINATION_TIMEOUT
    return semconv.TERMINATION_ERROR
