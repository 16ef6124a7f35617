"""The wrapper around an SDK client's one choke point, its public ``request`` (every API method, and
``client.post``/``get`` for endpoints the SDK does not model, go through it): one logical call, one span.

It only builds the ``LLMInvocation`` (through the provider's routes) and hands it to the handler; the
attempts below the SDK's retry loop are seen at the HTTP client (``_attempts``), a returned stream
carries the span on (``_streams``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from instrumentation._handler import TelemetryHandler
from instrumentation._records import LLMInvocation
from instrumentation._setup import Telemetry, get_telemetry
from instrumentation._spans import InferenceSpan
from instrumentation.providers._prompt import current_prompt
from instrumentation.providers._route import Route
from instrumentation.providers._streams import StreamSpan, trace_stream

_INCLUDE_USAGE = {"include_usage": True}


@dataclass(frozen=True, slots=True)
class Provider:
    """What differs between SDKs: the names, the routes and the public types a call can return."""

    name: str
    #: the distribution on PyPI, whose version the supported range is checked against
    sdk: str
    route: Callable[[str], Route | None]
    stream_types: tuple[type, ...]


@dataclass(frozen=True, slots=True)
class Options:
    """How a wrapper records: which telemetry (None: the configured one), whether to ask OpenAI for usage
    on streams (None: the ``stream_usage`` setting), and what to do per client (the SDK-wide form adopts
    each client on its first call)."""

    provider: Provider
    telemetry: Telemetry | None = None
    include_stream_usage: bool | None = None
    sdk_spans: bool = False
    adopt: Callable[[Any], None] | None = None

    def resolve(self) -> Telemetry:
        return self.telemetry or get_telemetry()


def sync_request(original: Callable[..., Any], opts: Options) -> Callable[..., Any]:
    def request(self: Any, cast_to: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        route = opts.provider.route(options.url)
        if route is None:
            return original(self, cast_to, options, *args, **kwargs)
        if opts.adopt is not None:
            opts.adopt(self)
        inv = _start(self, options, route, opts, bool(kwargs.get("stream")))
        try:
            result = original(self, cast_to, options, *args, **kwargs)
        except BaseException as exc:
            _fail(inv, exc)
            raise
        _returned(result, inv, route, opts.provider.stream_types)
        return result

    request.__harness_wrapped__ = original  # type: ignore[attr-defined]
    return request


def async_request(original: Callable[..., Any], opts: Options) -> Callable[..., Any]:
    async def request(self: Any, cast_to: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        route = opts.provider.route(options.url)
        if route is None:
            return await original(self, cast_to, options, *args, **kwargs)
        if opts.adopt is not None:
            opts.adopt(self)
        inv = _start(self, options, route, opts, bool(kwargs.get("stream")))
        try:
            result = await original(self, cast_to, options, *args, **kwargs)
        except BaseException as exc:
            _fail(inv, exc)
            raise
        _returned(result, inv, route, opts.provider.stream_types)
        return result

    request.__harness_wrapped__ = original  # type: ignore[attr-defined]
    return request


def _start(client: Any, options: Any, route: Route, opts: Options, stream: bool) -> InferenceSpan:
    telemetry = opts.resolve()
    handler = telemetry.handler
    body = options.json_data if isinstance(options.json_data, dict) else {}
    host, port = _server(client)
    inv = LLMInvocation(
        request_model=str(body.get("model") or ""),
        provider=opts.provider.name,
        operation=route.operation,
        server_address=host,
        server_port=port,
        stream=stream,
    )
    named = current_prompt()
    if named is not None:
        inv.prompt_name, inv.prompt_version = named
    try:
        route.request(inv, body, handler.capture_content)
        if stream and route.stream_usage_opt_in:
            include = opts.include_stream_usage
            if include is None:
                include = telemetry.settings.stream_usage
            if include and "stream_options" not in body:
                options.json_data = body = {**body, "stream_options": _INCLUDE_USAGE}
            inv.usage_requested = _asks_for_usage(body)
    except Exception as exc:  # noqa: BLE001 - a request we cannot read must not break the call
        handler.errors.report("providers.request", exc)
    return handler.start_llm(inv)


def _asks_for_usage(body: dict[str, Any]) -> bool:
    stream_options = body.get("stream_options")
    return isinstance(stream_options, dict) and bool(stream_options.get("include_usage"))


def _server(client: Any) -> tuple[str | None, int | None]:
    url = client.base_url
    try:
        return url.host, url.port or (443 if url.scheme == "https" else 80)
    except AttributeError:
        return None, None


def _fail(inv: InferenceSpan, exc: BaseException) -> None:
    if inv.handler is not None:
        inv.handler.fail(inv, exc)


def _returned(result: Any, inv: InferenceSpan, route: Route, stream_types: tuple[type, ...]) -> None:
    """A stream takes the span over (it ends with the stream); any other result ends it now."""
    handler = inv.handler
    if handler is None:
        return
    if not (inv.record.stream and isinstance(result, stream_types)):
        _finish(result, inv, route, handler)
        return
    handler.release(inv)
    try:
        trace_stream(result, StreamSpan(inv, route, handler.capture_content))
    except Exception as exc:  # noqa: BLE001 - a stream we cannot wrap: end the span now, the app keeps its stream
        handler.stop(inv)
        handler.errors.report("providers.stream", exc)


def _finish(result: Any, inv: InferenceSpan, route: Route, handler: TelemetryHandler) -> None:
    try:
        fields = getattr(result, "__dict__", None)  # not getattr(result, name): a model's miss costs ~30x more
        http_response = fields.get("http_response") if fields is not None else None
        if http_response is not None:  # `with_raw_response` / `with_streaming_response`: the SDK's wrapper
            result = _parsed(result, http_response, inv.record.stream)
        if result is not None:
            route.response(inv.record, result, handler.capture_content)
    except Exception as exc:  # noqa: BLE001
        handler.errors.report("providers.response", exc)
    handler.stop(inv)


def _parsed(raw: Any, http_response: Any, stream: bool) -> Any:
    """The parsed body of a raw response, when reading it takes nothing from the app: its body was already
    read, and parsing is not a coroutine (its result is cached, so the app's own ``parse()`` gets the same)."""
    if stream or not getattr(http_response, "is_stream_consumed", False):
        return None
    parse = getattr(raw, "parse", None)
    if parse is None or inspect.iscoroutinefunction(parse):
        return None
    return parse()
