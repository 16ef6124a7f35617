"""The OTLP/HTTP receiver as a plain ASGI app: ``POST /v1/traces`` into the lake, ``GET /status`` for counters.

Answers follow the OTLP/HTTP specification: 200 with an ``ExportTraceServiceResponse`` (its
``partial_success`` set when spans were rejected) in the request's encoding; failures carry a
``google.rpc.Status``: 400 a body that does not parse, 401 a missing or wrong token, 413 a body past
the limit (before or after decompression), 415 an unsupported media type or content coding, 503
with ``Retry-After`` while the queue is full. Every refusal is counted by cause.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.rpc import code_pb2, status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from harness.collect._body import Encoding, content_coding, media_encoding
from harness.collect._columns import Batch
from harness.collect._days import DayOf
from harness.collect._decode import decode_body
from harness.collect._errors import BodyError, too_large
from harness.collect._queue import LakeQueue
from harness.collect._stats import Stats
from harness.collect._workers import PoolDecoder

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Decoder = Callable[[bytes, str, Encoding], Awaitable[Batch]]

TRACES_PATH = "/v1/traces"
STATUS_PATH = "/status"
_OTHER_SIGNALS = ("/v1/logs", "/v1/metrics", "/v1development/profiles")
_GRPC_CODES = {
    400: code_pb2.INVALID_ARGUMENT,
    401: code_pb2.UNAUTHENTICATED,
    404: code_pb2.UNIMPLEMENTED,
    405: code_pb2.UNIMPLEMENTED,
    408: code_pb2.DEADLINE_EXCEEDED,
    413: code_pb2.RESOURCE_EXHAUSTED,
    415: code_pb2.UNIMPLEMENTED,
    500: code_pb2.INTERNAL,
    503: code_pb2.UNAVAILABLE,
}
_MEDIA = {"protobuf": b"application/x-protobuf", "json": b"application/json"}
_log = logging.getLogger("harness.collect")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one receiver holds at most: bodies, the queue, concurrent reads, and how long a body may take."""

    max_body_bytes: int = 20 << 20  # the specification's recommended default, before and after decompression
    max_queue_bytes: int = 64 << 20
    max_concurrent_bodies: int = 16  # bodies being read or decoded at once
    body_timeout_s: float = 30.0
    segment_rows: int = 50_000
    flush_seconds: float = 2.0
    health_seconds: float = 60.0  # at most one lake health record this often while spans are refused or lost


class Receiver:
    """The ASGI app. ``stats`` counts everything; ``queue`` owns what was acknowledged until it is written."""

    def __init__(
        self,
        lake_dir: Path,
        *,
        token: str | None = None,
        limits: Limits | None = None,
        workers: int = 0,
    ) -> None:
        self.limits = limits or Limits()
        self.stats = Stats()
        self.queue = LakeQueue(
            lake_dir,
            self.stats,
            max_bytes=self.limits.max_queue_bytes,
            segment_rows=self.limits.segment_rows,
            flush_seconds=self.limits.flush_seconds,
            health_seconds=self.limits.health_seconds,
        )
        self._token = token.encode() if token else None
        self._pool = PoolDecoder(workers, self.limits.max_body_bytes) if workers > 0 else None
        self._decode: Decoder = self._pool or self._decode_inline
        self._in_flight = 0  # requests reading or decoding their body
        self._days = DayOf()

    def close(self) -> None:
        """Write everything acknowledged, then stop the decoding workers; call once the server has stopped."""
        self.queue.close()
        if self._pool is not None:
            self._pool.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        headers = {name.lower(): value for name, value in scope["headers"]}
        encoding = _answer_encoding(headers.get(b"content-type", b""))
        try:
            self._authorize(headers)
            if path == TRACES_PATH:
                if method != "POST":
                    raise BodyError(405, "method_not_allowed", "use POST", headers=[(b"allow", b"POST")])
                await self._traces(headers, receive, send)
            elif path == STATUS_PATH:
                if method not in ("GET", "HEAD"):
                    raise BodyError(405, "method_not_allowed", "use GET", headers=[(b"allow", b"GET, HEAD")])
                await _send(send, 200, json.dumps(self.status()).encode(), b"application/json")
            elif path in _OTHER_SIGNALS:
                message = f"{path} is not stored: harness collect keeps traces only (facts travel as spans)"
                raise BodyError(404, "not_traces", message)
            else:
                raise BodyError(404, "not_found", f"no {path} here: OTLP traces go to POST {TRACES_PATH}")
        except BodyError as refusal:
            self.stats.refused(refusal.cause, refusal.spans)
            await _send_status(send, refusal, encoding)
        except Exception:  # noqa: BLE001 - a bug of ours: a 500, a traceback in the log, and a count
            _log.exception("harness collect: internal error on %s %s", method, path)
            self.stats.refused("internal_error")
            await _send_status(
                send, BodyError(500, "internal_error", "internal error; see the receiver's log"), encoding
            )

    def status(self) -> dict[str, Any]:
        return {**self.stats.snapshot(), **self.queue.gauges()}

    def _authorize(self, headers: dict[bytes, bytes]) -> None:
        if self._token is None:
            return
        scheme, _, given = headers.get(b"authorization", b"").partition(b" ")
        # the scheme is case-insensitive (RFC 7235 §2.1): Bearer, bearer, BEARER
        if scheme.lower() != b"bearer" or not hmac.compare_digest(given.strip(b" "), self._token):
            challenge = [(b"www-authenticate", b'Bearer realm="harness collect"')]
            message = "missing or wrong token: send Authorization: Bearer <token>"
            raise BodyError(401, "unauthorized", message, headers=challenge)

    async def _traces(self, headers: dict[bytes, bytes], receive: Receive, send: Send) -> None:
        encoding = media_encoding(headers.get(b"content-type", b"").decode("latin-1"))
        coding = content_coding(headers.get(b"content-encoding", b"").decode("latin-1"))
        self._refuse_early(headers)
        self._in_flight += 1
        try:
            body = await self._read_body(receive)
            batch = await self._decode(body, coding, encoding)
        finally:
            self._in_flight -= 1
        why = self.queue.offer(batch)
        if why is not None:
            raise self._overloaded(why, batch.rows)
        response = ExportTraceServiceResponse()
        if batch.rejected:
            response.partial_success.rejected_spans = sum(batch.rejected.values())
            response.partial_success.error_message = batch.rejection_message()
        await _send(send, 200, _encode(response, encoding), _MEDIA[encoding])

    def _refuse_early(self, headers: dict[bytes, bytes]) -> None:
        """Refuse before reading the body when its declared length is past the limit or nothing has room."""
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            raise too_large(self.limits.max_body_bytes)
        if self.queue.full():
            raise self._overloaded("queue_full")
        if self._in_flight >= self.limits.max_concurrent_bodies:
            raise self._overloaded("busy")

    def _overloaded(self, cause: str, spans: int = 0) -> BodyError:
        waits = {"queue_full": "the queue is full", "busy": "too many bodies in flight", "stopping": "stopping"}
        retry = [(b"retry-after", str(self.queue.retry_after()).encode())]
        return BodyError(503, cause, f"{waits[cause]}: retry after Retry-After seconds", headers=retry, spans=spans)

    async def _read_body(self, receive: Receive) -> bytes:
        limit = self.limits.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.limits.body_timeout_s):
                while True:
                    event = await receive()
                    if event["type"] == "http.disconnect":
                        raise BodyError(400, "client_disconnected", "the client left before its body ended")
                    chunk = event.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        raise too_large(limit)
                    chunks.append(chunk)
                    if not event.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError as exc:
            message = f"the body did not arrive within {self.limits.body_timeout_s:g} s"
            raise BodyError(408, "body_timeout", message, headers=[(b"connection", b"close")]) from exc

    async def _decode_inline(self, body: bytes, coding: str, encoding: Encoding) -> Batch:
        return decode_body(body, coding, encoding, self.limits.max_body_bytes, self._days)


def _answer_encoding(content_type: bytes) -> Encoding:
    """Protobuf answers to protobuf requests; JSON to everything else, which a person can read."""
    try:
        return "protobuf" if media_encoding(content_type.decode("latin-1")) == "protobuf" else "json"
    except BodyError:
        return "json"


def _encode(message: Any, encoding: Encoding) -> bytes:
    if encoding == "json":
        text: str = json_format.MessageToJson(message, indent=None)
        return text.encode()
    data: bytes = message.SerializeToString()
    return data


async def _send_status(send: Send, error: BodyError, encoding: Encoding) -> None:
    status = status_pb2.Status(code=_GRPC_CODES.get(error.status, code_pb2.UNKNOWN), message=error.message)
    await _send(send, error.status, _encode(status, encoding), _MEDIA[encoding], error.headers)


async def _send(
    send: Send, status: int, body: bytes, media: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    raw = [(b"content-type", media), (b"content-length", str(len(body)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
