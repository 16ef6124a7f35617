"""An OTLP/HTTP endpoint on 127.0.0.1 that misbehaves on purpose: the fault tests and ``benchmarks.faults``.

Modes: ``ok`` (200), ``500``, ``429`` (with ``Retry-After: 1``), ``slow`` (answers 200 after 5 s),
``405-metrics`` (takes traces, answers 405 to ``/v1/metrics`` as Arize Phoenix does), and ``closed``
(a port nothing listens on: connections are refused).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("ok", "500", "429", "slow", "405-metrics", "closed")
SLOW_S = 5.0


class _Collector(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler asleep in "slow" mode must not hold up the caller

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.paths: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Collector

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.paths.append(self.path)
        mode = self.server.mode
        if mode == "slow":
            time.sleep(SLOW_S)
        status = {"500": 500, "429": 429}.get(mode, 200)
        if mode == "405-metrics" and self.path.endswith("/v1/metrics"):
            status = 405
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on exit: connections are refused


@contextmanager
def collector(mode: str) -> Iterator[tuple[str, list[str]]]:
    """The endpoint (``http://127.0.0.1:PORT``) and the paths it was sent, while it runs."""
    if mode == "closed":
        yield f"http://127.0.0.1:{closed_port()}", []
        return
    server = _Collector(mode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.paths
    finally:
        server.shutdown()
        server.server_close()
