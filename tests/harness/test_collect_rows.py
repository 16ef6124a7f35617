"""A span sent by the SDK's own OTLP exporter through ``harness collect`` lands as the lake exporter writes it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2 as httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.json.common.trace_encoder import encode_spans as encode_json
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span
from opentelemetry.sdk.trace.export import SpanExportResult

from harness.collect import serve, to_batch
from harness.collect._days import DayOf
from harness.collect._values import value_string
from instrumentation.lake import LakeSpanExporter, attr_string, day_of, rows_to_table, span_to_row
from tests.harness.otlp_spans import assert_same_rows, make_spans, read_lake


@pytest.fixture(scope="module")
def spans() -> list[object]:
    return list(make_spans())


@pytest.fixture(scope="module")
def expected(spans: list[object], tmp_path_factory: pytest.TempPathFactory) -> object:
    """What our lake exporter writes for the same spans."""
    lake = tmp_path_factory.mktemp("lake-exporter") / "lake"
    exporter = LakeSpanExporter(lake)
    assert exporter.export(spans) is SpanExportResult.SUCCESS  # type: ignore[arg-type]
    exporter.shutdown()
    return read_lake(lake)


def test_decoded_columns_equal_span_to_row(spans: list[object]) -> None:
    batch = to_batch(encode_spans(spans))  # type: ignore[arg-type]
    assert batch.rows == len(spans) and not batch.rejected
    (table,) = batch.tables.values()
    want = rows_to_table([span_to_row(s) for s in spans])  # type: ignore[arg-type]
    assert_same_rows(table.sort_by("SpanId"), want.sort_by("SpanId"))


@pytest.mark.parametrize("compression", [Compression.NoCompression, Compression.Gzip, Compression.Deflate])
def test_sdk_protobuf_exporter_through_the_receiver(
    compression: Compression, spans: list[object], expected: object, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    with serve(lake) as receiver:
        exporter = OTLPSpanExporter(endpoint=receiver.traces_url, compression=compression)
        assert exporter.export(spans) is SpanExportResult.SUCCESS  # type: ignore[arg-type]
        exporter.shutdown()
    assert_same_rows(read_lake(lake), expected)  # type: ignore[arg-type]


@pytest.mark.parametrize("gzip_body", [False, True])
def test_sdk_json_encoding_through_the_receiver(
    gzip_body: bool, spans: list[object], expected: object, tmp_path: Path
) -> None:
    """The SDK's JSON HTTP exporter does not install beside our OTLP pins; its encoder does."""
    import gzip

    body = json.dumps(encode_json(spans).to_dict()).encode()  # type: ignore[arg-type]
    headers = {"Content-Type": "application/json"}
    if gzip_body:
        body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
    lake = tmp_path / "lake"
    with serve(lake) as receiver:
        response = httpx.post(receiver.traces_url, content=body, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {}  # full success: partial_success unset
    assert_same_rows(read_lake(lake), expected)  # type: ignore[arg-type]


def test_link_trace_state_is_kept_though_the_sdk_does_not_send_it() -> None:
    span = Span(trace_id=b"\x01" * 16, span_id=b"\x02" * 8, name="s", start_time_unix_nano=1, end_time_unix_nano=2)
    span.links.add(trace_id=b"\x03" * 16, span_id=b"\x04" * 8, trace_state="k=v")
    request = ExportTraceServiceRequest(resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=[span])])])
    (table,) = to_batch(request).tables.values()
    assert table.column("Links").to_pylist()[0][0]["TraceState"] == "k=v"


def test_values_the_sdk_cannot_send_are_stored_as_the_collector_writes_them() -> None:
    nested = AnyValue()
    nested.kvlist_value.values.add(key="a", value=AnyValue(int_value=1))
    nested.kvlist_value.values.add(key="b", value=AnyValue(bytes_value=b"\x00\xff"))
    assert value_string(nested) == '{"a":1,"b":"AP8="}'
    assert value_string(AnyValue(bytes_value=b"hi")) == "aGk="
    assert value_string(AnyValue()) == ""
    mixed = AnyValue()
    mixed.array_value.values.add(string_value="x")
    mixed.array_value.values.add()
    assert value_string(mixed) == '["x",null]'


def test_a_key_sent_twice_keeps_one_entry_with_the_last_value() -> None:
    span = Span(trace_id=b"\x01" * 16, span_id=b"\x02" * 8, name="s")
    span.attributes.extend(
        [KeyValue(key="k", value=AnyValue(string_value="first")), KeyValue(key="k", value=AnyValue(int_value=2))]
    )
    request = ExportTraceServiceRequest(resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=[span])])])
    (table,) = to_batch(request).tables.values()
    assert table.column("SpanAttributes").to_pylist()[0] == [("k", "2")]


_PRIMITIVES = st.one_of(
    st.text(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
)
_SDK_VALUES = st.one_of(
    _PRIMITIVES,
    st.lists(st.text(), max_size=4).map(tuple),
    st.lists(st.booleans(), max_size=4).map(tuple),
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=4).map(tuple),
    st.lists(st.floats(), max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(value=_SDK_VALUES)
def test_every_sdk_attribute_value_decodes_to_attr_string(value: object) -> None:
    """The hot path inlines attr_string for primitives: this holds the two to one rule."""
    from opentelemetry.exporter.otlp.proto.common._internal import _encode_value

    assert value_string(_encode_value(value)) == attr_string(value)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_day_cache_agrees_with_day_of(timestamp: int) -> None:
    days = DayOf()
    assert days(timestamp) == day_of(timestamp)
    for edge in (timestamp - timestamp % 86_400_000_000_000, timestamp - timestamp % 86_400_000_000_000 - 1):
        if edge >= 0:
            assert days(edge) == day_of(edge)


def test_decoding_workers_write_the_same_rows_and_refuse_the_same_bodies(
    spans: list[object], expected: object, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    with serve(lake, workers=1) as receiver:
        exporter = OTLPSpanExporter(endpoint=receiver.traces_url)
        assert exporter.export(spans) is SpanExportResult.SUCCESS  # type: ignore[arg-type]
        bad = httpx.post(receiver.traces_url, content=b"\xff", headers={"Content-Type": "application/x-protobuf"})
    assert bad.status_code == 400 and receiver.receiver.stats.snapshot()["refused_requests"] == {"bad_body": 1}
    assert_same_rows(read_lake(lake), expected)  # type: ignore[arg-type]
