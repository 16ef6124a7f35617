"""The lake's column builder (``spans_to_batch``) against the row conversion (``span_to_row``) on generated spans.

The columns are built the fast way (grouped by attribute keys, one pass per column, caches); the rows
the plain way, one dict per span. Whatever spans hypothesis makes, cut into batches anywhere, the two
must give the same Arrow table, or fail the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState

from instrumentation import semconv
from instrumentation.lake._columns import spans_to_batch
from instrumentation.lake._schema import rows_to_table, span_to_row

KEYS = st.sampled_from(["a", "b", "gen_ai.usage.input_tokens", "k.é", "z"]) | st.text(min_size=1, max_size=4)
SCALARS = st.one_of(
    st.text(max_size=6),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from([0, 1, 0.0, -0.0, 1.0, True, False, "1", "true"]),  # equal, or spelled alike, but not the same
)
# What the SDK keeps (AnyValue): scalars, bytes, None, sequences (mixed and nested ones too), mappings.
# Bytes inside a sequence are left out: JSON cannot spell them, and both conversions fail on them alike.
VALUES = st.one_of(
    SCALARS,
    st.none(),
    st.binary(max_size=4),
    st.lists(SCALARS | st.none(), max_size=3).map(tuple),
    st.lists(SCALARS, max_size=3),
    st.lists(st.lists(SCALARS, max_size=2).map(tuple), max_size=2).map(tuple),
    st.dictionaries(st.text(min_size=1, max_size=3), SCALARS, max_size=2),
    st.lists(st.dictionaries(st.text(min_size=1, max_size=3), SCALARS, max_size=2), max_size=2).map(tuple),
)
IDS = st.integers(1, 2**64 - 1)
TRACE_STATES = st.none() | st.just(TraceState([("k", "v"), ("vendor", "x=1")]))


@st.composite
def attributes(draw: st.DrawFn, shapes: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Mostly one of the batch's shapes (the same keys in the same order, as spans of one kind have), else any."""
    keys = draw(st.sampled_from(shapes) | st.lists(KEYS, max_size=5))
    return {key: draw(VALUES) for key in keys}


def contexts() -> st.SearchStrategy[SpanContext]:
    return st.builds(
        SpanContext,
        IDS,
        IDS,
        is_remote=st.booleans(),
        trace_flags=st.just(TraceFlags(TraceFlags.SAMPLED)),
        trace_state=TRACE_STATES,
    )


@st.composite
def span_specs(draw: st.DrawFn, shapes: Sequence[Sequence[str]]) -> dict[str, Any]:
    start = draw(st.integers(0, 2**62))
    return {
        "name": draw(st.text(max_size=6)),
        "resource": draw(st.integers(0, 2)),
        "scope": draw(st.sampled_from([("scope-a", "1.0"), ("scope-b", None), ("scope-a", "2.0")])),
        "kind": draw(st.sampled_from(list(SpanKind))),
        "parent": draw(st.none() | contexts()),
        "attributes": draw(attributes(shapes)),
        "events": draw(st.lists(st.tuples(st.text(max_size=4), st.none() | attributes(shapes), IDS), max_size=2)),
        "links": draw(st.lists(st.tuples(contexts(), st.none() | attributes(shapes)), max_size=2)),
        "status": draw(st.sampled_from(list(StatusCode))),
        "description": draw(st.none() | st.text(max_size=5)),
        "start": start,
        "end": draw(st.none() | st.integers(0, 2**62)),
        "readable": draw(st.integers(0, 4)) == 0,  # built by hand, not by the SDK: no SDK containers inside
    }


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[int]]:
    shapes = draw(st.lists(st.lists(KEYS, min_size=1, max_size=6, unique=True), min_size=1, max_size=3))
    specs = draw(st.lists(span_specs(shapes), min_size=1, max_size=25))
    cuts = draw(st.lists(st.integers(1, len(specs)), max_size=3, unique=True))
    return specs, sorted(cuts)


RESOURCES = [
    Resource.create({semconv.SERVICE_NAME: "svc", "host.cores": 2, "ok": True, "ratio": 0.5}),
    Resource({"region": "eu", "tags": ("a", "b")}),  # no service name
    Resource.create({semconv.SERVICE_NAME: "other", "ids": (1, 2)}),
]


def _sdk_spans(specs: list[dict[str, Any]]) -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    providers = [TracerProvider(resource=resource) for resource in RESOURCES]
    for provider in providers:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    spans = []
    for spec in specs:
        if spec["readable"]:
            spans.append(_readable(spec))
            continue
        tracer = providers[spec["resource"]].get_tracer(*spec["scope"])
        parent = trace.set_span_in_context(trace.NonRecordingSpan(spec["parent"])) if spec["parent"] else None
        links = [Link(context, attrs) for context, attrs in spec["links"]]
        span = tracer.start_span(
            spec["name"], parent, spec["kind"], spec["attributes"], links, start_time=spec["start"]
        )
        for name, attrs, timestamp in spec["events"]:
            span.add_event(name, attrs, timestamp)
        span.set_status(Status(spec["status"], spec["description"]))
        span.end(spec["end"])
        spans.append(exporter.get_finished_spans()[-1])
    for provider in providers:
        provider.shutdown()
    return spans


def _readable(spec: dict[str, Any]) -> ReadableSpan:
    """A span as another SDK or a test double hands it over: plain dicts and lists, maybe no context at all."""
    context = spec["parent"]  # any SpanContext will do, or None
    return ReadableSpan(
        spec["name"],
        context=context,
        parent=context if spec["end"] is None else None,
        resource=RESOURCES[spec["resource"]] if spec["resource"] else None,
        attributes=_plain(spec["attributes"]),
        events=[Event(name, _plain(attrs), timestamp) for name, attrs, timestamp in spec["events"]],
        links=[Link(context, _plain(attrs)) for context, attrs in spec["links"]],
        kind=spec["kind"],
        status=Status(spec["status"], spec["description"]),
        start_time=spec["start"] if spec["end"] else None,
        end_time=spec["end"],
        instrumentation_scope=InstrumentationScope(*spec["scope"]) if spec["resource"] != 1 else None,
    )


def _plain(attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if attributes is None else dict(attributes)


def _columns(spans: list[ReadableSpan], cuts: list[int]) -> pa.Table | type[Exception]:
    bounds = [0, *cuts, len(spans)]
    try:
        return pa.Table.from_batches([spans_to_batch(spans[a:b]) for a, b in pairwise(bounds) if b > a])
    except Exception as exc:  # noqa: BLE001 - compared with the row conversion's failure below
        return type(exc)


def _rows(spans: list[ReadableSpan]) -> pa.Table | type[Exception]:
    try:
        return rows_to_table([span_to_row(span) for span in spans])
    except Exception as exc:  # noqa: BLE001
        return type(exc)


@settings(max_examples=300, deadline=None)
@given(batches())
def test_span_columns_equal_the_row_conversion_on_any_spans(batch: tuple[list[dict[str, Any]], list[int]]) -> None:
    specs, cuts = batch
    _assert_alike(_sdk_spans(specs), cuts)


def test_equal_values_of_different_types_keep_their_own_spelling() -> None:
    values = [(1,), (True,), (1.0,), (0.0,), (-0.0,), ({"k": 1},), 1, True, 1.0, -0.0]
    spans = _sdk_spans([_spec({"a": value}) for value in values] + [_spec({"a": value}) for value in values])
    _assert_alike(spans, [len(values)])


def test_spans_of_one_shape_among_others_keep_their_order() -> None:
    shapes = [{"a": 1, "b": "x"}, {"b": "y", "a": 2}, {"a": 3, "b": "z"}, {}, {"c": (1, 2)}]
    _assert_alike(_sdk_spans([_spec(shapes[i % len(shapes)]) for i in range(40)]), [])


def test_a_column_of_few_distinct_numbers_keeps_each_spelling() -> None:
    def attrs(i: int) -> dict[str, Any]:
        return {"zero": (0.0, -0.0)[i % 2], "price": 0.1 * (i % 2), "n": i % 3, "mixed": (1, 1.0, True)[i % 3]}

    _assert_alike(_sdk_spans([_spec(attrs(i)) for i in range(24)]), [])


def _spec(attrs: dict[str, Any]) -> dict[str, Any]:
    return {
        **dict.fromkeys(("parent", "description", "end")),
        **{"name": "s", "resource": 0, "scope": ("s", None), "kind": SpanKind.INTERNAL, "attributes": attrs},
        **{"events": [], "links": [], "status": StatusCode.UNSET, "start": 1, "readable": False},
    }


def _assert_alike(spans: list[ReadableSpan], cuts: list[int]) -> None:
    want, got = _rows(spans), _columns(spans, cuts)
    if isinstance(want, pa.Table) and isinstance(got, pa.Table):
        assert got.equals(want), _difference(got, want)
    else:
        assert got == want


def _difference(got: pa.Table, want: pa.Table) -> str:
    for name in want.column_names:
        a, b = got[name].to_pylist(), want[name].to_pylist()
        if a != b:
            row = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
            return f"{name} row {row}: columns {a[row]!r} != rows {b[row]!r}"
    return "schemas or chunking differ"
