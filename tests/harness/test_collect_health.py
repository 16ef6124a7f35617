"""``harness collect`` writes the lake's export health records: what it wrote, refused and lost, by cause.

Against the real receiver on 127.0.0.1, so the scorecard's ``data_completeness`` covers spans that
other apps sent and never reached the lake.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx2 as httpx
import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

from harness.collect import Limits, ReceiverHandle, serve
from instrumentation import semconv
from instrumentation.lake import health_records, read_health

PROTOBUF = {"Content-Type": "application/x-protobuf"}


@pytest.fixture(scope="module")
def body() -> bytes:
    from tests.harness.otlp_spans import make_spans

    return bytes(encode_spans(make_spans(4)).SerializeToString())


def _post(receiver: ReceiverHandle, content: bytes) -> httpx.Response:
    return httpx.post(receiver.traces_url, content=content, headers=PROTOBUF)


def test_a_clean_stop_records_what_it_wrote_so_the_window_is_complete(tmp_path: Path, body: bytes) -> None:
    lake = tmp_path / "lake"
    with serve(lake, limits=Limits(flush_seconds=0.05)) as receiver:
        assert _post(receiver, body).status_code == 200
        assert _post(receiver, body).status_code == 200
    health = read_health(lake)
    assert (health.written, health.dropped, health.records, health.complete) == (8, 0, 1, True)
    record = health_records(lake)[0].to_pylist()[0]
    assert (record["Exporter"], record["ServiceName"], record["Final"]) == ("collect", "harness-collect", True)


def test_spans_refused_after_decoding_are_recorded_by_cause(tmp_path: Path, body: bytes) -> None:
    with serve(tmp_path / "probe", limits=Limits(flush_seconds=60)) as probe:
        assert _post(probe, body).status_code == 200
        one_batch = probe.receiver.queue.gauges()["queued_bytes"]
    lake = tmp_path / "lake"
    limits = Limits(flush_seconds=60, max_queue_bytes=one_batch * 3 // 2)  # one batch fits, two do not
    with serve(lake, limits=limits) as receiver:
        assert _post(receiver, body).status_code == 200
        refused = _post(receiver, body)
        stats = receiver.receiver.stats.snapshot()
    assert refused.status_code == 503 and stats["refused_spans"] == {"queue_full": 4}
    health = read_health(lake)
    assert health.dropped_by_cause == {semconv.DROP_REFUSED_PREFIX + "queue_full": 4}
    assert (health.written, health.dropped) == (4, 4)


def test_spans_lost_to_an_unwritable_lake_are_recorded_as_write_failed(tmp_path: Path, body: bytes) -> None:
    lake = tmp_path / "lake"
    lake.mkdir()
    (lake / "otel_traces").write_text("not a folder")  # spans cannot be written; the health folder can
    with serve(lake, limits=Limits(flush_seconds=0.05)) as receiver:
        assert _post(receiver, body).status_code == 200
    assert receiver.receiver.stats.snapshot()["dropped_spans"] == {"lake_write": 4}
    health = read_health(lake)
    assert (health.written, health.dropped_by_cause) == (0, {semconv.DROP_WRITE_FAILED: 4})


def test_while_spans_are_refused_a_record_is_written_before_the_receiver_stops(tmp_path: Path, body: bytes) -> None:
    with serve(tmp_path / "probe", limits=Limits(flush_seconds=60)) as probe:
        assert _post(probe, body).status_code == 200
        one_batch = probe.receiver.queue.gauges()["queued_bytes"]
    lake = tmp_path / "lake"
    limits = Limits(flush_seconds=60, max_queue_bytes=one_batch * 3 // 2, health_seconds=0.0)
    with serve(lake, limits=limits) as receiver:
        assert _post(receiver, body).status_code == 200
        assert _post(receiver, body).status_code == 503
        deadline = time.monotonic() + 10
        while not read_health(lake).records and time.monotonic() < deadline:  # the writer's periodic record
            time.sleep(0.05)
        running = read_health(lake)
    assert running.dropped_by_cause == {semconv.DROP_REFUSED_PREFIX + "queue_full": 4}
    assert read_health(lake).written == 4  # the final record adds what was written at the stop
