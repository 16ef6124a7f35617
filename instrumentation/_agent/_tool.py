"""``tool``: the ``execute_tool {name}`` span around one tool execution, governed by the catalogue.

The span's lifecycle is the handler's (``TelemetryHandler.start_tool``); this module governs the call
(catalogue, loop detector, the link to the inference span that asked for it) and builds its attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from opentelemetry.trace import Link

from instrumentation import semconv
from instrumentation._agent._invoke import current_agent_run
from instrumentation._agent._run import AgentRun
from instrumentation._catalogue import ToolCatalogue
from instrumentation._decorate import each_call_inside
from instrumentation._handler import TelemetryHandler
from instrumentation._setup import Telemetry, get_telemetry
from instrumentation._spans import ToolSpan
from instrumentation.errors import AgentStopped, ToolNotAllowedError

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(slots=True)
class ToolCall:
    """Yielded by ``instrumentation.tool``; ``set_result`` records the result when content capture is on."""

    name: str
    call_id: str | None
    result: object = None
    has_result: bool = False

    def set_result(self, result: object) -> None:
        self.result = result
        self.has_result = True


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
        self._stack: list[tuple[TelemetryHandler, ToolSpan]] = []

    def __enter__(self) -> ToolCall:
        telemetry = self._telemetry or get_telemetry()
        handler = telemetry.handler
        run = current_agent_run()
        attributes: dict[str, Any] = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL,
            semconv.GEN_AI_TOOL_NAME: self.name,
        }
        if self.call_id is not None:
            attributes[semconv.GEN_AI_TOOL_CALL_ID] = self.call_id
        if self.tool_type is not None:
            attributes[semconv.GEN_AI_TOOL_TYPE] = self.tool_type
        refusal = self._govern(attributes, telemetry, run)
        requester = run.requester_of(self.call_id) if run is not None and self.call_id is not None else None
        call = ToolCall(self.name, self.call_id)
        links = (Link(requester),) if requester is not None else ()
        opened = handler.start_tool(call, attributes, arguments=self.arguments, links=links)
        if run is not None:
            run.record_tool()
            refusal = refusal or self._check_loop(run)
        if refusal is not None:
            handler.fail(opened, refusal)
            raise refusal
        self._stack.append((handler, opened))
        return call

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        handler, opened = self._stack.pop()
        if exc is None:
            handler.stop(opened)
        else:
            handler.fail(opened, exc)

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

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a tool function; its keyword arguments feed the loop detector."""
        name, tool_type, catalogue, telemetry = self.name, self.tool_type, self._catalogue, self._telemetry

        def fresh(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tool:
            arguments = {**kwargs, "*args": list(args)} if args else kwargs
            return tool(name, arguments=arguments, tool_type=tool_type, catalogue=catalogue, telemetry=telemetry)

        return each_call_inside(fn, fresh)
