"""Ended SDK spans to one ``otel_traces`` Arrow RecordBatch, column by column (no dict per span).

The values are those of ``span_to_row`` (a test holds the two to the same table). Each column is
built by one C-level pass over the batch (``map`` with ``attrgetter``, ``chain``, ``compress``) rather
than a Python loop per span: ids become hex in one ``bytes.hex()``, a resource or scope shared by
many spans is turned into strings once and repeated with ``take``, attribute maps are built a key's
column at a time (``map_array``), and events and links are visited only on the spans that have them.

The SDK's spans are read through their slots (``_attributes._dict``, ``_events._dq`` ...), which
skips a Python property call per field; a span of another kind is read through the public
properties, with the same result.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import attrgetter, is_, is_not, itemgetter
from types import MappingProxyType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanContext

from instrumentation import semconv
from instrumentation.lake._arrow import POOL, take, to_arrow
from instrumentation.lake._maps import map_array
from instrumentation.lake._schema import SPAN_KIND_NAMES, STATUS_CODE_NAMES, TRACES_SCHEMA

NS_PER_DAY = 86_400 * 10**9
_STR = pa.string()
_EVENT_TYPE = TRACES_SCHEMA.field("Events").type.value_type
_LINK_TYPE = TRACES_SCHEMA.field("Links").type.value_type
_KIND = {id(kind): name for kind, name in SPAN_KIND_NAMES.items()}  # enum members hash in Python; ids do not
_STATUS = {id(code): name for code, name in STATUS_CODE_NAMES.items()}
_EMPTY: Mapping[str, Any] = MappingProxyType({})  # what a missing mapping reads as


@dataclass(frozen=True)
class _Getters:
    context: Callable[[Any], Any]
    parent: Callable[[Any], Any]
    name: Callable[[Any], Any]
    kind: Callable[[Any], Any]
    start: Callable[[Any], Any]
    end: Callable[[Any], Any]
    resource: Callable[[Any], Any]
    scope: Callable[[Any], Any]
    status: Callable[[Any], Any]
    attributes: Callable[[Any], Any]
    events: Callable[[Any], Any]
    links: Callable[[Any], Any]


_PUBLIC = _Getters(
    *map(attrgetter, ("context", "parent", "name", "kind", "start_time", "end_time", "resource")),
    *map(attrgetter, ("instrumentation_scope", "status", "attributes", "events", "links")),
)
_SLOTS = _Getters(
    *map(attrgetter, ("_context", "_parent", "_name", "_kind", "_start_time", "_end_time", "_resource")),
    *map(attrgetter, ("_instrumentation_scope", "_status", "_attributes", "_events", "_links")),
)
_SLOT_NAMES = ("_context", "_parent", "_name", "_kind", "_start_time", "_end_time", "_resource", "_status")
_fast_types: dict[type, bool] = {}


def _getters(spans: Sequence[Any]) -> _Getters:
    """Slot getters when every span's type keeps the SDK's fields, else the public properties."""
    for kind in set(map(type, spans)):
        fast = _fast_types.get(kind)
        if fast is None:
            probe = next(s for s in spans if type(s) is kind)
            fast = _fast_types[kind] = all(hasattr(probe, name) for name in _SLOT_NAMES)
        if not fast:
            return _PUBLIC
    return _SLOTS


def _plain(container: Any) -> Any:
    """The dict or deque an SDK container (``BoundedAttributes``, ``BoundedList``) wraps; empty for None."""
    if container is None:
        return _EMPTY
    inner = getattr(container, "_dict", None)
    if isinstance(inner, dict):
        return inner
    return getattr(container, "_dq", container)


def _contents(spans: Sequence[Any], inner: str, public: Callable[[Any], Any]) -> list[Any]:
    """Each span's attributes, events or links: the dict or deque inside the SDK's container when every span
    has one (one C-level pass), else through ``_plain`` span by span."""
    try:
        return list(map(attrgetter(inner), spans))
    except AttributeError:
        return list(map(_plain, map(public, spans)))


def spans_to_batch(spans: Sequence[ReadableSpan]) -> pa.RecordBatch:
    """The ``otel_traces`` rows of ``spans`` (in order) as one RecordBatch."""
    get = _getters(spans)
    contexts = list(map(get.context, spans))
    starts = pc.coalesce(to_arrow(list(map(get.start, spans)), pa.int64()), 0, memory_pool=POOL)
    ends = pc.coalesce(to_arrow(list(map(get.end, spans)), pa.int64()), starts, memory_pool=POOL)
    resources, resource_index = _interned(map(get.resource, spans))
    scopes, scope_index = _interned(map(get.scope, spans))
    states, state_index = _interned(_context_field(contexts, 4))
    statuses, status_index = _interned(map(get.status, spans))
    kinds, kind_index = _interned(map(get.kind, spans))
    columns = [
        pc.cast(starts, TRACES_SCHEMA.field("Timestamp").type, memory_pool=POOL),
        _hex(_context_field(contexts, 0), 16),
        _hex(_context_field(contexts, 1), 8),
        _hex(_context_field(list(map(get.parent, spans)), 1), 8),
        take(_strings(states, _header), state_index),
        to_arrow(list(map(get.name, spans)), _STR),
        take(_strings(kinds, _kind_name), kind_index),
        take(_strings(resources, _service), resource_index),
        take(_resource_maps(resources), resource_index),
        take(_strings(scopes, _scope_name), scope_index),
        take(_strings(scopes, _scope_version), scope_index),
        map_array(_contents(spans, "_attributes._dict", get.attributes)),
        _durations(starts, ends),
        take(_strings(statuses, _status_code), status_index),
        take(_strings(statuses, _status_message), status_index),
        _nested(_contents(spans, "_events._dq", get.events), _event_fields, _EVENT_TYPE),
        _nested(_contents(spans, "_links._dq", get.links), _link_fields, _LINK_TYPE),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=TRACES_SCHEMA)


def days_of(batch: pa.RecordBatch) -> set[int]:
    """The UTC days (days since the epoch) the batch's spans start on."""
    day = pc.divide(pc.cast(batch.column(0), pa.int64(), memory_pool=POOL), NS_PER_DAY, memory_pool=POOL)
    return set(pc.unique(day, memory_pool=POOL).to_pylist())


_CONTEXT_FIELDS = ("trace_id", "span_id", "is_remote", "trace_flags", "trace_state")


def _context_field(contexts: list[Any], index: int) -> list[Any]:
    """One field of each SpanContext (None where there is no context): read as the tuple item it is when
    every context is the API's SpanContext, else through its property."""
    if set(map(type, contexts)) <= {SpanContext, type(None)}:
        if None in contexts:
            return [c[index] if c is not None else None for c in contexts]
        return list(map(itemgetter(index), contexts))
    field = attrgetter(_CONTEXT_FIELDS[index])
    return [field(c) if c is not None else None for c in contexts]


def _hex(ids: list[int | None], width: int) -> pa.Array:
    """Ids as lower-case hex of ``2 * width`` digits ("" for None), from one ``bytes.hex()`` of them all."""
    if None not in ids:
        return _digits(ids, width)  # type: ignore[arg-type]
    present = list(map(is_not, ids, repeat(None)))
    if not any(present):
        return to_arrow([""] * len(ids), _STR)
    column = _digits([0 if value is None else value for value in ids], width)
    return pc.if_else(to_arrow(present, pa.bool_()), column, "", memory_pool=POOL)


def _digits(ids: list[int], width: int) -> pa.Array:
    raw = b"".join(map(int.to_bytes, ids, repeat(width)))  # big-endian; a third of a methodcaller's cost
    offsets = array("i", range(0, (len(ids) + 1) * 2 * width, 2 * width))
    return pa.Array.from_buffers(_STR, len(ids), [None, pa.py_buffer(offsets), pa.py_buffer(raw.hex().encode())])


def _interned(objects: Iterable[Any]) -> tuple[list[Any], pa.Array]:
    """The distinct objects (by identity) in first-seen order, and each row's index into them: a resource,
    scope, status or trace state is most often one object shared by the whole batch, spelled once."""
    items = list(objects)
    if items and all(map(is_, items, repeat(items[0]))):
        return items[:1], _zeros(len(items))
    ids = list(map(id, items))
    by_id = dict(zip(ids, items, strict=True))
    order = {key: position for position, key in enumerate(by_id)}
    return list(by_id.values()), to_arrow(list(map(order.__getitem__, ids)), pa.int32())


def _zeros(n: int) -> pa.Array:
    return pa.Array.from_buffers(pa.int32(), n, [None, pa.py_buffer(bytes(4 * n))])


def _durations(starts: pa.Array, ends: pa.Array) -> pa.Array:
    duration = pc.max_element_wise(pc.subtract(ends, starts, memory_pool=POOL), 0, memory_pool=POOL)
    return pc.cast(duration, pa.uint64(), memory_pool=POOL)


def _strings(distinct: list[Any], spell: Callable[[Any], str]) -> pa.Array:
    return to_arrow(list(map(spell, distinct)), _STR)


def _header(state: Any) -> str:
    return state.to_header() if state else ""  # type: ignore[no-any-return]


def _service(resource: Any) -> str:
    return str(resource.attributes.get(semconv.SERVICE_NAME, "")) if resource is not None else ""


def _scope_name(scope: Any) -> str:
    return scope.name if scope else ""  # type: ignore[no-any-return]


def _scope_version(scope: Any) -> str:
    return (scope.version or "") if scope else ""  # type: ignore[no-any-return]


def _kind_name(kind: Any) -> str:
    return _KIND.get(id(kind), "Unspecified")


def _status_code(status: Any) -> str:
    return _STATUS.get(id(status.status_code), "Unset")


def _status_message(status: Any) -> str:
    return status.description or ""  # type: ignore[no-any-return]


def _resource_maps(resources: list[Any]) -> pa.Array:
    return map_array([r.attributes if r is not None else _EMPTY for r in resources])


def _event_fields(event: Any) -> tuple[list[Any], Any]:
    return [event.timestamp, event.name], event.attributes


def _link_fields(link: Any) -> tuple[list[Any], Any]:
    context = link.context
    ids = [context.trace_id.to_bytes(16, "big").hex(), context.span_id.to_bytes(8, "big").hex()]
    return [*ids, _header(context.trace_state)], link.attributes


def _nested(per_span: list[Any], fields: Callable[[Any], tuple[list[Any], Any]], struct: pa.StructType) -> pa.Array:
    """A ``list<struct<..., Attributes map>>`` column (events, links); only spans that have items are visited."""
    if not any(per_span):
        return _empty(struct, len(per_span))
    offsets = to_arrow(list(accumulate(map(len, per_span), initial=0)), pa.int32())
    items = [fields(item) for item in chain.from_iterable(per_span)]
    columns: list[list[Any]] = [[] for _ in range(struct.num_fields - 1)]
    for values, _ in items:
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    children = [to_arrow(column, struct.field(i).type) for i, column in enumerate(columns)]
    children.append(map_array([_plain(attributes) for _, attributes in items]))
    items_column = pa.StructArray.from_arrays(children, fields=list(struct), memory_pool=POOL)
    return pa.ListArray.from_arrays(offsets, items_column, pool=POOL)


def _empty(struct: pa.StructType, n: int) -> pa.Array:
    """``n`` empty lists: what a batch without events (or links) holds, built without visiting a span."""
    items_column = pa.array([], struct, memory_pool=POOL)
    return pa.ListArray.from_arrays(_zeros(n + 1), items_column, pool=POOL)
