"""The manual API for any LLM call we have no wrapper for: ``llm_call`` as context manager or decorator."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from instrumentation import semconv
from instrumentation._decorate import each_call_inside
from instrumentation._handler import TelemetryHandler
from instrumentation._records import LLMInvocation
from instrumentation._setup import Telemetry, get_telemetry
from instrumentation._spans import InferenceSpan, active_inference

P = ParamSpec("P")
R = TypeVar("R")

_REQUEST_PARAMS = {
    "temperature": semconv.GEN_AI_REQUEST_TEMPERATURE,
    "max_tokens": semconv.GEN_AI_REQUEST_MAX_TOKENS,
    "top_p": semconv.GEN_AI_REQUEST_TOP_P,
    "seed": semconv.GEN_AI_REQUEST_SEED,
    "stop_sequences": semconv.GEN_AI_REQUEST_STOP_SEQUENCES,
    "choice_count": semconv.GEN_AI_REQUEST_CHOICE_COUNT,
}


def _request_attributes(params: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    unknown = sorted(set(params) - set(_REQUEST_PARAMS))
    if unknown:
        raise TypeError(f"llm_call() got unknown request parameter(s) {unknown}; known: {sorted(_REQUEST_PARAMS)}")
    attributes = {_REQUEST_PARAMS[k]: v for k, v in params.items() if v is not None}
    attributes.update(extra or {})
    return attributes


class llm_call:  # noqa: N801 - reads as a keyword: `with llm_call("gpt-4o", provider="openai") as call:`
    """Open a ``chat {model}`` CLIENT span; record usage on the yielded call; cost and metrics on exit.

    Request parameters (temperature, max_tokens, top_p, seed, stop_sequences, choice_count) become
    ``gen_ai.request.*`` attributes; ``attributes`` adds any others. The app's exceptions pass through
    unchanged (the span records them as ``error.type``).
    """

    __slots__ = ("_kwargs", "_stack", "_telemetry")

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
        attributes: dict[str, Any] | None = None,
        **request_params: Any,
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
            "request_attributes": _request_attributes(request_params, attributes),
        }
        self._telemetry = telemetry
        self._stack: list[tuple[TelemetryHandler, InferenceSpan]] = []

    def __enter__(self) -> LLMInvocation:
        handler = (self._telemetry or get_telemetry()).handler
        record = LLMInvocation(**self._kwargs)  # type: ignore[arg-type]
        self._stack.append((handler, handler.start_llm(record)))
        return record

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        handler, opened = self._stack.pop()
        if exc is not None:
            handler.fail(opened, exc)
        else:
            handler.stop(opened)

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a sync or async function; each call is one span (concurrent calls do not share state)."""

        def fresh(args: tuple[Any, ...], kwargs: dict[str, Any]) -> llm_call:
            call = copy.copy(self)  # same request, its own stack of open invocations
            call._stack = []
            return call

        return each_call_inside(fn, fresh)


def current_llm_call() -> LLMInvocation | None:
    """The innermost open LLM call, so a decorated function can record its usage."""
    opened = active_inference()
    return None if opened is None else opened.record
