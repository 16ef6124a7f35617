"""The ``otel_traces`` columns and the conversion of an SDK span into one row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from opentelemetry.trace import SpanKind, StatusCode

from instrumentation import semconv

if TYPE_CHECKING:  # a reader of the lake does not import the SDK
    from opentelemetry.sdk.trace import ReadableSpan

_STR_MAP = pa.map_(pa.string(), pa.string())
_TS = pa.timestamp("ns", tz="UTC")
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("Timestamp", _TS),
    ("TraceId", pa.string()),
    ("SpanId", pa.string()),
    ("ParentSpanId", pa.string()),
    ("TraceState", pa.string()),
    ("SpanName", pa.string()),
    ("SpanKind", pa.string()),
    ("ServiceName", pa.string()),
    ("ResourceAttributes", _STR_MAP),
    ("ScopeName", pa.string()),
    ("ScopeVersion", pa.string()),
    ("SpanAttributes", _STR_MAP),
    ("Duration", pa.uint64()),
    ("StatusCode", pa.string()),
    ("StatusMessage", pa.string()),
    (
        "Events",
        pa.list_(pa.struct([("Timestamp", _TS), ("Name", pa.string()), ("Attributes", _STR_MAP)])),
    ),
    (
        "Links",
        pa.list_(
            pa.struct(
                [
                    ("TraceId", pa.string()),
                    ("SpanId", pa.string()),
                    ("TraceState", pa.string()),
                    ("Attributes", _STR_MAP),
                ]
            )
        ),
    ),
]
TRACES_SCHEMA = pa.schema(_FIELDS)
COLUMNS = tuple(TRACES_SCHEMA.names)

# The Collector's pdata string forms, as the ClickHouse exporter writes them.
SPAN_KIND_NAMES = {
    SpanKind.INTERNAL: "Internal",
    SpanKind.SERVER: "Server",
    SpanKind.CLIENT: "Client",
    SpanKind.PRODUCER: "Producer",
    SpanKind.CONSUMER: "Consumer",
}
STATUS_CODE_NAMES = {StatusCode.UNSET: "Unset", StatusCode.OK: "Ok", StatusCode.ERROR: "Error"}


_JSON_ARRAY = json.JSONEncoder(separators=(",", ":")).encode  # one encoder, not one per call


def attr_string(value: Any) -> str:
    """An attribute value as the exporter stores it: strings as-is, bools lower-case, arrays as JSON."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return _JSON_ARRAY(list(value))
    return str(value)


def attr_map(attributes: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if not attributes:
        return []
    return [(key, attr_string(value)) for key, value in attributes.items()]


def _hex_trace(trace_id: int) -> str:
    return format(trace_id, "032x")


def _hex_span(span_id: int) -> str:
    return format(span_id, "016x")


def span_to_row(span: ReadableSpan) -> dict[str, Any]:
    ctx = span.context
    parent = span.parent
    resource = span.resource.attributes if span.resource is not None else {}
    scope = span.instrumentation_scope
    start = span.start_time or 0
    end = span.end_time or start
    return {
        "Timestamp": start,
        "TraceId": _hex_trace(ctx.trace_id) if ctx else "",
        "SpanId": _hex_span(ctx.span_id) if ctx else "",
        "ParentSpanId": _hex_span(parent.span_id) if parent else "",
        "TraceState": ctx.trace_state.to_header() if ctx and ctx.trace_state else "",
        "SpanName": span.name,
        "SpanKind": SPAN_KIND_NAMES.get(span.kind, "Unspecified"),
        "ServiceName": str(resource.get(semconv.SERVICE_NAME, "")),
        "ResourceAttributes": attr_map(resource),
        "ScopeName": scope.name if scope else "",
        "ScopeVersion": (scope.version or "") if scope else "",
        "SpanAttributes": attr_map(span.attributes),
        "Duration": max(end - start, 0),
        "StatusCode": STATUS_CODE_NAMES.get(span.status.status_code, "Unset"),
        "StatusMessage": span.status.description or "",
        "Events": [
            {"Timestamp": event.timestamp, "Name": event.name, "Attributes": attr_map(event.attributes)}
            for event in span.events
        ],
        "Links": [
            {
                "TraceId": _hex_trace(link.context.trace_id),
                "SpanId": _hex_span(link.context.span_id),
                "TraceState": link.context.trace_state.to_header() if link.context.trace_state else "",
                "Attributes": attr_map(link.attributes),
            }
            for link in span.links
        ],
    }


def day_of(timestamp_ns: int) -> str:
    return datetime.fromtimestamp(timestamp_ns / 1e9, tz=UTC).strftime("%Y-%m-%d")


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    columns = {name: [row[name] for row in rows] for name in COLUMNS}
    return pa.Table.from_pydict(columns, schema=TRACES_SCHEMA)
