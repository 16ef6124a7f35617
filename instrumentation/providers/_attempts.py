"""Each HTTP attempt of the SDK's retry loop, seen at the SDK client's HTTP client: its public ``send``.

Both SDKs keep the ``http_client`` they are given (or the one they make) and send every attempt through
its ``send`` (httpx before openai 3 and anthropic 1, httpx2 after: the same method). The hook goes on
that one object, once however many SDK clients share it (a client and its ``with_options`` copies do),
and comes off when the last instrumentation that needed it is undone. It only records when an
instrumented inference call is open in the context.
"""

from __future__ import annotations

import inspect
import time
import weakref
from collections.abc import Callable
from typing import Any

from instrumentation._spans import InferenceSpan, active_inference

_MISSING = object()
# http client -> [the instance attribute `send` had before (or _MISSING), number of users]
_hooked: weakref.WeakKeyDictionary[Any, list[Any]] = weakref.WeakKeyDictionary()


def http_client_of(client: Any) -> Any:
    """The HTTP client an SDK client sends through (the ``http_client`` option), or None."""
    http = getattr(client, "_client", None)
    return http if callable(getattr(http, "send", None)) else None


def hook(http: Any) -> None:
    """Record attempts sent through ``http`` (idempotent: counted, undone by as many ``unhook``)."""
    entry = _hooked.get(http)
    if entry is not None:
        entry[1] += 1
        return
    previous = http.__dict__.get("send", _MISSING)
    original = http.send
    wrapper = _async_send(original) if inspect.iscoroutinefunction(original) else _sync_send(original)
    http.send = wrapper  # on the instance: other clients of the same class are left alone
    _hooked[http] = [previous, 1]


def unhook(http: Any) -> None:
    entry = _hooked.get(http)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] > 0:
        return
    del _hooked[http]
    if entry[0] is _MISSING:
        del http.send
    else:
        http.send = entry[0]


def _sync_send(original: Callable[..., Any]) -> Callable[..., Any]:
    def send(request: Any, *args: Any, **kwargs: Any) -> Any:
        inv = active_inference()
        if inv is None:
            return original(request, *args, **kwargs)
        number, started = _begin(inv)
        try:
            response = original(request, *args, **kwargs)
        except BaseException as exc:
            _record(inv, number, started, None, type(exc).__qualname__)
            raise
        _record(inv, number, started, _status(response), None)
        return response

    return send


def _async_send(original: Callable[..., Any]) -> Callable[..., Any]:
    async def send(request: Any, *args: Any, **kwargs: Any) -> Any:
        inv = active_inference()
        if inv is None:
            return await original(request, *args, **kwargs)
        number, started = _begin(inv)
        try:
            response = await original(request, *args, **kwargs)
        except BaseException as exc:
            _record(inv, number, started, None, type(exc).__qualname__)
            raise
        _record(inv, number, started, _status(response), None)
        return response

    return send


def _begin(inv: InferenceSpan) -> tuple[int, float]:
    number = 1 if inv.attempt_ended_at is None else inv.record.attempts + 1  # each send is one attempt
    return number, time.perf_counter()


def _record(inv: InferenceSpan, number: int, started: float, status: int | None, error_type: str | None) -> None:
    handler = inv.handler
    if handler is not None:
        handler.attempt(inv, number, started, status_code=status, error_type=error_type)


def _status(response: Any) -> int | None:
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None
