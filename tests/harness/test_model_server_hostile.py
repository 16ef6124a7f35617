"""The local model server under hostile input: limits, read timeouts, 400s that name the field, quiet logs."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from harness.model_server import Limits, ServerHandle, serve

LIMITS = Limits(max_body_bytes=1024 * 1024, body_timeout_s=0.5, idle_timeout_s=0.5, request_log=50)
ENDPOINTS = ["/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/messages", "/v1/messages/count_tokens"]
CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "How do I get a refund?"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with serve(limits=LIMITS) as handle:
        yield handle


@pytest.fixture
def http(server: ServerHandle) -> Iterator[httpx.Client]:
    server.reset()
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
        yield client


def _raw(server: ServerHandle, head: bytes, timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    sock.sendall(head)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.mark.parametrize("path", ENDPOINTS)
def test_deep_nesting_is_a_400_that_says_so(http: httpx.Client, path: str) -> None:
    for depth in (100, 100_000):  # parses, but too deep to walk; too deep to parse
        body = b'{"model": "m", "max_tokens": 5, "messages": ' + b"[" * depth + b"]" * depth + b"}"
        response = http.post(path, content=body)
        assert response.status_code == 400, (depth, response.text)
        assert "nested" in response.text and "RecursionError" not in response.text


def test_embedding_dimensions_are_bounded_and_named(http: httpx.Client) -> None:
    started = time.perf_counter()
    response = http.post("/v1/embeddings", json={"model": "e", "input": "hi", "dimensions": 10_000_000})
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 400 and response.json()["error"]["param"] == "dimensions"
    many = http.post("/v1/embeddings", json={"model": "e", "input": ["a b"] * 2000, "dimensions": 3072})
    assert many.status_code == 400 and many.json()["error"]["param"] == "input"
    assert http.post("/v1/embeddings", json={"model": "e", "input": "hi", "dimensions": 3072}).status_code == 200


@pytest.mark.parametrize(
    ("path", "field", "value", "body"),
    [
        ("/v1/chat/completions", "max_tokens", -5, CHAT),
        ("/v1/chat/completions", "max_completion_tokens", 0, CHAT),
        ("/v1/chat/completions", "temperature", 3.5, CHAT),
        ("/v1/chat/completions", "top_p", -0.1, CHAT),
        ("/v1/chat/completions", "n", 0, CHAT),
        ("/v1/responses", "max_output_tokens", -1, {"model": "gpt-test", "input": "hi"}),
        ("/v1/responses", "temperature", 9, {"model": "gpt-test", "input": "hi"}),
        ("/v1/messages", "max_tokens", -5, {"model": "claude-test", "messages": CHAT["messages"]}),
        ("/v1/messages", "temperature", 1.5, {"model": "claude-test", "max_tokens": 9, "messages": CHAT["messages"]}),
        ("/v1/embeddings", "dimensions", 0, {"model": "e", "input": "hi"}),
    ],
)
def test_an_out_of_range_parameter_is_a_400_naming_it(
    http: httpx.Client, path: str, field: str, value: float, body: dict[str, object]
) -> None:
    response = http.post(path, json={**body, field: value})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert f"'{field}'" in error["message"] and str(value) in error["message"]
    if path != "/v1/messages":
        assert error["param"] == field


def test_a_body_over_the_limit_is_refused_before_it_is_read(server: ServerHandle, http: httpx.Client) -> None:
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    started = time.perf_counter()
    with _raw(server, head + b"Content-Length: 52428800\r\n\r\n" + b'{"model": "') as sock:
        reply = _read_all(sock)  # the server answers and closes without waiting for the 50 MB
    assert time.perf_counter() - started < 1.0
    assert reply.startswith(b"HTTP/1.1 413") and b"1048576" in reply
    chunked = head + b"Transfer-Encoding: chunked\r\n\r\n"
    with _raw(server, chunked) as sock:
        piece = b"x" * 65536
        try:
            for _ in range(17):  # just past the limit in chunks, no length announced
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            reply = _read_all(sock)
        except ConnectionResetError:  # it closed on bytes it did not read: refused all the same
            reply = b"HTTP/1.1 413 (reset)"
        assert reply.startswith(b"HTTP/1.1 413"), reply[:100]
    assert http.post("/v1/chat/completions", json=CHAT).status_code == 200


def test_a_big_body_under_the_limit_does_not_stall_other_clients(server: ServerHandle, http: httpx.Client) -> None:
    words = "refund " * 140_000  # ~1 MB of content
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": words}]}
    results: list[int] = []
    worker = threading.Thread(target=lambda: results.append(http.post("/v1/chat/completions", json=body).status_code))
    worker.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as other:
        latencies = []
        while worker.is_alive() and len(latencies) < 200:
            started = time.perf_counter()
            assert other.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
    worker.join()
    assert results == [200]
    assert max(latencies) < 0.5


def test_a_connection_that_never_sends_its_body_is_closed(server: ServerHandle) -> None:
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    started = time.perf_counter()
    with _raw(server, head + b'{"model"') as sock:
        reply = _read_all(sock)
    assert reply.startswith(b"HTTP/1.1 408") and time.perf_counter() - started < 3.0


def test_a_connection_that_never_sends_a_request_is_closed(server: ServerHandle) -> None:
    started = time.perf_counter()
    with _raw(server, b"") as sock:
        assert _read_all(sock) == b""
    assert time.perf_counter() - started < 3.0


def test_clients_that_leave_mid_body_get_one_line_each(server: ServerHandle, caplog: pytest.LogCaptureFixture) -> None:
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
    with caplog.at_level(logging.INFO):
        for _ in range(20):
            _raw(server, head + b'{"model": "gpt').close()
        deadline = time.monotonic() + 5
        while len(caplog.records) < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
    records = [r for r in caplog.records if r.name.startswith(("harness", "uvicorn"))]
    assert len(records) == 20, [r.getMessage() for r in records]
    assert all(r.exc_info is None and "\n" not in r.getMessage() and "disconnected" in r.getMessage() for r in records)


def test_the_request_log_is_bounded(server: ServerHandle, http: httpx.Client) -> None:
    for index in range(LIMITS.request_log + 20):
        http.post("/v1/chat/completions", json={**CHAT, "model": f"m-{index}"})
    log = http.get("/_scenario/requests").json()
    assert len(log) == LIMITS.request_log == len(server.requests)
    assert log[-1]["model"] == f"m-{LIMITS.request_log + 19}" and log[0]["model"] == "m-20"
