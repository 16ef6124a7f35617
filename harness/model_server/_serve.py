"""Run the app with uvicorn in a background thread: ``serve()`` (context manager) and ``ServerHandle``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

from harness.model_server._app import create_app
from harness.model_server._limits import Limits, protocol_for
from harness.model_server._scenario import ScenarioSource, load_scenario
from harness.model_server._state import RequestRecord, ServerState
from instrumentation.errors import ConfigError

_STARTUP_TIMEOUT_S = 10.0


class ServerHandle:
    """A running model server: its URLs, its request log, and ``reset()`` / ``stop()``."""

    def __init__(self, host: str, sock: socket.socket, server: uvicorn.Server, state: ServerState) -> None:
        self.host = host
        self.port: int = sock.getsockname()[1]
        self.openai_base_url = f"http://{host}:{self.port}/v1"
        self.anthropic_base_url = f"http://{host}:{self.port}"
        self._socket = sock
        self._server = server
        self._state = state
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"model-server-{self.port}")
        self._thread.daemon = True

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered since start or the last reset, in order (endpoint, model, stream, fault)."""
        return self._state.log()

    def reset(self, scenario: ScenarioSource = None) -> None:
        """Forget fault counters, ids and the request log; with ``scenario``, switch to it as well."""
        self._state.reset(load_scenario(scenario) if scenario is not None else None)

    def _start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the model server on {self.host}:{self.port} did not start; see the log above")
            time.sleep(0.005)

    def stop(self) -> None:
        """Stop serving (in-flight requests get up to a second) and wait for the thread; safe to call twice."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=_STARTUP_TIMEOUT_S)
        self._socket.close()


def _server(app: Starlette, *, log_config: bool) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=1,
        http=protocol_for(app.state.limits),  # closes connections that never send a request
    )
    if not log_config:
        config.log_config = None
    return uvicorn.Server(config)


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP (else +40 ms a call)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, even before uvicorn accepts them
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port (0 picks a free one)"
        ) from exc
    return sock


def run_forever(
    host: str, port: int, scenario: ScenarioSource, announce: Callable[[str], None], limits: Limits | None = None
) -> None:
    """Serve in the foreground until interrupted; ``announce`` gets the base URL once the port is bound."""
    app = create_app(scenario, limits)
    sock = _bind(host, port)
    announce(f"http://{host}:{sock.getsockname()[1]}")
    try:
        _server(app, log_config=True).run(sockets=[sock])
    finally:
        sock.close()


def start(
    host: str = "127.0.0.1", port: int = 0, scenario: ScenarioSource = None, limits: Limits | None = None
) -> ServerHandle:
    """Start a server in a background thread and return once its port accepts connections."""
    app = create_app(scenario, limits)
    handle = ServerHandle(host, _bind(host, port), _server(app, log_config=False), app.state.server)
    try:
        handle._start()
    except BaseException:
        handle.stop()
        raise
    return handle


@contextmanager
def serve(
    host: str = "127.0.0.1", port: int = 0, scenario: ScenarioSource = None, limits: Limits | None = None
) -> Iterator[ServerHandle]:
    """``with serve() as server: OpenAI(base_url=server.openai_base_url, api_key="x")``; stops on exit."""
    handle = start(host, port, scenario, limits)
    try:
        yield handle
    finally:
        handle.stop()
