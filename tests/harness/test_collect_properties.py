"""Property-based: every body the receiver can be sent gets a clear 4xx or recorded spans; never a 500 or a hang.

The receiver's ASGI app is driven directly (no sockets), one receiver for the module, so hundreds of
generated bodies run in seconds. What is recorded is checked against an independent count of the
spans in the message, and the lake must read back in DuckDB afterwards.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from backports import zstd
from google.protobuf import json_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from harness.collect import Limits, Receiver
from instrumentation.lake import traces_glob
from tests.harness.otlp_spans import make_spans
from tests.harness.otlp_strategies import mutated, otlp_json, requests

_LIMIT = 1 << 20
_CLEAR = {200, 400, 413, 415}
_EXAMPLES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    lake = tmp_path_factory.mktemp("properties") / "lake"
    app = Receiver(lake, limits=Limits(max_body_bytes=_LIMIT, flush_seconds=0.05, max_queue_bytes=1 << 30))
    yield app
    app.close()
    assert app.stats.written_spans == app.stats.received_spans and not app.stats.dropped_spans
    if app.stats.written_spans:  # every segment reads back: map keys unique, types as the schema says
        count = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [traces_glob(lake)]).fetchone()
        assert count == (app.stats.written_spans,)


def _post(app: Receiver, body: bytes, headers: dict[str, str]) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request through the ASGI app, in chunks, under a timeout: a hang fails the example."""
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]
    events = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return events.pop(0) if events else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/traces",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=10))
    start, body_message = sent
    return start["status"], dict(start["headers"]), body_message["body"]


def _spans_in(request: ExportTraceServiceRequest) -> int:
    return sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)


def _check_recorded(
    app: Receiver, request: ExportTraceServiceRequest, answer: tuple[int, Any, bytes], received_before: int
) -> None:
    """A 200 recorded exactly the spans it did not reject."""
    status, headers, body = answer
    assert status == 200
    if headers[b"content-type"] == b"application/json":
        response = json_format.Parse(body, ExportTraceServiceResponse())
    else:
        response = ExportTraceServiceResponse.FromString(body)
    rejected = response.partial_success.rejected_spans
    assert 0 <= rejected <= _spans_in(request)
    assert bool(rejected) == response.HasField("partial_success")
    assert app.stats.received_spans - received_before == _spans_in(request) - rejected


# Arbitrary bytes, arbitrary JSON, arbitrary headers -------------------------------------------------------


@_EXAMPLES
@given(body=st.binary(max_size=4096), coding=st.sampled_from(["", "gzip", "deflate", "zstd", "identity"]))
def test_arbitrary_bytes_get_a_clear_answer(receiver: Receiver, body: bytes, coding: str) -> None:
    status, _, _ = _post(receiver, body, {"Content-Type": "application/x-protobuf", "Content-Encoding": coding})
    assert status in _CLEAR


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)


@_EXAMPLES
@given(document=_JSON)
def test_arbitrary_json_gets_a_clear_answer(receiver: Receiver, document: Any) -> None:
    status, headers, _ = _post(receiver, json.dumps(document).encode(), {"Content-Type": "application/json"})
    assert status in {200, 400}
    assert headers[b"content-type"] == b"application/json"


@_EXAMPLES
@given(content_type=st.text(max_size=40), coding=st.text(max_size=20))
def test_arbitrary_headers_get_a_clear_answer(receiver: Receiver, content_type: str, coding: str) -> None:
    headers = {"Content-Type": content_type.encode("latin-1", "replace").decode("latin-1"), "Content-Encoding": coding}
    headers = {k: v.encode("latin-1", "replace").decode("latin-1") for k, v in headers.items()}
    status, _, _ = _post(receiver, b"", headers)
    assert status in _CLEAR


@pytest.mark.parametrize("coding", ["gzip", "deflate", "zstd"])
def test_bombs_are_refused_as_too_large(receiver: Receiver, coding: str) -> None:
    body = {"gzip": gzip.compress, "deflate": zlib.compress, "zstd": zstd.compress}[coding](b"\0" * (3 * _LIMIT))
    assert len(body) < _LIMIT // 100
    status, _, message = _post(receiver, body, {"Content-Type": "application/x-protobuf", "Content-Encoding": coding})
    assert status == 413 and b"decompressed" in message


# Mutated real bodies ------------------------------------------------------------------------------------

_VALID = bytes(encode_spans(make_spans(4)).SerializeToString())


@_EXAMPLES
@given(data=st.data())
def test_mutated_protobuf_gets_a_clear_answer_and_records_what_it_accepts(receiver: Receiver, data: Any) -> None:
    body = mutated(data, _VALID)
    before = receiver.stats.received_spans
    answer = _post(receiver, body, {"Content-Type": "application/x-protobuf"})
    if answer[0] != 200:
        assert answer[0] == 400
        return
    _check_recorded(receiver, ExportTraceServiceRequest.FromString(bytes(body)), answer, before)


# Generated OTLP messages: every one is valid protobuf, so every one must be recorded or rejected by span ---


@settings(_EXAMPLES, max_examples=60)
@given(request=requests(), as_json=st.booleans())
def test_every_valid_message_is_recorded_or_rejected_span_by_span(
    receiver: Receiver, request: ExportTraceServiceRequest, as_json: bool
) -> None:
    before = receiver.stats.received_spans
    if as_json:
        answer = _post(receiver, otlp_json(request), {"Content-Type": "application/json"})
    else:
        answer = _post(receiver, request.SerializeToString(), {"Content-Type": "application/x-protobuf"})
    _check_recorded(receiver, request, answer, before)


def test_the_module_receiver_recorded_something(receiver: Receiver) -> None:
    """Guards the properties above against passing on a receiver that refuses everything."""
    assert receiver.stats.received_spans > 0 and sum(receiver.stats.rejected_spans.values()) > 0


@pytest.mark.parametrize("depth", [50, 200])
def test_deep_nesting_is_a_clear_answer(receiver: Receiver, depth: int, tmp_path: Path) -> None:
    document: Any = {"stringValue": "leaf"}
    for _ in range(depth):
        document = {"kvlistValue": {"values": [{"key": "k", "value": document}]}}
    span = {"traceId": "01" * 16, "spanId": "02" * 8, "name": "deep", "attributes": [{"key": "k", "value": document}]}
    body = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}).encode()
    status, _, _ = _post(receiver, body, {"Content-Type": "application/json"})
    assert status in {200, 400}
