"""The wrappers around an SDK client's two choke points: ``request`` (one logical call, one span) and the
per-attempt send below the SDK's retry loop (one event per retried or failed attempt).

They only build the ``LLMInvocation`` (through the provider's routes) and hand it to the handler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from instrumentation._handler import TelemetryHandler
from instrumentation._records import LLMInvocation
from instrumentation._setup import Telemetry, get_telemetry
from instrumentation._spans import InferenceSpan, active_inference
from instrumentation.providers._prompt import current_prompt
from instrumentation.providers._route import Route
from instrumentation.providers._streams import StreamSpan, trace_async_stream, trace_stream

_INCLUDE_USAGE = {"include_usage": True}


@dataclass(frozen=True, slots=True)
class Provider:
    """What differs between SDKs: the name, the routes and how to read an attempt."""

    name: str
    route: Callable[[str], Route | None]
    attempt_method: str
    attempt_status: Callable[[Any], int | None]
    stream_type: type
    async_stream_type: type
    raw_response_type: type[Any]
    #: the client property that gives the SDK's own tracer (Anthropic's SDK makes spans of its own), if any
    sdk_tracer: str | None = None


@dataclass(frozen=True, slots=True)
class Options:
    """How a wrapper records: which telemetry, whether to ask OpenAI for usage on streams, and whether the
    SDK's own spans (if it makes any) are kept beside ours."""

    provider: Provider
    telemetry: Telemetry | None = None
    include_stream_usage: bool = False
    sdk_spans: bool = False

    def handler(self) -> TelemetryHandler:
        return (self.telemetry or get_telemetry()).handler


def sync_request(original: Callable[..., Any], opts: Options) -> Callable[..., Any]:
    def request(self: Any, cast_to: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        route = opts.provider.route(options.url)
        if route is None:
            return original(self, cast_to, options, *args, **kwargs)
        handler = opts.handler()
        inv = _start(self, options, route, opts, handler, bool(kwargs.get("stream")))
        try:
            result = original(self, cast_to, options, *args, **kwargs)
        except BaseException as exc:
            handler.fail(inv, exc)
            raise
        _returned(result, inv, route, opts, handler, is_async=False)
        return result

    request.__harness_wrapped__ = original  # type: ignore[attr-defined]
    return request


def async_request(original: Callable[..., Any], opts: Options) -> Callable[..., Any]:
    async def request(self: Any, cast_to: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        route = opts.provider.route(options.url)
        if route is None:
            return await original(self, cast_to, options, *args, **kwargs)
        handler = opts.handler()
        inv = _start(self, options, route, opts, handler, bool(kwargs.get("stream")))
        try:
            result = await original(self, cast_to, options, *args, **kwargs)
        except BaseException as exc:
            handler.fail(inv, exc)
            raise
        _returned(result, inv, route, opts, handler, is_async=True)
        return result

    request.__harness_wrapped__ = original  # type: ignore[attr-defined]
    return request


def _start(
    client: Any, options: Any, route: Route, opts: Options, handler: TelemetryHandler, stream: bool
) -> InferenceSpan:
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
        if stream and opts.include_stream_usage and route.injects_stream_usage and "stream_options" not in body:
            options.json_data = {**body, "stream_options": _INCLUDE_USAGE}
    except Exception as exc:  # noqa: BLE001 - a request we cannot read must not break the call
        handler.errors.report("providers.request", exc)
    return handler.start_llm(inv)


def _server(client: Any) -> tuple[str | None, int | None]:
    url = client.base_url
    try:
        return url.host, url.port or (443 if url.scheme == "https" else 80)
    except AttributeError:
        return None, None


def _returned(
    result: Any, inv: InferenceSpan, route: Route, opts: Options, handler: TelemetryHandler, *, is_async: bool
) -> None:
    """A stream takes the span over (it ends with the stream); any other result ends it now."""
    provider = opts.provider
    if not (inv.record.stream and isinstance(result, provider.async_stream_type if is_async else provider.stream_type)):
        _finish(result, inv, route, opts, handler)
        return
    handler.release(inv)
    try:
        (trace_async_stream if is_async else trace_stream)(result, StreamSpan(inv, route, handler))
    except Exception as exc:  # noqa: BLE001 - a stream we cannot wrap: end the span now, the app keeps its stream
        handler.stop(inv)
        handler.errors.report("providers.stream", exc)


def _finish(result: Any, inv: InferenceSpan, route: Route, opts: Options, handler: TelemetryHandler) -> None:
    raw: Any = result
    try:
        if isinstance(raw, opts.provider.raw_response_type):  # `with_raw_response`: parsing it caches it
            result = None if inv.record.stream else raw.parse()
        if result is not None:
            route.response(inv.record, result, handler.capture_content)
    except Exception as exc:  # noqa: BLE001
        handler.errors.report("providers.response", exc)
    handler.stop(inv)


def sync_attempt(original: Callable[..., Any], opts: Options) -> Callable[..., Any]:
    provider = opts.provider

    def attempt(self: Any, *args: Any, **kwargs: Any) -> Any:
        inv = active_inference()
        if inv is None or inv.record.provider != provider.name:
            return original(self, *args, **kwargs)
        number = 1 if inv.attempt_ended_at is None else inv.record.attempts + 1  # each call here is one attempt
        started = time.perf_counter()
        try:
            result = original(self, *args, **kwargs)
        except BaseException as exc:
            _record_attempt(opts, inv, number, started, None, type(exc).__qualname__)
            raise
        _record_attempt(opts, inv, number, started, provider.attempt_status(result), None)
        return result

    attempt.__harness_wrapped__ = original  # type: ignore[attr-defined]
    return attempt


def async_attempt(original: Callable[..., Any], opts: Options) -> Callable[..., Any]:
    provider = opts.provider

    async def attempt(self: Any, *args: Any, **kwargs: Any) -> Any:
        inv = active_inference()
        if inv is None or inv.record.provider != provider.name:
            return await original(self, *args, **kwargs)
        number = 1 if inv.attempt_ended_at is None else inv.record.attempts + 1  # each call here is one attempt
        started = time.perf_counter()
        try:
            result = await original(self, *args, **kwargs)
        except BaseException as exc:
            _record_attempt(opts, inv, number, started, None, type(exc).__qualname__)
            raise
        _record_attempt(opts, inv, number, started, provider.attempt_status(result), None)
        return result

    attempt.__harness_wrapped__ = original  # type: ignore[attr-defined]
    return attempt


def _record_attempt(
    opts: Options, inv: InferenceSpan, number: int, started: float, status: int | None, error_type: str | None
) -> None:
    if inv.attempt_ended_at is not None and number <= inv.record.attempts:
        return  # a second wrapper on the same client saw this attempt first
    opts.handler().attempt(inv, number, started, status_code=status, error_type=error_type)
