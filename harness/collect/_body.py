"""An OTLP/HTTP request body into an ``ExportTraceServiceRequest``: media type, content coding, size limit.

Every way a body can be wrong raises ``BodyError`` carrying the HTTP status the OTLP/HTTP
specification gives it (400 does not parse, 413 too large, 415 unsupported type or coding).
"""

from __future__ import annotations

import zlib
from typing import Any, Literal

import pyarrow as pa
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from harness.collect._errors import BodyError, bad_body, too_large
from harness.collect._lazy import Request
from harness.collect._otlp_json import parse_json

Encoding = Literal["protobuf", "json"]

PROTOBUF_TYPES = ("application/x-protobuf", "application/protobuf")
JSON_TYPES = ("application/json",)
CODINGS = ("identity", "gzip", "deflate", "zstd")
_CHUNK = 1 << 16


def media_encoding(content_type: str) -> Encoding:
    """``protobuf`` or ``json`` from a Content-Type header, parameters ignored; else a 415."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in PROTOBUF_TYPES:
        return "protobuf"
    if media in JSON_TYPES:
        return "json"
    shown = media or "(none)"
    raise BodyError(
        415,
        "unsupported_media_type",
        f"Content-Type {shown} is not OTLP: send application/x-protobuf or application/json",
    )


def content_coding(header: str) -> str:
    """The one content coding of a Content-Encoding header (``identity`` when absent); else a 415."""
    codings = [part.strip().lower() for part in header.split(",") if part.strip()]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in CODINGS:
        return codings[0]
    message = f"Content-Encoding {header} is not supported: use one of {', '.join(CODINGS)}"
    accept = [(b"accept-encoding", ", ".join(CODINGS[1:]).encode())]
    raise BodyError(415, "unsupported_encoding", message, headers=accept)


def decompress(body: bytes, coding: str, limit: int) -> bytes:
    """The body without its content coding, refusing to inflate past ``limit`` bytes (a 413)."""
    if coding == "identity":
        return body
    try:
        if coding == "zstd":
            return _zstd(body, limit)
        return _inflate(body, limit, 31 if coding == "gzip" else 15)
    except (zlib.error, pa.ArrowException, OSError) as exc:
        raise bad_body(f"body is not valid {coding}: {exc}") from exc


def _inflate(body: bytes, limit: int, wbits: int) -> bytes:
    out = bytearray()
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        while data:
            out += inflater.decompress(data, limit + 1 - len(out))
            if len(out) > limit:
                raise too_large(limit, "decompressed body")
            data = inflater.unconsumed_tail
        if not inflater.eof:
            raise zlib.error("truncated stream")
        data = inflater.unused_data  # the next gzip member, if any
        if wbits != 31 and data:
            raise zlib.error("data after the end of the stream")
    return bytes(out)


def _zstd(body: bytes, limit: int) -> bytes:
    stream = pa.input_stream(pa.BufferReader(body), compression="zstd")
    out = bytearray()
    while chunk := stream.read(_CHUNK):
        out += chunk
        if len(out) > limit:
            raise too_large(limit, "decompressed body")
    return bytes(out)


def parse(body: bytes, encoding: Encoding) -> Any:
    """The request message, attributes as blobs (``_lazy``), with the decoding error as a 400 naming what is wrong."""
    if encoding == "json":
        return Request.FromString(parse_json(body).SerializeToString())
    try:
        return Request.FromString(body)
    except (DecodeError, RecursionError, ValueError) as exc:
        raise refuse_protobuf(body, exc) from exc


def refuse_protobuf(body: bytes, problem: Exception) -> BodyError:
    """The 400 for a body that does not parse, with what the real message's parse says (it reads attributes too)."""
    try:
        ExportTraceServiceRequest.FromString(body)
    except (DecodeError, RecursionError, ValueError) as exc:
        problem = exc
    return bad_body(f"not a protobuf ExportTraceServiceRequest: {problem}")
