"""OTLP export: the standard OTEL_EXPORTER_OTLP_* variables, alongside the lake."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

import instrumentation
from instrumentation import llm_call, semconv


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).bodies.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    _Receiver.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Receiver.bodies
    server.shutdown()
    server.server_close()


def test_otlp_http_and_lake_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: tuple[str, list[tuple[str, bytes]]]
) -> None:
    endpoint, bodies = receiver
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    monkeypatch.setenv("HARNESS_EXPORTERS", "lake,otlp")
    telemetry = instrumentation.configure("otlp-test", home=tmp_path, set_global=False)
    with llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:
        call.record_usage(100, 10)
    telemetry.shutdown()
    trace_bodies = [body for path, body in bodies if path == "/v1/traces"]
    assert trace_bodies, f"no OTLP trace export arrived; got paths {[p for p, _ in bodies]}"
    request = ExportTraceServiceRequest()
    request.ParseFromString(trace_bodies[0])
    (span,) = [s for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]
    assert span.name == "chat gpt-4o"
    attributes = {kv.key: kv.value for kv in span.attributes}
    assert attributes[semconv.GEN_AI_USAGE_COST_AMOUNT].double_value == pytest.approx(100 * 2.5e-6 + 10 * 10e-6)
    assert list(tmp_path.glob("**/otel_traces/**/part-*.parquet")), "the lake exporter ran beside OTLP"
    assert any(path == "/v1/metrics" for path, _ in bodies), "metrics go to the same collector"


def test_otlp_grpc_is_chosen_by_the_standard_protocol_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

    from instrumentation._exporters import build_span_exporters
    from instrumentation._internal_errors import InternalErrors

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
    settings = instrumentation.load_settings({"exporters": "otlp"})
    ((name, exporter),) = build_span_exporters(settings, InternalErrors(raise_errors=True))
    assert name == "otlp" and isinstance(exporter, GrpcExporter)
    exporter.shutdown()


def test_collector_down_does_not_reach_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1")
    telemetry = instrumentation.configure("down", home=tmp_path, exporters=["lake", "otlp-http"], set_global=False)
    with llm_call("gpt-4o", provider="openai", telemetry=telemetry) as call:
        call.record_usage(1, 1)
    telemetry.shutdown()
    assert telemetry.errors.counts["export.otlp-http"] == 1
    assert list(tmp_path.glob("**/otel_traces/**/part-*.parquet"))
