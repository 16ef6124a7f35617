"""``instrument_openai`` / ``instrument_anthropic``: wrap one client, or every client of the SDK, reversibly.

Two choke points per client: ``request`` (every API method goes through it) and the per-attempt send
below the retry loop. A client is wrapped on the instance; with no client the SDK's client classes
are wrapped. Either way it is idempotent and ``undo()`` (or leaving the ``with`` block) restores it.
The SDK is imported here, lazily: ``import instrumentation`` never imports it.
"""

from __future__ import annotations

import functools
import types
import weakref
from typing import Any

from instrumentation import semconv
from instrumentation._setup import Telemetry
from instrumentation.errors import ConfigError
from instrumentation.providers import _anthropic, _openai
from instrumentation.providers._calls import Options, Provider, async_attempt, async_request, sync_attempt, sync_request

_MISSING = object()
_handles: weakref.WeakKeyDictionary[Any, Instrumentation] = weakref.WeakKeyDictionary()


class Instrumentation:
    """What one ``instrument_*`` call wrapped; ``undo()`` (or the end of a ``with`` block) restores it."""

    def __init__(self, target: Any, saved: list[tuple[str, Any]]) -> None:
        self._target = weakref.ref(target)
        self._saved = saved

    @property
    def active(self) -> bool:
        return bool(self._saved)

    def undo(self) -> None:
        target = self._target()
        saved, self._saved = self._saved, []
        if target is None:
            return
        for name, previous in reversed(saved):
            if previous is _MISSING:
                delattr(target, name)
            else:
                setattr(target, name, previous)
        if _handles.get(target) is self:
            del _handles[target]

    def __enter__(self) -> Instrumentation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.undo()


def instrument_openai(
    client: Any = None, *, telemetry: Telemetry | None = None, include_stream_usage: bool = False
) -> Instrumentation:
    """Trace an ``OpenAI``/``AsyncOpenAI`` client (or, with no client, every one) as ``chat``/``embeddings`` spans.

    ``include_stream_usage=True`` adds ``stream_options={"include_usage": True}`` to streamed chat requests
    that leave it unset, so their spans get usage and cost; the stream then ends with a chunk whose
    ``choices`` is empty, which code reading ``chunk.choices[0]`` must allow for.
    """
    import openai

    provider = _openai_provider()
    return _instrument(client, Options(provider, telemetry, include_stream_usage), openai.OpenAI, openai.AsyncOpenAI)


def instrument_anthropic(
    client: Any = None, *, telemetry: Telemetry | None = None, sdk_spans: bool = False
) -> Instrumentation:
    """Trace an ``Anthropic``/``AsyncAnthropic`` client (or, with no client, every one) as ``chat`` spans.

    The Anthropic SDK makes a span of its own for each call when OpenTelemetry is set up; a backend
    summing ``gen_ai.usage.*`` would then count the call twice, so the wrapped client's own spans are
    turned off (until ``undo()``). ``sdk_spans=True`` keeps them, nested under ours.
    """
    import anthropic

    provider = _anthropic_provider()
    opts = Options(provider, telemetry, sdk_spans=sdk_spans)
    return _instrument(client, opts, anthropic.Anthropic, anthropic.AsyncAnthropic)


def _instrument(client: Any, opts: Options, sync_cls: type, async_cls: type) -> Instrumentation:
    if client is None:
        handles = [_wrap(cls, opts, is_async=cls is async_cls, on_class=True) for cls in (sync_cls, async_cls)]
        return _Group(handles)
    if not isinstance(client, (sync_cls, async_cls)):
        raise ConfigError(
            f"instrument_{opts.provider.name}() takes a {sync_cls.__name__} or {async_cls.__name__} client, "
            f"got {type(client).__name__}: pass the SDK client, or nothing to instrument every client"
        )
    return _wrap(client, opts, is_async=isinstance(client, async_cls), on_class=False)


def _wrap(target: Any, opts: Options, *, is_async: bool, on_class: bool) -> Instrumentation:
    existing = _handles.get(target)
    if existing is not None and existing.active:
        return existing  # idempotent
    wrappers = (async_request, async_attempt) if is_async else (sync_request, sync_attempt)
    saved = []
    for name, make in zip(("request", opts.provider.attempt_method), wrappers, strict=True):
        previous = target.__dict__.get(name, _MISSING)
        wrapper = make(_original(target, name, on_class), opts)
        setattr(target, name, wrapper if on_class else types.MethodType(wrapper, target))
        saved.append((name, previous))
    if opts.provider.sdk_tracer and not opts.sdk_spans:
        saved.append(_silence_sdk_spans(target, opts.provider.sdk_tracer, on_class))
    if not on_class:  # a copy of the client (`with_options`, `copy`) is instrumented like it
        for name in ("copy", "with_options"):
            saved.append((name, target.__dict__.get(name, _MISSING)))
            setattr(target, name, types.MethodType(_copier(_original(target, name, False), opts, is_async), target))
    handle = Instrumentation(target, saved)
    _handles[target] = handle
    return handle


def _silence_sdk_spans(target: Any, tracer_property: str, on_class: bool) -> tuple[str, Any]:
    """Turn off the SDK's own span for each call (ours replaces it, so one call is one span, counted once)."""
    if on_class:
        previous = target.__dict__.get(tracer_property, _MISSING)
        setattr(target, tracer_property, property(lambda self: None))
        return tracer_property, previous
    name = "_lazy_tracer"  # what the client's tracer property reads first: None means "no spans"
    previous = target.__dict__.get(name, _MISSING)
    setattr(target, name, None)
    return name, previous


def _copier(original: Any, opts: Options, is_async: bool) -> Any:
    def copy(self: Any, *args: Any, **kwargs: Any) -> Any:
        clone = original(self, *args, **kwargs)
        _wrap(clone, opts, is_async=is_async, on_class=False)
        return clone

    return copy


def _original(target: Any, name: str, on_class: bool) -> Any:
    """The function (taking ``self``) that the wrapper calls: the method as the target has it now."""
    if on_class:
        return getattr(target, name)
    current = target.__dict__.get(name)
    if isinstance(current, types.MethodType) and current.__self__ is target:
        return current.__func__
    return getattr(type(target), name)


class _Group(Instrumentation):
    """The handles of an SDK-wide instrumentation (its sync and async client classes), undone together."""

    def __init__(self, handles: list[Instrumentation]) -> None:
        self._handles = handles

    @property
    def active(self) -> bool:
        return any(handle.active for handle in self._handles)

    def undo(self) -> None:
        for handle in self._handles:
            handle.undo()


class _NeverRaw:
    """Anthropic's raw responses are left unparsed (their ``parse`` may read a streamed body)."""


@functools.cache
def _openai_provider() -> Provider:
    import openai
    from openai._legacy_response import LegacyAPIResponse

    return Provider(
        name=semconv.PROVIDER_OPENAI,
        route=_openai.route,
        attempt_method="_send_request",
        attempt_status=_status_code,
        stream_type=openai.Stream,
        async_stream_type=openai.AsyncStream,
        raw_response_type=LegacyAPIResponse,
    )


@functools.cache
def _anthropic_provider() -> Provider:
    import anthropic

    return Provider(
        name=semconv.PROVIDER_ANTHROPIC,
        route=_anthropic.route,
        attempt_method="_attempt_request",
        attempt_status=lambda result: _status_code(result[0]),
        stream_type=anthropic.Stream,
        async_stream_type=anthropic.AsyncStream,
        raw_response_type=_NeverRaw,
        sdk_tracer="_tracer",
    )


def _status_code(response: Any) -> int | None:
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None
