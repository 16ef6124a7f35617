"""OTLP/JSON into the protobuf message: the proto3 JSON mapping, plus OTLP's one deviation for ids.

OTLP/JSON writes ``traceId``, ``spanId`` and ``parentSpanId`` as (case-insensitive) hex where the
proto3 mapping has base64; everything else is what ``json_format`` parses, unknown fields ignored
as the specification requires. The ids are rewritten to base64 in place, then parsed.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from harness.collect._errors import bad_body

_SPAN_IDS = ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")
_LINK_IDS = ("traceId", "spanId", "trace_id", "span_id")


def parse_json(body: bytes | str) -> ExportTraceServiceRequest:
    """An OTLP/JSON ``ExportTraceServiceRequest`` (or ``TracesData``: the same shape)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise bad_body(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise bad_body(f"a JSON {type(data).__name__}, not an object with resourceSpans")
    _hex_ids_to_base64(data)
    try:
        request = ExportTraceServiceRequest()
        json_format.ParseDict(data, request, ignore_unknown_fields=True)
    except (json_format.ParseError, RecursionError, ValueError, TypeError) as exc:
        raise bad_body(f"not an OTLP/JSON ExportTraceServiceRequest: {exc}") from exc
    return request


def _items(parent: Any, *keys: str) -> list[Any]:
    """The list under the first key present, or nothing (a wrong shape is left for ``ParseDict`` to name)."""
    if not isinstance(parent, dict):
        return []
    for key in keys:
        if key in parent:
            value = parent[key]
            return value if isinstance(value, list) else []
    return []


def _hex_ids_to_base64(data: dict[str, Any]) -> None:
    for r, resource_spans in enumerate(_items(data, "resourceSpans", "resource_spans")):
        for s, scope_spans in enumerate(_items(resource_spans, "scopeSpans", "scope_spans")):
            for i, span in enumerate(_items(scope_spans, "spans")):
                where = f"resourceSpans[{r}].scopeSpans[{s}].spans[{i}]"
                _convert(span, _SPAN_IDS, where)
                for j, link in enumerate(_items(span, "links")):
                    _convert(link, _LINK_IDS, f"{where}.links[{j}]")


def _convert(message: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(message, dict):
        return
    for key in keys:
        value = message.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad_body(f"{where}.{key}: expected a hex string, got {type(value).__name__}")
        try:
            raw = binascii.unhexlify(value)
        except (binascii.Error, ValueError) as exc:
            raise bad_body(f"{where}.{key}: {value[:40]!r} is not hex ({exc})") from exc
        message[key] = base64.b64encode(raw).decode("ascii")
