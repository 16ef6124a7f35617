"""An ``ExportTraceServiceRequest`` into ``otel_traces`` Arrow tables, one per day partition.

Each row equals ``rows_to_table([span_to_row(span)])`` for the SDK span the message was encoded
from (a test holds the two paths to it, another holds this path to the receiver's first, span by
span one). The walk is by column, not by span: each field is read from all the request's spans in
one comprehension and becomes an Arrow array in one call, and attributes stay serialized until
``_attributes`` decodes each distinct one once. Spans that cannot be stored faithfully are built
like the rest, then filtered out, counted by reason, and reported to the client as a partial success.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import pyarrow as pa
from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from harness.collect._attributes import attribute_maps
from harness.collect._days import DayOf
from harness.collect._lazy import EVENT_DEPTH, SPAN_DEPTH, Request
from harness.collect._values import attribute_pairs, plain
from instrumentation import semconv
from instrumentation.lake import SPAN_KIND_NAMES, STATUS_CODE_NAMES, TRACES_SCHEMA

_KINDS = {Span.SpanKind.Value(f"SPAN_KIND_{kind.name}"): name for kind, name in SPAN_KIND_NAMES.items()}
_STATUSES = {Status.StatusCode.Value(f"STATUS_CODE_{code.name}"): name for code, name in STATUS_CODE_NAMES.items()}
_MAX_NS = 2**63 - 1  # the lake's timestamps are int64 nanoseconds
_ZERO_TRACE = bytes(16)
_ZERO_SPAN = bytes(8)
_TYPES = {column.name: column.type for column in TRACES_SCHEMA}

REJECT_REASONS = {
    "invalid_trace_id": "a trace id that is not 16 bytes, or all zero",
    "invalid_span_id": "a span id that is not 8 bytes, or all zero",
    "invalid_parent_span_id": "a parent span id that is neither empty nor 8 bytes",
    "invalid_link": "a link whose trace or span id is malformed",
    "timestamp_out_of_range": "a timestamp past 2262-04-11 (beyond int64 nanoseconds)",
}


@dataclass
class Batch:
    """What one request carries for the lake: tables by day, and what was rejected and why."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    rows: int = 0
    nbytes: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def rejection_message(self) -> str:
        parts = [f"{n} with {REJECT_REASONS[reason]}" for reason, n in sorted(self.rejected.items())]
        return f"rejected {sum(self.rejected.values())} span(s): " + "; ".join(parts)


@dataclass
class _Spans:
    """The request's spans in order; what they share with their resource and scope is kept once per scope."""

    spans: list[Any] = field(default_factory=list)
    scope_of_span: list[int] = field(default_factory=list)  # an index into the lists below
    services: list[str] = field(default_factory=list)
    scope_names: list[str] = field(default_factory=list)
    scope_versions: list[str] = field(default_factory=list)
    resource_of_scope: list[int] = field(default_factory=list)
    resource_offsets: list[int] = field(default_factory=lambda: [0])
    resource_keys: list[str] = field(default_factory=list)
    resource_values: list[str] = field(default_factory=list)

    def add_resource(self, keys: list[str], values: list[str]) -> None:
        self.resource_keys += keys
        self.resource_values += values
        self.resource_offsets.append(len(self.resource_keys))

    def add_scope(self, spans: list[Any], service: str, scope: Any) -> None:
        self.spans += spans
        self.scope_of_span += [len(self.services)] * len(spans)
        self.services.append(service)
        self.scope_names.append(scope.name)
        self.scope_versions.append(scope.version)
        self.resource_of_scope.append(len(self.resource_offsets) - 2)

    def columns(self) -> dict[str, pa.Array]:
        """The resource's and scope's columns, one row per span: each scope's values taken for its spans."""
        scopes = pa.array(self.scope_of_span, pa.int32())
        resources = pa.MapArray.from_arrays(
            pa.array(self.resource_offsets, pa.int32()),
            pa.array(self.resource_keys, pa.string()),
            pa.array(self.resource_values, pa.string()),
        )
        return {
            "ServiceName": pa.array(self.services, pa.string()).take(scopes),
            "ScopeName": pa.array(self.scope_names, pa.string()).take(scopes),
            "ScopeVersion": pa.array(self.scope_versions, pa.string()).take(scopes),
            "ResourceAttributes": resources.take(pa.array(self.resource_of_scope, pa.int32()).take(scopes)),
        }


def _gather(request: Any) -> _Spans:
    """Resource and scope attributes are decoded once each, for all their spans."""
    gathered = _Spans()
    for resource_spans in request.resource_spans:
        attributes = resource_spans.resource.attributes
        gathered.add_resource(*attribute_pairs(attributes))
        service = _service_name(attributes)
        for scope_spans in resource_spans.scope_spans:
            spans = list(scope_spans.spans)
            if spans:
                gathered.add_scope(spans, service, scope_spans.scope)
    return gathered


def to_batch(request: Any, day_of: DayOf | None = None) -> Batch:
    """The request's spans as lake tables by day, with the spans it rejects counted by reason.

    ``request`` is an ``ExportTraceServiceRequest``, of ``_lazy`` (attributes as blobs) or the real one.
    """
    if not isinstance(request, Request):
        request = Request.FromString(request.SerializeToString())
    gathered = _gather(request)
    batch = Batch()
    if not gathered.spans:
        return batch
    columns = _Columns(gathered.spans)
    table = columns.table(gathered)
    reasons = columns.reject_reasons()
    starts = columns.starts
    if reasons is not None:
        batch.rejected.update(reason for reason in reasons if reason is not None)
        keep = [reason is None for reason in reasons]
        table = table.filter(pa.array(keep, pa.bool_()))
        starts = [start for start, kept in zip(starts, keep, strict=True) if kept]
    batch.rows = table.num_rows
    if batch.rows:
        batch.tables = _split_by_day(table, starts, day_of or DayOf())
        batch.nbytes = sum(table.nbytes for table in batch.tables.values())
    return batch


class _Columns:
    """Every field the lake keeps, read column by column from all the spans; attributes decoded first."""

    def __init__(self, spans: list[Any]) -> None:
        self.spans = spans
        self.attributes = attribute_maps([span.attributes for span in spans], SPAN_DEPTH)
        event_lists = [span.events for span in spans]
        self.events = [event for events in event_lists for event in events]
        self.event_offsets = [0, *accumulate(map(len, event_lists))]
        self.event_attributes = attribute_maps([event.attributes for event in self.events], EVENT_DEPTH)
        link_lists = [span.links for span in spans]
        self.links = [link for links in link_lists for link in links]
        self.link_offsets = [0, *accumulate(map(len, link_lists))]
        self.link_attributes = attribute_maps([link.attributes for link in self.links], EVENT_DEPTH)
        self.trace_ids = [span.trace_id for span in spans]
        self.span_ids = [span.span_id for span in spans]
        self.parents = [span.parent_span_id for span in spans]
        self.starts = [span.start_time_unix_nano for span in spans]
        self.ends = [span.end_time_unix_nano for span in spans]
        self.event_times = [event.time_unix_nano for event in self.events]
        self.link_trace_ids = [link.trace_id for link in self.links]
        self.link_span_ids = [link.span_id for link in self.links]

    def reject_reasons(self) -> list[str | None] | None:
        """None when every span can be stored (checked column by column), else each span's reason or None."""
        if (
            set(map(len, self.trace_ids)) == {16}
            and _ZERO_TRACE not in self.trace_ids
            and set(map(len, self.span_ids)) == {8}
            and _ZERO_SPAN not in self.span_ids
            and set(map(len, self.parents)) <= {0, 8}
            and max(self.starts) <= _MAX_NS
            and max(self.ends) <= _MAX_NS
            and max(self.event_times, default=0) <= _MAX_NS
            and set(map(len, self.link_trace_ids)) <= {16}
            and set(map(len, self.link_span_ids)) <= {8}
        ):
            return None
        fields = zip(self.spans, self.trace_ids, self.span_ids, self.parents, self.starts, self.ends, strict=True)
        return [_reject_reason(*span_fields) for span_fields in fields]

    def table(self, gathered: _Spans) -> pa.Table:
        spans = self.spans
        statuses = [span.status for span in spans]
        arrays = {
            "Timestamp": pa.array(_in_range(self.starts), _TYPES["Timestamp"]),
            "TraceId": pa.array([trace_id.hex() for trace_id in self.trace_ids], pa.string()),
            "SpanId": pa.array([span_id.hex() for span_id in self.span_ids], pa.string()),
            "ParentSpanId": pa.array([parent.hex() for parent in self.parents], pa.string()),
            "TraceState": pa.array([span.trace_state for span in spans], pa.string()),
            "SpanName": pa.array([span.name for span in spans], pa.string()),
            "SpanKind": pa.array([_KINDS.get(span.kind, "Unspecified") for span in spans], pa.string()),
            "SpanAttributes": self.attributes,
            "Duration": pa.array(
                [end - start if end > start else 0 for start, end in zip(self.starts, self.ends, strict=True)],
                pa.uint64(),
            ),
            "StatusCode": pa.array([_STATUSES.get(status.code, "Unset") for status in statuses], pa.string()),
            "StatusMessage": pa.array([status.message for status in statuses], pa.string()),
            "Events": self._events(),
            "Links": self._links(),
            **gathered.columns(),
        }
        return pa.Table.from_arrays([arrays[name] for name in TRACES_SCHEMA.names], schema=TRACES_SCHEMA)

    def _events(self) -> pa.Array:
        children = [
            pa.array(_in_range(self.event_times), _TYPES["Events"].value_type.field("Timestamp").type),
            pa.array([event.name for event in self.events], pa.string()),
            self.event_attributes,
        ]
        return _lists(self.event_offsets, children, _TYPES["Events"])

    def _links(self) -> pa.Array:
        children = [
            pa.array([trace_id.hex() for trace_id in self.link_trace_ids], pa.string()),
            pa.array([span_id.hex() for span_id in self.link_span_ids], pa.string()),
            pa.array([link.trace_state for link in self.links], pa.string()),
            self.link_attributes,
        ]
        return _lists(self.link_offsets, children, _TYPES["Links"])


def _lists(offsets: list[int], children: list[pa.Array], kind: pa.ListType) -> pa.Array:
    items = pa.StructArray.from_arrays(children, fields=list(kind.value_type))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), items, type=kind)


def _in_range(timestamps: list[int]) -> list[int]:
    """The timestamps as they are when all fit int64 nanoseconds; a rejected span's others as 0 (filtered out)."""
    if max(timestamps, default=0) <= _MAX_NS:
        return timestamps
    return [timestamp if timestamp <= _MAX_NS else 0 for timestamp in timestamps]


def _reject_reason(span: Any, trace_id: bytes, span_id: bytes, parent: bytes, start: int, end: int) -> str | None:
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


def _service_name(attributes: Iterable[KeyValue]) -> str:
    """``str()`` of the last ``service.name`` value, as ``span_to_row`` takes it from the SDK resource."""
    found = [kv.value for kv in attributes if kv.key == semconv.SERVICE_NAME]
    if not found:
        return ""
    value = plain(found[-1])
    return "" if value is None else str(value)


def _split_by_day(table: pa.Table, starts: list[int], day_of: DayOf) -> dict[str, pa.Table]:
    common = day_of.common(min(starts), max(starts))
    if common is not None:
        return {common: table}
    indices: dict[str, list[int]] = {}
    for index, start in enumerate(starts):
        indices.setdefault(day_of(start), []).append(index)
    return {day: table.take(pa.array(rows, pa.int64())) for day, rows in indices.items()}
