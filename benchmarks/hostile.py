"""The local model server under hostile input, and what the credential redactor costs, measured in one run.

    .venv/bin/python -m benchmarks.hostile            # about 15 seconds

Rows: how long a refusal takes (a 50 MB body announced by Content-Length, embeddings with
``dimensions: 10000000``, JSON nested 100,000 deep), and the latency of small requests to the same
server while one client posts a body at the size limit (4 MiB) versus while it is idle. Then the
redactor's cost per KiB of captured content, on text without any credential hint and on text full of
them (``password`` and ``key`` in prose trigger the context rules).
"""

from __future__ import annotations

import socket
import statistics
import threading
import time

import httpx2 as httpx

import instrumentation
from benchmarks._timing import per_call_us, print_table
from harness.model_server import Limits, serve

CHAT = {"model": "m", "messages": [{"role": "user", "content": "How do I get a refund?"}]}


def _refusal_ms(port: int) -> list[tuple[str, str, str]]:
    rows = []
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n\r\n"
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head + b'{"model": ')
        reply = sock.recv(200)
    rows.append(("50 MB body (Content-Length)", reply.split(b"\r\n")[0].decode(), f"{_ms(started)}"))
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        started = time.perf_counter()
        status = http.post("/v1/embeddings", json={"model": "e", "input": "hi", "dimensions": 10_000_000}).status_code
        rows.append(("embeddings dimensions=10,000,000", str(status), _ms(started)))
        body = b'{"model": "m", "messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        started = time.perf_counter()
        status = http.post("/v1/chat/completions", content=body).status_code
        rows.append(("JSON nested 100,000 deep", str(status), _ms(started)))
    return rows


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.1f} ms"


def _latencies(port: int, during: threading.Thread | None, count: int = 200) -> list[float]:
    samples = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        if during is not None:
            during.start()
        while len(samples) < count and (during is None or during.is_alive() or len(samples) < 20):
            started = time.perf_counter()
            http.post("/v1/chat/completions", json=CHAT)
            samples.append((time.perf_counter() - started) * 1000)
    if during is not None:
        during.join()
    return samples


def _big_body_poster(port: int, limits: Limits) -> threading.Thread:
    words = "refund " * ((limits.max_body_bytes - 200) // 7)
    body = {"model": "m", "messages": [{"role": "user", "content": words}]}

    def post() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for _ in range(3):
                assert http.post("/v1/chat/completions", json=body).status_code == 200

    return threading.Thread(target=post)


def _latency_rows(port: int, limits: Limits) -> list[tuple[str, str, str, str]]:
    rows = []
    for label, during in (("idle", None), ("beside 3 x 4 MiB bodies", _big_body_poster(port, limits))):
        samples = sorted(_latencies(port, during))
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        rows.append((label, f"{statistics.median(samples):.2f}", f"{p99:.2f}", f"{samples[-1]:.2f}"))
    return rows


def _redaction_rows() -> list[tuple[str, str]]:
    plain = "Where is my order ORD-1234? It was due on Monday, and the tracking page is empty. " * 12
    hinted = "I cannot reset my password; my API key for the service is in the vault, token expired. " * 12
    leaky = plain[:-200] + " sk-proj-" + "a1B2c3D4e5" * 5 + " AKIAIOSFODNN7EXAMPLE "
    rows = []
    for label, text in (("no credential hint", plain), ("hints in prose", hinted), ("two credentials", leaky)):
        kib = len(text) / 1024
        rows.append((label, f"{per_call_us(lambda t=text: instrumentation.redact(t), loops=200) / kib:.1f}"))
    return rows


def main() -> None:
    limits = Limits()
    with serve(limits=limits) as server:
        print_table("refusals", ("input", "answer", "time"), _refusal_ms(server.port))
        print_table("small chat requests (ms)", ("while", "p50", "p99", "max"), _latency_rows(server.port, limits))
    print_table("credential redaction", ("content", "us per KiB"), _redaction_rows())


if __name__ == "__main__":
    main()
