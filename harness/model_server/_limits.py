"""What the server accepts: body size, read time, JSON depth, idle connections, the request log's length.

A body over ``max_body_bytes`` is refused (413) as soon as its declared length or its bytes pass the
limit, and the connection is closed rather than drained; a body that does not arrive within
``body_timeout_s`` gets a 408 and the connection is closed; a connection that sends no request
within ``idle_timeout_s`` is closed. JSON nested deeper than ``max_depth`` is a 400 (real request
bodies stay under 20 levels, tool schemas included). A client that leaves mid-body is one log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request
from uvicorn.protocols.http.h11_impl import H11Protocol

from harness.model_server._http import RequestError

log = logging.getLogger("harness.model_server")


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 4 * 1024 * 1024
    body_timeout_s: float = 10.0
    idle_timeout_s: float = 10.0
    max_depth: int = 64
    request_log: int = 10_000


class BodyRefusedError(Exception):
    """The body was not accepted (413 too large, 408 too slow): answer ``status`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ClientLeftError(Exception):
    """The client disconnected before its body arrived; there is nobody to answer."""


async def read_body(request: Request, limits: Limits) -> bytes:
    """The whole body, within the size and time limits (``BodyRefusedError``), or ``ClientLeftError``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise BodyRefusedError(413, _too_large(int(declared), limits))
    chunks: list[bytes] = []

    async def collect() -> None:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body_bytes:
                raise BodyRefusedError(413, _too_large(size, limits, at_least=True))
            chunks.append(chunk)

    try:
        await asyncio.wait_for(collect(), timeout=limits.body_timeout_s)
    except TimeoutError:
        raise BodyRefusedError(408, f"The request body did not arrive within {limits.body_timeout_s:g} s.") from None
    except ClientDisconnect:
        log.warning(
            "model server: client disconnected before sending its body (%s %s)", request.method, request.url.path
        )
        raise ClientLeftError from None
    return b"".join(chunks)


def _too_large(size: int, limits: Limits, *, at_least: bool = False) -> str:
    amount = f"at least {size}" if at_least else str(size)
    return f"The request body is {amount} bytes; this server accepts at most {limits.max_body_bytes} bytes."


def parse_json(raw: bytes, limits: Limits) -> Any:
    """The JSON value of ``raw``, or ``RequestError`` for bad JSON and for nesting past ``max_depth``."""
    nested = f"The JSON body is nested more than {limits.max_depth} levels deep."
    try:
        value = json.loads(raw)
    except RecursionError:
        raise RequestError(nested) from None
    except ValueError as exc:
        raise RequestError(f"We could not parse the JSON body of your request: {exc}.") from exc
    if _depth_exceeds(value, limits.max_depth):
        raise RequestError(nested)
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, which also closes a connection that sends nothing within ``idle_timeout_s``
    (uvicorn times out idle connections only between requests, not before the first)."""

    idle_timeout_s = Limits.idle_timeout_s

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # the same timer uvicorn uses between requests: the first byte received cancels it
        self.timeout_keep_alive_task = self.loop.call_later(self.idle_timeout_s, self.timeout_keep_alive_handler)


def protocol_for(limits: Limits) -> type[TimedH11Protocol]:
    return type("LimitedH11Protocol", (TimedH11Protocol,), {"idle_timeout_s": limits.idle_timeout_s})
