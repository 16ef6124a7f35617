"""Hypothesis strategies for OTLP trace requests: every field the receiver reads, valid and not.

Every value type an attribute can hold (arrays and key-value lists nested, bytes, the empty value),
events, links, statuses, kinds past the enum, resources and scopes; ids and timestamps that are
sometimes invalid, so spans are rejected; timestamps around midnight, so a request spans days.
Attributes are drawn partly from a fixed pool, as real batches repeat the same key and value in
span after span, and keys repeat within a span.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from google.protobuf import json_format
from hypothesis import strategies as st
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from tests.harness.otlp_spans import T0

TEXT = st.text(max_size=16)
_DAY_NS = 86_400 * 10**9


def _array(values: list[AnyValue]) -> AnyValue:
    value = AnyValue()
    value.array_value.values.extend(values)
    return value


def _kvlist(pairs: list[tuple[str, AnyValue]]) -> AnyValue:
    value = AnyValue()
    value.kvlist_value.values.extend(KeyValue(key=k, value=v) for k, v in pairs)
    return value


def any_values() -> st.SearchStrategy[AnyValue]:
    leaves = st.one_of(
        st.builds(lambda: AnyValue()),
        TEXT.map(lambda v: AnyValue(string_value=v)),
        st.booleans().map(lambda v: AnyValue(bool_value=v)),
        st.integers(min_value=-(2**63), max_value=2**63 - 1).map(lambda v: AnyValue(int_value=v)),
        st.floats().map(lambda v: AnyValue(double_value=v)),
        st.binary(max_size=8).map(lambda v: AnyValue(bytes_value=v)),
    )

    def nest(children: st.SearchStrategy[AnyValue]) -> st.SearchStrategy[AnyValue]:
        return st.lists(children, max_size=3).map(_array) | st.lists(st.tuples(TEXT, children), max_size=3).map(_kvlist)

    return st.recursive(leaves, nest, max_leaves=10)


_POOL = [  # the same blobs in span after span, as an instrumentation sends them
    KeyValue(key="gen_ai.operation.name", value=AnyValue(string_value="chat")),
    KeyValue(key="gen_ai.usage.input_tokens", value=AnyValue(int_value=1000)),
    KeyValue(key="gen_ai.usage.cost.amount", value=AnyValue(double_value=0.00024)),
    KeyValue(key="stream", value=AnyValue(bool_value=False)),
    KeyValue(key="gen_ai.response.finish_reasons", value=_array([AnyValue(string_value="stop")])),
    KeyValue(key="payload", value=AnyValue(bytes_value=b"\x00\xff")),
    KeyValue(key="nested", value=_kvlist([("a", AnyValue(int_value=1)), ("b", _array([AnyValue()]))])),
    KeyValue(key="empty"),
    KeyValue(key="a", value=AnyValue(string_value="pooled")),
]
_KEYS = st.sampled_from(["a", "b", "service.name", ""]) | TEXT
_KEY_VALUES = st.sampled_from(_POOL) | st.builds(KeyValue, key=_KEYS, value=any_values())
ATTRIBUTES = st.lists(_KEY_VALUES, max_size=6)


def ids(size: int) -> st.SearchStrategy[bytes]:
    """Mostly valid ids (so most spans reach the lake), sometimes any bytes at all (zeros included)."""
    valid = st.integers(min_value=1, max_value=2 ** (8 * size) - 1).map(lambda n: n.to_bytes(size, "big"))
    invalid = st.binary(max_size=size + 4) | st.just(bytes(size))
    return st.integers(min_value=0, max_value=9).flatmap(lambda k: valid if k else invalid)


TIMES = st.integers(min_value=0, max_value=9).flatmap(
    lambda k: (
        st.integers(min_value=2**63 - 2, max_value=2**64 - 1)  # past the lake's int64 nanoseconds
        if k == 0
        else st.integers(min_value=-(10**7), max_value=10**7).map(lambda d: T0 - T0 % _DAY_NS + d)  # midnight
        if k == 1
        else st.integers(min_value=0, max_value=2**63 - 1)
        if k == 2
        else st.integers(min_value=T0, max_value=T0 + 10**12)  # the common case: one day, near each other
    )
)


def spans(draw: Any) -> Span:
    start = draw(TIMES)
    end = draw(st.one_of(TIMES, st.integers(min_value=0, max_value=10**10).map(lambda d: min(start + d, 2**64 - 1))))
    span = Span(
        trace_id=draw(ids(16)),
        span_id=draw(ids(8)),
        parent_span_id=draw(st.one_of(st.just(b""), ids(8))),
        trace_state=draw(TEXT),
        name=draw(TEXT),
        kind=draw(st.integers(min_value=0, max_value=9)),  # 6..9 are not kinds: stored as Unspecified
        start_time_unix_nano=start,
        end_time_unix_nano=end,
        status=Status(code=draw(st.integers(min_value=0, max_value=5)), message=draw(TEXT)),
    )
    span.attributes.extend(draw(ATTRIBUTES))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        span.events.add(time_unix_nano=draw(TIMES), name=draw(TEXT)).attributes.extend(draw(ATTRIBUTES))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        link = span.links.add(trace_id=draw(ids(16)), span_id=draw(ids(8)), trace_state=draw(TEXT))
        link.attributes.extend(draw(ATTRIBUTES))
    return span


_SERVICE_NAMES = st.one_of(
    TEXT.map(lambda v: [KeyValue(key="service.name", value=AnyValue(string_value=v))]),
    any_values().map(lambda v: [KeyValue(key="service.name", value=v)]),
    st.just([]),
)


@st.composite
def requests(draw: Any, max_spans: int = 3) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        resource = ResourceSpans()
        resource.resource.attributes.extend(draw(ATTRIBUTES) + draw(_SERVICE_NAMES) + draw(ATTRIBUTES))
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            scope = ScopeSpans()
            scope.scope.name, scope.scope.version = draw(TEXT), draw(TEXT)
            scope.spans.extend(spans(draw) for _ in range(draw(st.integers(min_value=0, max_value=max_spans))))
            resource.scope_spans.append(scope)
        request.resource_spans.append(resource)
    return request


def otlp_json(request: ExportTraceServiceRequest) -> bytes:
    """The request as OTLP/JSON: the proto3 mapping with ids in hex, as senders write it."""
    document = json_format.MessageToDict(request)
    for resource in document.get("resourceSpans", []):
        for scope in resource.get("scopeSpans", []):
            for span in scope.get("spans", []):
                for holder in (span, *span.get("links", [])):
                    for key in ("traceId", "spanId", "parentSpanId"):
                        if key in holder:
                            holder[key] = base64.b64decode(holder[key]).hex()
    return json.dumps(document).encode()


def mutated(data: Any, body: bytes) -> bytes:
    """``body`` with one to eight bytes flipped, inserted or deleted, drawn from ``data`` (``st.data()``)."""
    out = bytearray(body)
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        at = data.draw(st.integers(min_value=0, max_value=len(out) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            out[at] ^= data.draw(st.integers(min_value=1, max_value=255))
        elif action == "insert":
            out[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif len(out) > 1:
            del out[at]
    return bytes(out)
