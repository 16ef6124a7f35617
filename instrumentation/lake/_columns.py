"""Ended SDK spans to ``otel_traces`` Arrow columns, a batch at a time (no dict per span).

The values are those of ``span_to_row`` (a test holds the two to the same table): this module
appends them to one Python list per column and builds each Arrow array once per batch. Maps
(attributes) are built from flat key and value lists with offsets; a resource shared by many spans
is turned into strings once. The SDK's own containers are read directly where it keeps a plain
dict or deque behind a locked wrapper (``_plain``), falling back to the public properties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
from opentelemetry.sdk.trace import ReadableSpan

from instrumentation import semconv
from instrumentation.lake._schema import SPAN_KIND_NAMES, STATUS_CODE_NAMES, TRACES_SCHEMA, attr_string

NS_PER_DAY = 86_400 * 10**9
_STR = pa.string()
_OFFSETS = pa.int32()
_EVENT_TYPE = TRACES_SCHEMA.field("Events").type.value_type
_LINK_TYPE = TRACES_SCHEMA.field("Links").type.value_type
_TS_TYPE = TRACES_SCHEMA.field("Timestamp").type
# enum members hash in Python; their ids are plain ints
_KIND = {id(kind): name for kind, name in SPAN_KIND_NAMES.items()}
_STATUS = {id(code): name for code, name in STATUS_CODE_NAMES.items()}


def _plain(attributes: Mapping[str, Any]) -> Mapping[str, Any]:
    """The plain dict the SDK's ``BoundedAttributes`` wraps (read without a Python call per key), or the mapping."""
    inner = getattr(attributes, "_dict", None)
    return inner if isinstance(inner, dict) else attributes


def _sequence(span: ReadableSpan, name: str) -> Sequence[Any] | None:
    """The deque behind the SDK's ``BoundedList`` of events or links; None when the span keeps no such field."""
    raw = getattr(span, name, None)
    return getattr(raw, "_dq", raw)  # type: ignore[no-any-return]


class _MapColumn:
    """A ``map<string, string>`` column built from flat keys and values."""

    __slots__ = ("keys", "offsets", "values")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.values: list[str] = []
        self.offsets: list[int] = [0]

    def add(self, attributes: Mapping[str, Any] | None) -> None:
        if attributes:
            plain = _plain(attributes)
            self.keys += plain
            self.values += [value if type(value) is str else attr_string(value) for value in plain.values()]
        self.offsets.append(len(self.keys))

    def extend(self, keys: list[str], values: list[str]) -> None:
        self.keys += keys
        self.values += values
        self.offsets.append(len(self.keys))

    def array(self) -> pa.Array:
        offsets, keys, values = pa.array(self.offsets, _OFFSETS), pa.array(self.keys, _STR), pa.array(self.values, _STR)
        return pa.MapArray.from_arrays(offsets, keys, values)


class _Nested:
    """A ``list<struct<..., Attributes map>>`` column (events, links): flat fields, one map, list offsets."""

    def __init__(self, struct_type: pa.StructType) -> None:
        self._type = struct_type
        self._fields: list[list[Any]] = [[] for _ in range(struct_type.num_fields - 1)]
        self._attributes = _MapColumn()
        self.offsets = [0]
        self.count = 0

    def item(self, values: tuple[Any, ...], attributes: Mapping[str, Any] | None) -> None:
        for column, value in zip(self._fields, values, strict=True):
            column.append(value)
        self._attributes.add(attributes)
        self.count += 1

    def array(self) -> pa.Array:
        children = [pa.array(column, self._type.field(i).type) for i, column in enumerate(self._fields)]
        children.append(self._attributes.array())
        items = pa.StructArray.from_arrays(children, fields=list(self._type))
        return pa.ListArray.from_arrays(pa.array(self.offsets, _OFFSETS), items)


class _Resources:
    """service.name and the attribute strings of each resource, computed once per resource object."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Any, str, list[str], list[str]]] = {}

    def get(self, resource: Any) -> tuple[str, list[str], list[str]]:
        cached = self._seen.get(id(resource))
        if cached is None or cached[0] is not resource:
            attributes = resource.attributes if resource is not None else {}
            keys = [str(key) for key in attributes]
            values = [attr_string(attributes[key]) for key in attributes]
            cached = (resource, str(attributes.get(semconv.SERVICE_NAME, "")), keys, values)
            self._seen[id(resource)] = cached
        return cached[1], cached[2], cached[3]


class SpanColumns:
    """Collects spans as columns; ``take()`` hands them over as one RecordBatch and starts again."""

    def __init__(self) -> None:
        self._resources = _Resources()
        self._reset()

    def _reset(self) -> None:
        self.rows = 0
        self.days: set[int] = set()
        # Timestamp .. ServiceName, then ScopeName, ScopeVersion, Duration, StatusCode, StatusMessage
        self._lists: list[list[Any]] = [[] for _ in range(13)]
        self._resource = _MapColumn()
        self._attributes = _MapColumn()
        self._events = _Nested(_EVENT_TYPE)
        self._links = _Nested(_LINK_TYPE)

    def add(self, spans: Iterable[ReadableSpan]) -> None:
        ts, trace, span_id, parent_id, state, name, kind, service, scope, version, duration, status, message = (
            column.append for column in self._lists
        )
        resources, resource, attributes, days = self._resources, self._resource, self._attributes, self.days
        added = 0
        for span in spans:
            ctx, parent, start = span.context, span.parent, span.start_time or 0
            ts(start)
            days.add(start // NS_PER_DAY)
            trace(ctx.trace_id.to_bytes(16, "big").hex() if ctx else "")
            span_id(ctx.span_id.to_bytes(8, "big").hex() if ctx else "")
            parent_id(parent.span_id.to_bytes(8, "big").hex() if parent else "")
            state(ctx.trace_state.to_header() if ctx and ctx.trace_state else "")
            name(span.name)
            kind(_KIND.get(id(span.kind), "Unspecified"))
            service_name, resource_keys, resource_values = resources.get(span.resource)
            service(service_name)
            resource.extend(resource_keys, resource_values)
            info = span.instrumentation_scope
            scope(info.name if info else "")
            version((info.version or "") if info else "")
            raw = getattr(span, "_attributes", None)
            attributes.add(span.attributes if raw is None else raw)
            duration(max((span.end_time or start) - start, 0))
            code = span.status
            status(_STATUS.get(id(code.status_code), "Unset"))
            message(code.description or "")
            self._add_events_and_links(span)
            added += 1
        self.rows += added

    def _add_events_and_links(self, span: ReadableSpan) -> None:
        events = _sequence(span, "_events")
        if events is None:
            events = span.events
        for event in events:
            self._events.item((event.timestamp, event.name), event.attributes)
        self._events.offsets.append(self._events.count)
        links = _sequence(span, "_links")
        if links is None:
            links = span.links
        for link in links:
            lc = link.context
            state = lc.trace_state.to_header() if lc.trace_state else ""
            ids = (lc.trace_id.to_bytes(16, "big").hex(), lc.span_id.to_bytes(8, "big").hex(), state)
            self._links.item(ids, link.attributes)
        self._links.offsets.append(self._links.count)

    def take(self) -> pa.RecordBatch:
        lists = self._lists
        simple = [pa.array(column, TRACES_SCHEMA.field(i).type) for i, column in enumerate(lists[:8])]
        arrays = [
            *simple,
            self._resource.array(),
            pa.array(lists[8], _STR),
            pa.array(lists[9], _STR),
            self._attributes.array(),
            pa.array(lists[10], pa.uint64()),
            pa.array(lists[11], _STR),
            pa.array(lists[12], _STR),
            self._events.array(),
            self._links.array(),
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=TRACES_SCHEMA)
        self._reset()
        return batch
