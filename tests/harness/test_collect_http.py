"""``harness collect`` answers as the OTLP/HTTP specification says, and counts every refusal by cause."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest
from google.rpc import status_pb2
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.trace.export import SpanExportResult

from harness.collect import Limits, ReceiverHandle, serve
from tests.harness.otlp_spans import make_spans, span_ids

PROTOBUF = {"Content-Type": "application/x-protobuf"}
_UNFINISHED = (
    b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\n"
)


@pytest.fixture(scope="module")
def body() -> bytes:
    return bytes(encode_spans(make_spans(4)).SerializeToString())


def _post(receiver: ReceiverHandle, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(receiver.traces_url, content=content, headers=headers if headers is not None else PROTOBUF)


def _status_message(response: httpx.Response) -> str:
    if response.headers["content-type"] == "application/json":
        return str(response.json()["message"])
    return str(status_pb2.Status.FromString(response.content).message)


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_bodies_that_do_not_parse_get_400_naming_the_problem(tmp_path: Path) -> None:
    with serve(tmp_path / "lake") as receiver:
        garbage = _post(receiver, b"\xff\xff\xff not protobuf")
        bad_json = _post(receiver, b'{"resourceSpans": [', {"Content-Type": "application/json"})
        wrong_shape = _post(receiver, b'{"resourceSpans": 5}', {"Content-Type": "application/json"})
        bad_gzip = _post(receiver, b"not gzip", {**PROTOBUF, "Content-Encoding": "gzip"})
        stats = receiver.receiver.stats.snapshot()
    assert [r.status_code for r in (garbage, bad_json, wrong_shape, bad_gzip)] == [400, 400, 400, 400]
    assert garbage.headers["content-type"] == "application/x-protobuf"  # the Status in the request's encoding
    assert "protobuf" in _status_message(garbage)
    assert "not JSON" in _status_message(bad_json)
    assert "resourceSpans" in _status_message(wrong_shape)
    assert "gzip" in _status_message(bad_gzip)
    assert stats["refused_requests"] == {"bad_body": 4} and stats["received_spans"] == 0


def test_bodies_past_the_limit_get_413_before_and_after_decompression(tmp_path: Path, body: bytes) -> None:
    limits = Limits(max_body_bytes=len(body) + 10)
    bomb = gzip.compress(b"\0" * (10 * len(body)))
    assert len(bomb) < len(body)
    with serve(tmp_path / "lake", limits=limits) as receiver:
        declared = _post(receiver, body + b"\0" * 100)
        streamed = httpx.post(receiver.traces_url, content=iter([body, b"\0" * 100]), headers=PROTOBUF)
        inflated = _post(receiver, bomb, {**PROTOBUF, "Content-Encoding": "gzip"})
        fits = _post(receiver, body)
        stats = receiver.receiver.stats.snapshot()
    assert [r.status_code for r in (declared, streamed, inflated, fits)] == [413, 413, 413, 200]
    assert "decompressed" in _status_message(inflated)
    assert stats["refused_requests"] == {"too_large": 3}


def test_a_token_is_required_when_set(tmp_path: Path) -> None:
    spans = make_spans(3)
    with serve(tmp_path / "lake", token="s3cret") as receiver:
        anonymous = OTLPSpanExporter(endpoint=receiver.traces_url)
        wrong = OTLPSpanExporter(endpoint=receiver.traces_url, headers={"Authorization": "Bearer nope"})
        right = OTLPSpanExporter(endpoint=receiver.traces_url, headers={"Authorization": "Bearer s3cret"})
        results = [exporter.export(spans) for exporter in (anonymous, wrong, right)]
        status = httpx.get(f"{receiver.url}/status")
        challenge = _post(receiver, b"")
        counters = receiver.receiver.stats.snapshot()
    assert results == [SpanExportResult.FAILURE, SpanExportResult.FAILURE, SpanExportResult.SUCCESS]
    assert status.status_code == 401
    assert challenge.status_code == 401 and challenge.headers["www-authenticate"].startswith("Bearer")
    assert counters["refused_requests"] == {"unauthorized": 4} and counters["received_spans"] == 3
    assert len(span_ids(tmp_path / "lake")) == 3


def test_the_token_scheme_is_case_insensitive_and_status_answers_head(tmp_path: Path) -> None:
    with serve(tmp_path / "lake", token="s3cret") as receiver:
        url = f"{receiver.url}/status"
        cased = [httpx.get(url, headers={"Authorization": f"{scheme} s3cret"}) for scheme in ("bearer", "BEARER")]
        prefix = httpx.get(url, headers={"Authorization": "Bearers3cret"})  # no scheme at all
        head = httpx.head(url, headers={"Authorization": "Bearer s3cret"})
        posted = httpx.post(url, headers={"Authorization": "Bearer s3cret"})
    assert [r.status_code for r in cased] == [200, 200] and prefix.status_code == 401
    assert head.status_code == 200 and head.content == b""
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"


def test_unsupported_types_codings_methods_and_signals(tmp_path: Path, body: bytes) -> None:
    with serve(tmp_path / "lake") as receiver:
        text = _post(receiver, body, {"Content-Type": "text/plain"})
        brotli = _post(receiver, body, {**PROTOBUF, "Content-Encoding": "br"})
        get = httpx.get(receiver.traces_url)
        logs = httpx.post(f"{receiver.url}/v1/logs", content=b"{}", headers={"Content-Type": "application/json"})
        metrics = httpx.post(f"{receiver.url}/v1/metrics", content=b"", headers=PROTOBUF)
        elsewhere = httpx.get(f"{receiver.url}/nowhere")
        stats = receiver.receiver.stats.snapshot()
    assert (text.status_code, brotli.status_code, get.status_code) == (415, 415, 405)
    assert "application/x-protobuf" in _status_message(text)
    assert "gzip" in brotli.headers["accept-encoding"]
    assert get.headers["allow"] == "POST"
    assert (logs.status_code, metrics.status_code, elsewhere.status_code) == (404, 404, 404)
    assert "traces only" in _status_message(logs)
    assert stats["refused_requests"] == {
        "unsupported_media_type": 1,
        "unsupported_encoding": 1,
        "method_not_allowed": 1,
        "not_traces": 2,
        "not_found": 1,
    }


def test_every_supported_coding_and_an_empty_request(tmp_path: Path, body: bytes) -> None:
    from backports import zstd

    codings = {"gzip": gzip.compress(body), "deflate": zlib.compress(body), "zstd": zstd.compress(body)}
    with serve(tmp_path / "lake") as receiver:
        answers = [_post(receiver, data, {**PROTOBUF, "Content-Encoding": c}) for c, data in codings.items()]
        empty = _post(receiver, b"")
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert empty.status_code == 200 and ExportTraceServiceResponse.FromString(empty.content).ByteSize() == 0
    assert len(span_ids(tmp_path / "lake")) == 3 * 4


def test_partial_success_names_what_was_rejected(tmp_path: Path) -> None:
    request = encode_spans(make_spans(3))
    request.resource_spans[0].scope_spans[0].spans[1].span_id = b"\0" * 8
    request.resource_spans[0].scope_spans[0].spans[2].trace_id = b"short"
    with serve(tmp_path / "lake") as receiver:
        response = _post(receiver, request.SerializeToString())
        stats = receiver.receiver.stats.snapshot()
    assert response.status_code == 200
    partial = ExportTraceServiceResponse.FromString(response.content).partial_success
    assert partial.rejected_spans == 2
    assert "trace id" in partial.error_message and "span id" in partial.error_message
    assert stats["rejected_spans"] == {"invalid_span_id": 1, "invalid_trace_id": 1}
    assert stats["received_spans"] == 1 and len(span_ids(tmp_path / "lake")) == 1


def _block_lake(lake: Path) -> Path:
    """The lake cannot be written while its table folder is a file (root ignores permission bits)."""
    lake.mkdir(parents=True, exist_ok=True)
    blocker = lake / "otel_traces"
    blocker.write_text("not a folder")
    return blocker


def test_a_full_queue_answers_503_and_loses_nothing_it_accepted(tmp_path: Path, body: bytes) -> None:
    lake = tmp_path / "lake"
    blocker = _block_lake(lake)
    limits = Limits(max_queue_bytes=1, flush_seconds=0.05)  # one batch fills it
    with serve(lake, limits=limits) as receiver:
        first = _post(receiver, body)
        _wait(lambda: receiver.receiver.stats.write_failures > 0)
        held = receiver.receiver.status()  # acknowledged, taken by the writer, not yet written: counted as held
        refused = [_post(receiver, body) for _ in range(3)]
        exporter = OTLPSpanExporter(endpoint=receiver.traces_url, timeout=20)
        spans = make_spans(2, first_id=1000)
        result: list[SpanExportResult] = []
        client = threading.Thread(target=lambda: result.append(exporter.export(spans)))
        client.start()  # the SDK's exporter retries on 503, waiting as Retry-After says
        time.sleep(1.0)
        blocker.unlink()
        client.join(timeout=30)
    stats = receiver.receiver.stats.snapshot()
    assert first.status_code == 200
    assert [r.status_code for r in refused] == [503, 503, 503]
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert result == [SpanExportResult.SUCCESS]
    assert stats["refused_requests"]["queue_full"] >= 3 and stats["dropped_spans"] == {}
    written = span_ids(lake)
    assert len(written) == 4 + 2 == len(set(written))  # the first batch and the SDK's, each exactly once
    assert stats["received_spans"] == stats["written_spans"] == 6
    assert (held["received_spans"], held["written_spans"], held["queued_spans"], held["held_spans"]) == (4, 0, 0, 4)


def test_stopping_with_an_unwritable_lake_counts_the_spans_it_loses(tmp_path: Path, body: bytes) -> None:
    lake = tmp_path / "lake"
    _block_lake(lake)
    with serve(lake, limits=Limits(flush_seconds=0.05)) as receiver:
        assert _post(receiver, body).status_code == 200
    stats = receiver.receiver.stats.snapshot()
    assert stats["received_spans"] == 4 and stats["written_spans"] == 0
    assert stats["dropped_spans"] == {"lake_write": 4} and stats["write_failures"] >= 1


def test_a_body_that_never_arrives_gets_408(tmp_path: Path) -> None:
    with serve(tmp_path / "lake", limits=Limits(body_timeout_s=0.3)) as receiver:
        with socket.create_connection(("127.0.0.1", receiver.port), timeout=5) as sock:
            sock.sendall(_UNFINISHED + b"\x0a")
            answer = sock.recv(4096).decode("latin-1")
        stats = receiver.receiver.stats.snapshot()
    assert answer.startswith("HTTP/1.1 408")
    assert stats["refused_requests"] == {"body_timeout": 1}


def test_too_many_bodies_in_flight_get_503(tmp_path: Path, body: bytes) -> None:
    with serve(tmp_path / "lake", limits=Limits(max_concurrent_bodies=1, body_timeout_s=2)) as receiver:
        with socket.create_connection(("127.0.0.1", receiver.port), timeout=5) as slow:
            slow.sendall(_UNFINISHED)
            _wait(lambda: receiver.receiver._in_flight == 1)
            busy = _post(receiver, body)
        stats = receiver.receiver.stats.snapshot()
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert stats["refused_requests"]["busy"] == 1
