"""Feature attribution and context that survives threads, asyncio tasks and callbacks.

The feature and the open agent run live in ContextVars, like the OpenTelemetry context itself,
so asyncio tasks (``gather``, ``TaskGroup``, ``to_thread``) and loop callbacks inherit all three.
Threads do not copy contextvars on their own: ``ContextThreadPoolExecutor``, ``propagate`` and
``start_thread`` carry the caller's context across, and ``with context_propagating_executors():``
is the one-line setup that does it for every ``ThreadPoolExecutor`` (``loop.run_in_executor`` too).
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, Protocol, TypeVar

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from instrumentation import semconv
from instrumentation._decorate import each_call_inside

P = ParamSpec("P")
R = TypeVar("R")

_feature: contextvars.ContextVar[str | None] = contextvars.ContextVar("harness_feature", default=None)


class RunHooks(Protocol):
    """What the span processor and the inference handler need from the agent run in context."""

    def stamp(self, span: Span) -> None:
        """Stamp a span starting inside the run (its step)."""

    def record_llm(self, invocation: Any, span: Any, counted: bool) -> None:
        """Add a finished inference call to the run's roll-ups."""


_agent_run: contextvars.ContextVar[RunHooks | None] = contextvars.ContextVar("harness_agent_run", default=None)


def current_feature() -> str | None:
    return _feature.get()


def current_run_hooks() -> RunHooks | None:
    """The innermost agent run open in this context (threads via our helpers, asyncio tasks)."""
    return _agent_run.get()


class feature:  # noqa: N801 - reads as a keyword at the call site: `with feature("ticket-summary"):`
    """Attribute every span started inside to a product feature; the innermost feature wins.

    Use as ``with feature("ticket-summary"):`` or as a decorator on sync or async functions.
    """

    __slots__ = ("_tokens", "name")

    def __init__(self, name: str) -> None:
        if not name:
            raise ValueError("feature name must be a non-empty string")
        self.name = name
        self._tokens: list[contextvars.Token[str | None]] = []

    def __enter__(self) -> feature:
        self._tokens.append(_feature.set(self.name))
        return self

    def __exit__(self, *exc: object) -> None:
        _feature.reset(self._tokens.pop())

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        name = self.name
        return each_call_inside(fn, lambda args, kwargs: feature(name))


class FeatureSpanProcessor(SpanProcessor):
    """Stamps ``harness.feature`` and the agent step on every span at start, whoever instrumented it."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        name = _feature.get()
        if name is not None and span.is_recording():
            span.set_attribute(semconv.HARNESS_FEATURE, name)
        run = _agent_run.get()
        if run is not None:
            run.stamp(span)

    def on_end(self, span: ReadableSpan) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def propagate(fn: Callable[P, R]) -> Callable[P, R]:
    """Bind ``fn`` to the caller's context (span parent and feature), for threads and callbacks."""
    ctx = contextvars.copy_context()

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return ctx.copy().run(fn, *args, **kwargs)

    return run


class ContextThreadPoolExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor whose tasks run in the submitter's context."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


def start_thread(
    target: Callable[..., Any], *args: Any, name: str | None = None, daemon: bool | None = None
) -> threading.Thread:
    """Start a thread that runs ``target`` in the caller's context."""
    thread = threading.Thread(target=propagate(target), args=args, name=name, daemon=daemon)
    thread.start()
    return thread


@contextmanager
def context_propagating_executors() -> Iterator[None]:
    """Within the block, every ThreadPoolExecutor.submit carries the caller's context (the one-line setup)."""
    original = ThreadPoolExecutor.submit

    def submit(self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return original(self, contextvars.copy_context().run, fn, *args, **kwargs)

    ThreadPoolExecutor.submit = submit  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        ThreadPoolExecutor.submit = original  # type: ignore[method-assign]
