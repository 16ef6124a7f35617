"""The receiver's first decoding path, kept verbatim as the oracle the fast path is held to.

This is ``_values.py``, ``_columns.py`` and ``_body.parse`` of ``harness.collect`` as they were before
the columnar walk: each span's fields read one by one from the fully parsed ``opentelemetry-proto``
messages, one attribute at a time. It is slow and obviously right; ``test_collect_oracle.py`` asserts the
receiver's path gives the same tables, rejections and refusals on generated requests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from harness.collect._body import Encoding, decompress
from harness.collect._columns import Batch
from harness.collect._days import DayOf
from harness.collect._errors import bad_body
from harness.collect._otlp_json import parse_json
from instrumentation import semconv
from instrumentation.lake import SPAN_KIND_NAMES, STATUS_CODE_NAMES, TRACES_SCHEMA, attr_string

# _values.py as it was


def plain(value: AnyValue) -> Any:
    """The Python value an SDK attribute would hold; bytes as base64 and key-value lists as dicts."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [plain(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: plain(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode("ascii")
    return getattr(value, kind)


_CACHE_LIMIT = 4096
_composites: dict[bytes, str] = {}  # arrays like ["stop"] recur in every span; encoding JSON costs microseconds


def _composite_string(value: AnyValue) -> str:
    """Arrays as ``attr_string`` writes them, key-value lists as JSON objects; cached by the value's wire bytes."""
    key = value.SerializeToString()
    text = _composites.get(key)
    if text is None:
        python = plain(value)
        if python is None:
            text = ""
        elif isinstance(python, dict):
            text = json.dumps(python, separators=(",", ":"))
        else:
            text = attr_string(python)
        if len(_composites) >= _CACHE_LIMIT:
            _composites.clear()
        _composites[key] = text
    return text


def value_string(value: AnyValue, kind: str | None = None) -> str:
    """``attr_string`` of the value; a key-value list becomes a JSON object, an empty value ``""``."""
    if kind is None:
        kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value
    if kind == "int_value":
        return str(value.int_value)
    if kind == "double_value":
        return repr(value.double_value)
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    return _composite_string(value)


def append_attributes(attributes: Iterable[KeyValue], keys: list[str], values: list[str]) -> None:
    """Append keys and string values in order; a key sent twice keeps its first place and its last value.

    Map keys must be unique for DuckDB to read the segment, and SDK attributes always are. This is
    the receiver's innermost loop: it appends in place rather than building a dict per span.
    """
    start = len(keys)
    for kv in attributes:
        value = kv.value
        kind = value.WhichOneof("value")
        keys.append(kv.key)
        values.append(value.string_value if kind == "string_value" else value_string(value, kind))
    count = len(keys) - start
    if count > 1 and len(set(keys[start:])) != count:
        merged = dict(zip(keys[start:], values[start:], strict=True))
        del keys[start:], values[start:]
        keys.extend(merged)
        values.extend(merged.values())


def attribute_pairs(attributes: Iterable[KeyValue]) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    values: list[str] = []
    append_attributes(attributes, keys, values)
    return keys, values


# _columns.py as it was

_KINDS = {Span.SpanKind.Value(f"SPAN_KIND_{kind.name}"): name for kind, name in SPAN_KIND_NAMES.items()}
_STATUSES = {Status.StatusCode.Value(f"STATUS_CODE_{code.name}"): name for code, name in STATUS_CODE_NAMES.items()}
_MAX_NS = 2**63 - 1  # the lake's timestamps are int64 nanoseconds
_ZERO_TRACE = bytes(16)
_ZERO_SPAN = bytes(8)


class _Maps:
    """A ``map<string, string>`` column as flat keys, values and offsets."""

    __slots__ = ("keys", "offsets", "values")

    def __init__(self) -> None:
        self.offsets = [0]
        self.keys: list[str] = []
        self.values: list[str] = []

    def add(self, keys: list[str], values: list[str]) -> None:
        self.keys += keys
        self.values += values
        self.offsets.append(len(self.keys))

    def add_attributes(self, attributes: Iterable[KeyValue]) -> None:
        append_attributes(attributes, self.keys, self.values)
        self.offsets.append(len(self.keys))

    def array(self) -> pa.Array:
        return pa.MapArray.from_arrays(
            pa.array(self.offsets, pa.int32()), pa.array(self.keys, pa.string()), pa.array(self.values, pa.string())
        )


class _Nested:
    """The ``Events`` or ``Links`` column: a list of structs per span, built from flat children."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.offsets = [0]
        self.scalars: dict[str, list[object]] = {name: [] for name in names if name != "Attributes"}
        self.attributes = _Maps()

    def close_span(self) -> None:
        self.offsets.append(len(self.attributes.offsets) - 1)

    def array(self, kind: pa.ListType) -> pa.Array:
        struct_type = kind.value_type
        children = [
            self.attributes.array()
            if name == "Attributes"
            else pa.array(self.scalars[name], struct_type.field(name).type)
            for name in self.names
        ]
        items = pa.StructArray.from_arrays(children, fields=list(struct_type))
        return pa.ListArray.from_arrays(pa.array(self.offsets, pa.int32()), items, type=kind)


class _Columns:
    """Every ``otel_traces`` column of one request, appended span by span."""

    _SCALARS = (
        "Timestamp",
        "TraceId",
        "SpanId",
        "ParentSpanId",
        "TraceState",
        "SpanName",
        "SpanKind",
        "ServiceName",
        "ScopeName",
        "ScopeVersion",
        "Duration",
        "StatusCode",
        "StatusMessage",
    )

    def __init__(self) -> None:
        self.scalars: dict[str, list[object]] = {name: [] for name in self._SCALARS}
        self.appenders = {name: values.append for name, values in self.scalars.items()}
        self.resource = _Maps()
        self.attributes = _Maps()
        self.events = _Nested(("Timestamp", "Name", "Attributes"))
        self.links = _Nested(("TraceId", "SpanId", "TraceState", "Attributes"))
        self.days: list[str] = []

    def table(self) -> pa.Table:
        arrays = []
        for column in TRACES_SCHEMA:
            if column.name in self.scalars:
                arrays.append(pa.array(self.scalars[column.name], column.type))
            elif column.name == "ResourceAttributes":
                arrays.append(self.resource.array())
            elif column.name == "SpanAttributes":
                arrays.append(self.attributes.array())
            elif column.name == "Events":
                arrays.append(self.events.array(column.type))
            else:
                arrays.append(self.links.array(column.type))
        return pa.Table.from_arrays(arrays, schema=TRACES_SCHEMA)


def _reject_reason(span: Span, trace_id: bytes, span_id: bytes, parent: bytes, start: int, end: int) -> str | None:
    if len(trace_id) != 16 or trace_id == _ZERO_TRACE:
        return "invalid_trace_id"
    if len(span_id) != 8 or span_id == _ZERO_SPAN:
        return "invalid_span_id"
    if len(parent) not in (0, 8):
        return "invalid_parent_span_id"
    if start > _MAX_NS or end > _MAX_NS:
        return "timestamp_out_of_range"
    if any(event.time_unix_nano > _MAX_NS for event in span.events):
        return "timestamp_out_of_range"
    if any(len(link.trace_id) != 16 or len(link.span_id) != 8 for link in span.links):
        return "invalid_link"
    return None


@dataclass(frozen=True, slots=True)
class _Context:
    """What every span of one resource and scope shares."""

    service: str
    resource_keys: list[str]
    resource_values: list[str]
    scope_name: str
    scope_version: str


def _add_span(columns: _Columns, span: Span, context: _Context) -> str | None:
    """Append the span's row, or return why it is rejected (appending nothing). Each field is read once."""
    trace_id, span_id, parent = span.trace_id, span.span_id, span.parent_span_id
    start, end = span.start_time_unix_nano, span.end_time_unix_nano
    reason = _reject_reason(span, trace_id, span_id, parent, start, end)
    if reason is not None:
        return reason
    status = span.status
    add = columns.appenders
    add["Timestamp"](start)
    add["TraceId"](trace_id.hex())
    add["SpanId"](span_id.hex())
    add["ParentSpanId"](parent.hex())
    add["TraceState"](span.trace_state)
    add["SpanName"](span.name)
    add["SpanKind"](_KINDS.get(span.kind, "Unspecified"))
    add["ServiceName"](context.service)
    add["ScopeName"](context.scope_name)
    add["ScopeVersion"](context.scope_version)
    add["Duration"](end - start if end > start else 0)
    add["StatusCode"](_STATUSES.get(status.code, "Unset"))
    add["StatusMessage"](status.message)
    columns.resource.add(context.resource_keys, context.resource_values)
    columns.attributes.add_attributes(span.attributes)
    _add_events(columns.events, span)
    _add_links(columns.links, span)
    return None


def _add_events(events: _Nested, span: Span) -> None:
    for event in span.events:
        events.scalars["Timestamp"].append(event.time_unix_nano)
        events.scalars["Name"].append(event.name)
        events.attributes.add_attributes(event.attributes)
    events.close_span()


def _add_links(links: _Nested, span: Span) -> None:
    for link in span.links:
        links.scalars["TraceId"].append(link.trace_id.hex())
        links.scalars["SpanId"].append(link.span_id.hex())
        links.scalars["TraceState"].append(link.trace_state)
        links.attributes.add_attributes(link.attributes)
    links.close_span()


def to_batch(request: ExportTraceServiceRequest, day_of: DayOf | None = None) -> Batch:
    """The request's spans as lake tables by day, with the spans it rejects counted by reason."""
    day_of = day_of or DayOf()
    columns = _Columns()
    batch = Batch()
    for resource_spans in request.resource_spans:
        attributes = resource_spans.resource.attributes
        keys, values = attribute_pairs(attributes)
        service = _service_name(attributes)
        for scope_spans in resource_spans.scope_spans:
            scope = scope_spans.scope
            context = _Context(service, keys, values, scope.name, scope.version)
            for span in scope_spans.spans:
                reason = _add_span(columns, span, context)
                if reason is None:
                    columns.days.append(day_of(span.start_time_unix_nano))
                else:
                    batch.rejected[reason] += 1
    batch.rows = len(columns.days)
    if batch.rows:
        batch.tables = _split_by_day(columns.table(), columns.days)
        batch.nbytes = sum(table.nbytes for table in batch.tables.values())
    return batch


def _service_name(attributes: Iterable[KeyValue]) -> str:
    """``str()`` of the last ``service.name`` value, as ``span_to_row`` takes it from the SDK resource."""
    found = [kv.value for kv in attributes if kv.key == semconv.SERVICE_NAME]
    if not found:
        return ""
    value = plain(found[-1])
    return "" if value is None else str(value)


def _split_by_day(table: pa.Table, days: list[str]) -> dict[str, pa.Table]:
    first = days[0]
    if all(day == first for day in days):
        return {first: table}
    indices: dict[str, list[int]] = {}
    for index, day in enumerate(days):
        indices.setdefault(day, []).append(index)
    return {day: table.take(pa.array(rows, pa.int64())) for day, rows in indices.items()}


def parse(body: bytes, encoding: Encoding) -> ExportTraceServiceRequest:
    if encoding == "json":
        return parse_json(body)
    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except (DecodeError, RecursionError, ValueError) as exc:
        raise bad_body(f"not a protobuf ExportTraceServiceRequest: {exc}") from exc
    return request


def decode_body(body: bytes, coding: str, encoding: Encoding, limit: int, day_of: DayOf | None = None) -> Batch:
    request = parse(decompress(body, coding, limit), encoding)
    try:
        return to_batch(request, day_of)
    except (pa.ArrowException, ValueError, OverflowError, RecursionError) as exc:
        raise bad_body(f"the spans cannot be stored: {exc}") from exc
