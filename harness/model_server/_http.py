"""HTTP plumbing shared by both dialects: request errors, error bodies, SSE frames and a paced ASGI response."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

Dialect = Literal["openai", "anthropic"]

_OPENAI_TYPES = {
    400: "invalid_request_error",
    404: "invalid_request_error",
    408: "invalid_request_error",
    413: "invalid_request_error",
    429: "requests",
}
_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


class RequestError(Exception):
    """A malformed request: answered with a 400 in the dialect's error shape, naming ``param``."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


def error_body(dialect: Dialect, status: int, message: str, param: str | None = None) -> dict[str, Any]:
    """The provider's error JSON: OpenAI ``{"error": {...}}``, Anthropic ``{"type": "error", "error": {...}}``."""
    if dialect == "openai":
        kind = _OPENAI_TYPES.get(status, "server_error")
        code = "rate_limit_exceeded" if status == 429 else None
        return {"error": {"message": message, "type": kind, "param": param, "code": code}}
    kind = _ANTHROPIC_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}}


def sse(data: Mapping[str, Any] | str, event: str | None = None) -> bytes:
    """One server-sent event frame."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def truncate(frame: bytes) -> bytes:
    """A frame whose JSON is cut in half but still terminated, so the client parses broken JSON."""
    head, _, payload = frame.rstrip(b"\n").rpartition(b"data: ")
    return head + b"data: " + payload[: max(1, len(payload) // 2)] + b"\n\n"


class PacedResponse(Response):
    """Sends ``frames`` with a delay before the first and a gap between the others.

    With ``cut_after`` it stops after that many frames and returns without finishing the body, so
    the server closes the connection mid-response (the client sees an incomplete read).
    """

    def __init__(
        self,
        frames: Sequence[bytes],
        *,
        media_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        first_delay: float = 0.0,
        gap: float = 0.0,
        cut_after: int | None = None,
        content_length: int | None = None,
    ) -> None:
        self.frames = frames
        self.status_code = 200
        self.background = None
        self.first_delay = first_delay
        self.gap = gap
        self.cut_after = cut_after
        raw = [(b"content-type", media_type.encode())]
        if content_length is not None:
            raw.append((b"content-length", str(content_length).encode()))
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        self.raw_headers = raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        frames = list(self.frames[: self.cut_after] if self.cut_after is not None else self.frames)
        if not self.gap and frames:
            frames = [b"".join(frames)]  # nothing to pace: one write (the client still parses each event)
        for index, frame in enumerate(frames):
            delay = self.first_delay if index == 0 else self.gap
            if delay:
                await asyncio.sleep(delay)
            last = index == len(frames) - 1 and self.cut_after is None
            await send({"type": "http.response.body", "body": frame, "more_body": not last})
        if not frames and self.cut_after is None:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


def json_bytes(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
