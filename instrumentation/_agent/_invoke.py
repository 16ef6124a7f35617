"""``agent``: the ``invoke_agent {name}`` span around one run, as a context manager or a decorator.

The span's lifecycle is the handler's (``TelemetryHandler.start_agent``); this module only builds the run
and its start attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from instrumentation import semconv
from instrumentation._agent._run import AgentRun
from instrumentation._catalogue import ToolCatalogue
from instrumentation._context import _agent_run
from instrumentation._decorate import each_call_inside
from instrumentation._handler import TelemetryHandler
from instrumentation._setup import Telemetry, get_telemetry
from instrumentation._spans import AgentSpan

P = ParamSpec("P")
R = TypeVar("R")


def current_agent_run() -> AgentRun | None:
    """The innermost agent run open in this context, so a decorated function can step or terminate it."""
    run = _agent_run.get()
    return run if isinstance(run, AgentRun) else None


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
        self._stack: list[tuple[TelemetryHandler, AgentSpan]] = []

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
        handler = telemetry.handler
        self._stack.append((handler, handler.start_agent(run, self._attributes())))
        return run

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        handler, opened = self._stack.pop()
        if exc is None:
            handler.stop(opened)
        else:
            handler.fail(opened, exc)

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

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a sync or async function; each call is one run (concurrent calls do not share state)."""
        name, options, telemetry = self.name, self._options, self._telemetry

        return each_call_inside(fn, lambda args, kwargs: agent(name, telemetry=telemetry, **options))
