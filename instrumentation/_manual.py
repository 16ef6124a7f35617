"""The manual API for any LLM call we have no wrapper for: ``llm_call`` as context manager or decorator."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from instrumentation import semconv
from instrumentation._handler import LLMInvocation, active_invocation
from instrumentation._setup import Telemetry, get_telemetry

P = ParamSpec("P")
R = TypeVar("R")


class llm_call:  # noqa: N801 - reads as a keyword: `with llm_call("gpt-4o", provider="openai") as call:`
    """Open a ``chat {model}`` CLIENT span; record usage on the yielded call; cost and metrics on exit.

    The app's exceptions pass through unchanged (the span records them as ``error.type``).
    """

    __slots__ = ("_kwargs", "_telemetry", "_stack")

    def __init__(
        self,
        model: str,
        *,
        provider: str,
        operation: str = semconv.OP_CHAT,
        server_address: str | None = None,
        server_port: int | None = None,
        stream: bool = False,
        prompt_name: str | None = None,
        prompt_version: str | None = None,
        telemetry: Telemetry | None = None,
        **request_attributes: Any,
    ) -> None:
        self._kwargs = {
            "request_model": model,
            "provider": provider,
            "operation": operation,
            "server_address": server_address,
            "server_port": server_port,
            "stream": stream,
            "prompt_name": prompt_name,
            "prompt_version": prompt_version,
            "request_attributes": request_attributes,
        }
        self._telemetry = telemetry
        self._stack: list[LLMInvocation] = []

    def __enter__(self) -> LLMInvocation:
        telemetry = self._telemetry or get_telemetry()
        invocation = LLMInvocation(**self._kwargs)  # type: ignore[arg-type]
        self._stack.append(invocation)
        return telemetry.handler.start(invocation)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        invocation = self._stack.pop()
        handler = (self._telemetry or get_telemetry()).handler
        if exc is not None:
            handler.fail(invocation, exc)
        else:
            handler.stop(invocation)

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                with self:
                    return await fn(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with self:
                return fn(*args, **kwargs)

        return run


def current_llm_call() -> LLMInvocation | None:
    """The innermost open LLM call, so a decorated function can record its usage."""
    return active_invocation()
