"""The Starlette application: routes each endpoint through parse, faults, the rule engine and rendering."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive

from harness.model_server import _anthropic, _embeddings, _openai_chat, _openai_responses
from harness.model_server._engine import Parsed, Reply, decide
from harness.model_server._http import Dialect, PacedResponse, RequestError, error_body, json_bytes, truncate
from harness.model_server._limits import BodyRefusedError, ClientLeftError, Limits, parse_json, read_body
from harness.model_server._parse import body_object
from harness.model_server._scenario import Fault, ModelSettings, ScenarioSource, load_scenario
from harness.model_server._state import ServerState
from harness.model_server._tokens import chunk_text, count_tokens


class _Endpoint(Protocol):
    """What each conversational endpoint module provides (``_openai_chat``, ``_openai_responses``, ``_anthropic``)."""

    ENDPOINT: str
    DIALECT: Dialect
    ID_PREFIX: str
    CALL_PREFIX: str

    def parse(self, body: dict[str, Any]) -> Parsed: ...
    def render(self, reply: Reply, response_id: str, parsed: Parsed) -> dict[str, Any]: ...
    def stream(self, reply: Reply, response_id: str, parsed: Parsed) -> list[bytes]: ...


T = TypeVar("T")
Handler = Callable[[Request, dict[str, Any], int], Awaitable[Response]]
_INLINE_BYTES = 256 * 1024  # bodies past this are parsed and answered on a worker thread: the loop keeps serving


def _error(dialect: Dialect, status: int, message: str, param: str | None = None, **headers: str) -> Response:
    return JSONResponse(error_body(dialect, status, message, param), status_code=status, headers=headers)


async def _off_loop(size: int, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` inline for a small request, on a worker thread for a big one."""
    if size < _INLINE_BYTES:
        return work(*args)
    return await asyncio.to_thread(work, *args)


def _json_endpoint(dialect: Dialect, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint taking a JSON object body within the app's limits; each refusal in the dialect's shape."""

    async def endpoint(request: Request) -> Response:
        limits: Limits = request.app.state.limits
        try:
            raw = await read_body(request, limits)
            body = body_object(await _off_loop(len(raw), parse_json, raw, limits))
            return await handler(request, body, len(raw))
        except RequestError as exc:
            return _error(dialect, 400, exc.message, exc.param)
        except BodyRefusedError as exc:  # the rest of the body is not read: the connection cannot be reused
            return _error(dialect, exc.status, exc.message, connection="close")
        except ClientLeftError:
            return Response(status_code=499)  # nobody is listening; logged once by read_body

    return endpoint


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _fault_response(request: Request, dialect: Dialect, fault: Fault | None) -> Response | None:
    """An error response for rate-limit and server-error faults; a timeout fault sleeps (until the client leaves)."""
    if fault is None:
        return None
    wait = {"retry-after": f"{fault.retry_after:g}", "retry-after-ms": str(round(fault.retry_after * 1000))}
    wait = wait if fault.retry_after > 0 else {}
    if fault.kind == "rate_limit":
        return _error(dialect, 429, "Rate limit reached for this model (injected by the scenario).", **wait)
    if fault.kind == "server_error":
        return _error(dialect, fault.status, "The server had an error processing your request (injected).", **wait)
    if fault.kind == "timeout":
        try:
            await asyncio.wait_for(_wait_for_disconnect(request.receive), timeout=fault.sleep)
        except TimeoutError:
            pass
    return None


def _headers(dialect: Dialect, state: ServerState) -> dict[str, str]:
    return {"x-request-id" if dialect == "openai" else "request-id": state.new_id("req_")}


def _stream_response(
    frames: list[bytes], settings: ModelSettings, fault: Fault | None, headers: dict[str, str]
) -> Response:
    cut_after = None
    if fault is not None and fault.kind == "cut_stream":
        cut_after = min(fault.after_chunks, len(frames) - 1)
    if fault is not None and fault.kind == "malformed_json":
        index = min(fault.after_chunks, len(frames) - 1)
        while index < len(frames) - 1 and frames[index].startswith(b"event: ping"):
            index += 1
        frames = [*frames[:index], truncate(frames[index]), *frames[index + 1 :]]
    return PacedResponse(
        frames,
        media_type="text/event-stream",
        headers={**headers, "cache-control": "no-cache"},
        first_delay=settings.first_chunk_ms / 1000,
        gap=settings.chunk_gap_ms / 1000,
        cut_after=cut_after,
    )


def _json_response(
    body: bytes, chunks: int, settings: ModelSettings, fault: Fault | None, headers: dict[str, str]
) -> Response:
    delay = (settings.first_chunk_ms + settings.chunk_gap_ms * max(chunks - 1, 0)) / 1000
    if fault is not None and fault.kind == "malformed_json":
        body = body[: len(body) // 2]
    frames, cut_after = [body], None
    if fault is not None and fault.kind == "cut_stream":
        frames, cut_after = [body[: len(body) // 2], body[len(body) // 2 :]], 1
    return PacedResponse(frames, headers=headers, first_delay=delay, cut_after=cut_after, content_length=len(body))


async def _conversation(request: Request, module: _Endpoint, body: dict[str, Any], size: int) -> Response:
    dialect = module.DIALECT
    state: ServerState = request.app.state.server
    parsed = await _off_loop(size, module.parse, body)
    model = parsed.conversation.model
    fault = state.take_fault(model, module.ENDPOINT)
    state.record(module.ENDPOINT, model, parsed.stream, fault)
    if (failed := await _fault_response(request, dialect, fault)) is not None:
        return failed
    return await _off_loop(size, _answer, module, state, parsed, fault)


def _answer(module: _Endpoint, state: ServerState, parsed: Parsed, fault: Fault | None) -> Response:
    model = parsed.conversation.model
    reply = decide(state.scenario, parsed.conversation, lambda: state.new_id(module.CALL_PREFIX))
    response_id = state.new_id(module.ID_PREFIX)
    settings = state.scenario.settings_for(model)
    headers = _headers(module.DIALECT, state)
    if parsed.stream:
        return _stream_response(module.stream(reply, response_id, parsed), settings, fault, headers)
    body = json_bytes(module.render(reply, response_id, parsed))
    return _json_response(body, len(chunk_text(reply.text)), settings, fault, headers)


def _conversation_endpoint(module: _Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request, body: dict[str, Any], size: int) -> Response:
        return await _conversation(request, module, body, size)

    return _json_endpoint(module.DIALECT, handler)


async def _count_message_tokens(request: Request, body: dict[str, Any], size: int) -> Response:
    """Anthropic ``POST /v1/messages/count_tokens``: the prompt's tokens, without the scenario's cache prefix."""
    parsed = _anthropic.parse({"max_tokens": 1, **body})
    return JSONResponse({"input_tokens": count_tokens(parsed.conversation.prompt_text())})


async def _embeddings_answer(request: Request, body: dict[str, Any], size: int) -> Response:
    state: ServerState = request.app.state.server
    model, answer = await asyncio.to_thread(_embeddings.render, body)  # vectors are CPU work: off the loop
    fault = state.take_fault(model, _embeddings.ENDPOINT)
    state.record(_embeddings.ENDPOINT, model, False, fault)
    if (failed := await _fault_response(request, "openai", fault)) is not None:
        return failed
    settings = state.scenario.settings_for(model)
    return _json_response(json_bytes(answer), 1, settings, fault, _headers("openai", state))


chat_completions = _conversation_endpoint(_openai_chat)
responses = _conversation_endpoint(_openai_responses)
messages = _conversation_endpoint(_anthropic)
count_message_tokens = _json_endpoint("anthropic", _count_message_tokens)
embeddings = _json_endpoint("openai", _embeddings_answer)


async def reset(request: Request) -> Response:
    request.app.state.server.reset()
    return JSONResponse({"reset": True})


async def request_log(request: Request) -> Response:
    records = request.app.state.server.log()
    return JSONResponse(
        [{"endpoint": r.endpoint, "model": r.model, "stream": r.stream, "fault": r.fault} for r in records]
    )


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _http_error(request: Request, exc: Exception) -> Response:
    dialect: Dialect = "anthropic" if request.url.path.startswith("/v1/messages") else "openai"
    if isinstance(exc, HTTPException):
        return _error(dialect, exc.status_code, f"{request.method} {request.url.path}: {exc.detail}.")
    return _error(dialect, 500, f"The model server failed on {request.url.path}: {type(exc).__name__}: {exc}")


def create_app(scenario: ScenarioSource = None, limits: Limits | None = None) -> Starlette:
    """The ASGI app; its ``state.server`` is the ``ServerState`` (scenario, fault counters, request log)."""
    limits = limits or Limits()
    routes = [
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/responses", responses, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
        Route("/v1/messages", messages, methods=["POST"]),
        Route("/v1/messages/count_tokens", count_message_tokens, methods=["POST"]),
        Route("/_scenario/reset", reset, methods=["POST"]),
        Route("/_scenario/requests", request_log, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {HTTPException: _http_error, Exception: _http_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.server = ServerState(load_scenario(scenario), log_size=limits.request_log)
    app.state.limits = limits
    return app
