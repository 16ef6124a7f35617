"""Serve the receiver with uvicorn; on SIGTERM or SIGINT stop taking requests, then drain the queue into the lake.

uvicorn re-raises the signal it caught once it has shut down; the handlers installed here take it,
so the process lives on to write what it acknowledged, and exits 0 after.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import uvicorn

from harness.collect._app import Limits, Receiver
from instrumentation.errors import ConfigError

_STARTUP_TIMEOUT_S = 10.0
_GRACE_S = 5  # in-flight requests get this long to finish before the drain
_MAX_CONNECTIONS = 1024


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket, or a ``ConfigError`` that says what to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # IPPROTO_TCP: asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port or --host") from exc
    return sock


def _server(receiver: Receiver, *, log_config: bool) -> uvicorn.Server:
    config = uvicorn.Config(
        receiver,
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=_GRACE_S,
        timeout_keep_alive=30,
        h11_max_incomplete_event_size=64 * 1024,  # headers only: bodies are limited by the receiver
        limit_concurrency=_MAX_CONNECTIONS,  # uvicorn answers 503 past it: bounds what half-sent headers hold
    )
    if not log_config:
        config.log_config = None
    return uvicorn.Server(config)


def run_forever(
    lake_dir: Path,
    host: str,
    port: int,
    *,
    token: str | None = None,
    limits: Limits | None = None,
    workers: int = 0,
    announce: Callable[[str], None] = print,
) -> Receiver:
    """Serve in the foreground until SIGTERM or SIGINT, then drain; returns the receiver (for its counters)."""
    sock = bind(host, port)  # first: a port or host it cannot have starts no decoding worker
    try:
        receiver = Receiver(lake_dir, token=token, limits=limits, workers=workers)
    except BaseException:
        sock.close()
        raise
    caught: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        announce(f"http://{_url_host(host)}:{sock.getsockname()[1]}")
        _server(receiver, log_config=True).run(sockets=[sock])
    finally:
        sock.close()
        receiver.close()  # a second signal meanwhile is noted and ignored: what was acknowledged is written
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return receiver


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class ReceiverHandle:
    """A receiver serving in a background thread (tests, benchmarks): its URL, counters and ``stop()``."""

    def __init__(self, receiver: Receiver, sock: socket.socket, host: str) -> None:
        self.receiver = receiver
        self.port: int = sock.getsockname()[1]
        self.url = f"http://{_url_host(host)}:{self.port}"
        self.traces_url = f"{self.url}/v1/traces"
        self._socket = sock
        self._server = _server(receiver, log_config=False)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)

    def _start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the receiver on {self.url} did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        """Stop serving, then write everything acknowledged; safe to call twice."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=_GRACE_S + _STARTUP_TIMEOUT_S)
        self._socket.close()
        self.receiver.close()


def start(
    lake_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    token: str | None = None,
    limits: Limits | None = None,
    workers: int = 0,
) -> ReceiverHandle:
    handle = ReceiverHandle(Receiver(lake_dir, token=token, limits=limits, workers=workers), bind(host, port), host)
    try:
        handle._start()
    except BaseException:
        handle.stop()
        raise
    return handle


@contextmanager
def serve(
    lake_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    token: str | None = None,
    limits: Limits | None = None,
    workers: int = 0,
) -> Iterator[ReceiverHandle]:
    """``with serve(lake_dir) as receiver: OTLPSpanExporter(endpoint=receiver.traces_url)``; drains on exit."""
    handle = start(lake_dir, host, port, token=token, limits=limits, workers=workers)
    try:
        yield handle
    finally:
        handle.stop()
