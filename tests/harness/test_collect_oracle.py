"""The receiver decodes every body as the reference path (its first, span-by-span walk) does.

Same tables by day (rows, column types, map order), same spans rejected for the same reasons, and
the same refusal (status, cause and message) for a body either path refuses: on generated requests
sent as protobuf and as OTLP/JSON, on mutated bodies, on the SDK's own spans, and at the nesting
depth where protobuf parsing gives up.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from harness.collect import BodyError, decode_body
from harness.collect._body import Encoding
from harness.collect._days import DayOf
from tests.harness import _reference_collect as reference
from tests.harness.otlp_spans import assert_same_rows, make_spans
from tests.harness.otlp_strategies import mutated, otlp_json, requests

_LIMIT = 1 << 24
_EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(decode: Any, body: bytes, encoding: Encoding) -> tuple[Any, ...]:
    try:
        batch = decode(body, "identity", encoding, _LIMIT, DayOf())
    except BodyError as refusal:
        return ("refused", refusal.status, refusal.cause, refusal.message)
    return ("decoded", batch.rows, dict(batch.rejected), batch.tables)


def assert_decodes_as_reference(body: bytes, encoding: Encoding) -> tuple[Any, ...]:
    want = _outcome(reference.decode_body, body, encoding)
    got = _outcome(decode_body, body, encoding)
    assert got[:3] == want[:3]
    if want[0] == "refused":
        assert got[3] == want[3]
    else:
        tables: dict[str, pa.Table] = got[3]
        assert sorted(tables) == sorted(want[3])
        for day, table in tables.items():
            assert_same_rows(table, want[3][day])
    return want


@_EXAMPLES
@given(request=requests(), as_json=st.booleans())
def test_generated_requests_decode_as_the_reference(request: ExportTraceServiceRequest, as_json: bool) -> None:
    if as_json:
        assert_decodes_as_reference(otlp_json(request), "json")
    else:
        assert_decodes_as_reference(request.SerializeToString(), "protobuf")


@settings(_EXAMPLES, max_examples=40)
@given(request=requests(max_spans=40))
def test_larger_batches_decode_as_the_reference(request: ExportTraceServiceRequest) -> None:
    """Many spans a scope: attribute blobs repeat across spans, as they do in real batches."""
    assert_decodes_as_reference(request.SerializeToString(), "protobuf")


_VALID = encode_spans(make_spans(6)).SerializeToString()


def test_sdk_spans_decode_as_the_reference() -> None:
    outcome = assert_decodes_as_reference(_VALID, "protobuf")
    assert outcome[1] == 6


@_EXAMPLES
@given(data=st.data())
def test_mutated_bodies_decode_or_are_refused_as_by_the_reference(data: Any) -> None:
    body = mutated(data, _VALID)
    assert_decodes_as_reference(body, "protobuf")


def _nested(levels: int) -> AnyValue:
    """A value that makes its ``KeyValue`` exactly ``levels`` messages deep."""
    value, depth = AnyValue(string_value="leaf"), 2
    while depth < levels:
        outer = AnyValue()
        if (levels - depth) % 2:
            outer.kvlist_value.values.add(key="k").value.CopyFrom(value)
            depth += 3
        else:
            outer.array_value.values.add().CopyFrom(value)
            depth += 2
        value = outer
    return value


@pytest.mark.parametrize("where", ["span", "event", "link", "resource"])
@pytest.mark.parametrize("levels", range(93, 102))
def test_nesting_past_the_parsers_depth_is_refused_as_by_the_reference(where: str, levels: int) -> None:
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    span = resource_spans.scope_spans.add().spans.add(trace_id=b"\x01" * 16, span_id=b"\x02" * 8, name="deep")
    holder = {"span": span, "event": span.events, "link": span.links, "resource": resource_spans.resource}[where]
    holder = holder.add() if where in ("event", "link") else holder
    holder.attributes.append(KeyValue(key="deep", value=_nested(levels)))
    span.attributes.append(KeyValue(key="deep", value=_nested(levels - 3)))  # the same blob, shallower: cached
    body = request.SerializeToString()
    outcome = assert_decodes_as_reference(body, "protobuf")
    assert assert_decodes_as_reference(body, "protobuf") == outcome  # again, with what the first decode cached
    if outcome[0] == "decoded":  # the span is rejected for its empty link ids: its attributes are still parsed
        assert outcome[2] == ({"invalid_link": 1} if where == "link" else {})
        assert_decodes_as_reference(otlp_json(request), "json")


def test_more_distinct_attributes_than_the_cache_holds_decode_as_the_reference() -> None:
    """Unique values in every span (ids, token counts) fill the blob cache: it is emptied mid-request."""
    request = ExportTraceServiceRequest()
    scope = request.resource_spans.add().scope_spans.add()
    for i in range(80):
        span = scope.spans.add(trace_id=(i + 1).to_bytes(16, "big"), span_id=(i + 1).to_bytes(8, "big"), name="s")
        span.start_time_unix_nano = span.end_time_unix_nano = 1_796_000_000_000_000_000 + i
        for j in range(500):
            span.attributes.add(key=f"k{j % 7}.{j}", value=AnyValue(int_value=i * 1000 + j))
    body = request.SerializeToString()
    assert assert_decodes_as_reference(body, "protobuf")[1] == 80
    assert assert_decodes_as_reference(body, "protobuf")[1] == 80
