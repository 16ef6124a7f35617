"""``instrument_openai`` / ``instrument_anthropic``: wrap one client, or every client of the SDK, reversibly.

One choke point per SDK client, its public ``request``, wrapped on the instance (or, with no client, on
the SDK's two client classes); per client, the attempts are seen at its HTTP client's public ``send``
(``_attempts``). Where the SDK makes spans of its own (Anthropic 2 and later) the client's are turned off,
so one call is one span counted once. Either form is idempotent, and ``undo()`` (or leaving the ``with``
block) restores everything it changed. The installed SDK version is checked against the range the
``openai`` / ``anthropic`` extras declare (``_versions``). The SDK is imported here, lazily:
``import instrumentation`` never imports it.
"""

from __future__ import annotations

import functools
import logging
import types
import weakref
from collections.abc import Callable
from typing import Any

from instrumentation import semconv
from instrumentation._setup import Telemetry
from instrumentation.errors import ConfigError
from instrumentation.providers import _anthropic, _attempts, _openai
from instrumentation.providers._calls import Options, Provider, async_request, sync_request
from instrumentation.providers._versions import check_version

_MISSING = object()
_handles: weakref.WeakKeyDictionary[Any, Instrumentation] = weakref.WeakKeyDictionary()
_log = logging.getLogger("instrumentation")
_warned: set[str] = set()
Undo = Callable[[], None]


class Instrumentation:
    """What one ``instrument_*`` call wrapped; ``undo()`` (or the end of a ``with`` block) restores it."""

    def __init__(self, target: Any, undo: list[Undo]) -> None:
        self._target = weakref.ref(target)
        self._undo = undo

    @property
    def active(self) -> bool:
        return bool(self._undo)

    def undo(self) -> None:
        steps, self._undo = self._undo, []
        for step in reversed(steps):
            step()
        target = self._target()
        if target is not None and _handles.get(target) is self:
            del _handles[target]

    def __enter__(self) -> Instrumentation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.undo()


def instrument_openai(
    client: Any = None, *, telemetry: Telemetry | None = None, include_stream_usage: bool | None = None
) -> Instrumentation:
    """Trace an ``OpenAI``/``AsyncOpenAI`` client (or, with no client, every one) as ``chat``/``embeddings`` spans.

    ``include_stream_usage=True`` adds ``stream_options={"include_usage": True}`` to streamed chat requests
    that leave it unset, so their spans get usage and cost; the stream then ends with a chunk whose
    ``choices`` is empty, which code reading ``chunk.choices[0]`` must allow for. Unset, it follows the
    ``stream_usage`` setting (``HARNESS_STREAM_USAGE``, off by default).
    """
    import openai

    check_version("openai", openai.__version__)
    opts = Options(_openai_provider(), telemetry, include_stream_usage)
    return _instrument(client, opts, openai.OpenAI, openai.AsyncOpenAI)


def instrument_anthropic(
    client: Any = None, *, telemetry: Telemetry | None = None, sdk_spans: bool = False
) -> Instrumentation:
    """Trace an ``Anthropic``/``AsyncAnthropic`` client (or, with no client, every one) as ``chat`` spans.

    The Anthropic SDK makes a span of its own for each call when OpenTelemetry is set up; a backend
    summing ``gen_ai.usage.*`` would then count the call twice, so the wrapped client's own spans are
    turned off (until ``undo()``). ``sdk_spans=True`` keeps them, nested under ours.
    """
    import anthropic

    check_version("anthropic", anthropic.__version__)
    opts = Options(_anthropic_provider(), telemetry, sdk_spans=sdk_spans)
    return _instrument(client, opts, anthropic.Anthropic, anthropic.AsyncAnthropic)


def _instrument(client: Any, opts: Options, sync_cls: type, async_cls: type) -> Instrumentation:
    if client is None:
        return _sdk_wide(opts, sync_cls, async_cls)
    if not isinstance(client, (sync_cls, async_cls)):
        raise ConfigError(
            f"instrument_{opts.provider.name}() takes a {sync_cls.__name__} or {async_cls.__name__} client, "
            f"got {type(client).__name__}: pass the SDK client, or nothing to instrument every client"
        )
    return _wrap(client, opts, is_async=isinstance(client, async_cls))


def _wrap(client: Any, opts: Options, *, is_async: bool) -> Instrumentation:
    existing = _handles.get(client)
    if existing is not None and existing.active:
        return existing  # idempotent
    undo = [_replace(client, "request", _bound(_wrapper(client, "request", opts, is_async), client))]
    undo += _client_seams(client, opts)
    for name in ("copy", "with_options"):  # a copy of the client is instrumented like it
        undo.append(_replace(client, name, _bound(_copier(_method(client, name), opts, is_async), client)))
    handle = Instrumentation(client, undo)
    _handles[client] = handle
    return handle


def _client_seams(client: Any, opts: Options) -> list[Undo]:
    """What one client needs besides its ``request``: the attempt hook, and its own spans off."""
    undo: list[Undo] = []
    http = _attempts.http_client_of(client)
    if http is None:
        _warn_once(
            f"{opts.provider.sdk}:http",
            f"{type(client).__name__} has no HTTP client we can see: "
            "its calls are traced, but not each retried attempt",
        )
    else:
        _attempts.hook(http)  # released by undo, or when the client is collected first (a dropped copy)
        undo.append(weakref.finalize(client, _attempts.unhook, http))
    if not opts.sdk_spans and hasattr(type(client), "open_telemetry"):  # the SDK traces its own calls
        undo += _silence_sdk_spans(client, opts)
    return undo


def _silence_sdk_spans(client: Any, opts: Options) -> list[Undo]:
    """Turn off the client's own span per call (ours replaces it, so one call is one span, counted once).

    The SDK offers this only when a client is made (``open_telemetry=False``); for a client that exists,
    the tracer it caches is set to None, its own meaning of "no spans".
    """
    if "_lazy_tracer" not in vars(client):
        _warn_once(
            f"{opts.provider.sdk}:spans",
            f"cannot turn off the spans {type(client).__name__} makes "
            "of its own: create the client with open_telemetry=False, or usage may count twice",
        )
        return []
    return [_replace(client, "_lazy_tracer", None)]


def _replace(target: Any, name: str, value: Any) -> Undo:
    """Set ``target.name``; the returned undo restores it (holding the target weakly: a handle kept in
    ``_handles`` must not keep its client alive)."""
    previous = target.__dict__.get(name, _MISSING)
    setattr(target, name, value)
    ref = weakref.ref(target)

    def restore() -> None:
        owner = ref()
        if owner is None:
            return
        if previous is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, previous)

    return restore


def _wrapper(target: Any, name: str, opts: Options, is_async: bool) -> Callable[..., Any]:
    return (async_request if is_async else sync_request)(_method(target, name), opts)


def _bound(function: Callable[..., Any], target: Any) -> Any:
    return function if isinstance(target, type) else types.MethodType(function, target)


def _method(target: Any, name: str) -> Any:
    """The function (taking ``self``) that a wrapper calls: the method as the target has it now."""
    if isinstance(target, type):
        return getattr(target, name)
    current = target.__dict__.get(name)
    if isinstance(current, types.MethodType) and current.__self__ is target:
        return current.__func__
    return getattr(type(target), name)


def _copier(original: Any, opts: Options, is_async: bool) -> Any:
    def copy(self: Any, *args: Any, **kwargs: Any) -> Any:
        clone = original(self, *args, **kwargs)
        _wrap(clone, opts, is_async=is_async)
        return clone

    return copy


class _SdkWide(Instrumentation):
    """Every client of the SDK: ``request`` wrapped on its two client classes; each client gets its
    attempt hook (and its own spans off) on its first call, all undone with the classes."""

    def __init__(self, opts: Options, sync_cls: type, async_cls: type) -> None:
        self._classes = (sync_cls, async_cls)
        self._opts = opts
        self._adopted: weakref.WeakKeyDictionary[Any, list[Undo]] = weakref.WeakKeyDictionary()
        wrapping = Options(opts.provider, opts.telemetry, opts.include_stream_usage, opts.sdk_spans, self._adopt)
        undo = [_replace(cls, "request", _wrapper(cls, "request", wrapping, cls is async_cls)) for cls in self._classes]
        super().__init__(sync_cls, [*undo, self._release_clients])
        for cls in self._classes:
            _handles[cls] = self

    def _adopt(self, client: Any) -> None:
        if client not in self._adopted:
            self._adopted[client] = _client_seams(client, self._opts)

    def _release_clients(self) -> None:
        adopted, self._adopted = list(self._adopted.values()), weakref.WeakKeyDictionary()
        for steps in adopted:
            for step in reversed(steps):
                step()

    def undo(self) -> None:
        super().undo()
        for cls in self._classes:
            if _handles.get(cls) is self:
                del _handles[cls]


def _sdk_wide(opts: Options, sync_cls: type, async_cls: type) -> Instrumentation:
    existing = _handles.get(sync_cls)
    if existing is not None and existing.active:
        return existing  # idempotent
    return _SdkWide(opts, sync_cls, async_cls)


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        _log.warning("%s", message)


@functools.cache
def _openai_provider() -> Provider:
    import openai

    return Provider(
        name=semconv.PROVIDER_OPENAI,
        sdk="openai",
        route=_openai.route,
        stream_types=(openai.Stream, openai.AsyncStream),
    )


@functools.cache
def _anthropic_provider() -> Provider:
    import anthropic

    return Provider(
        name=semconv.PROVIDER_ANTHROPIC,
        sdk="anthropic",
        route=_anthropic.route,
        stream_types=(anthropic.Stream, anthropic.AsyncStream),
    )
