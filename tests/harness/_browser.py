"""A real headless Chromium (Debian's ``chromium``) driven over the DevTools protocol, for the report's browser test.

Why the protocol directly (with ``websockets``) rather than Playwright: Playwright's own browser builds cannot
be downloaded here, and the few commands the test needs (open a file, list every request the page made, read
the DOM, take a full-page screenshot) are five protocol methods; a small client keeps the test's moving parts
visible. The browser runs with a proxy that refuses every connection, so a page that tried to fetch something
would fail to, and every request it attempted is still recorded by the ``Network`` domain.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

EXECUTABLES = ("chromium", "chromium-browser")
STARTUP_SECONDS = 30.0
WIDTH = 1300


def executable() -> str | None:
    """The Chromium on PATH, if any."""
    return next((found for name in EXECUTABLES if (found := shutil.which(name))), None)


class Page:
    """One page target of the browser, attached over the browser's connection (flattened sessions)."""

    def __init__(self, connection: ClientConnection, session: str) -> None:
        self._connection = connection
        self._session = session
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30.0) -> dict[str, Any]:
        """Call one protocol method and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}, "sessionId": self._session}
        self._connection.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self._connection.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str, *, timeout: float = 30.0) -> dict[str, Any]:
        """The first ``event`` (already received or arriving within ``timeout``)."""
        for seen in self.events:
            if seen["method"] == event:
                return seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(self._connection.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "method" in reply:
                self.events.append(reply)
                if reply["method"] == event:
                    return reply
        raise TimeoutError(f"no {event} within {timeout} s")

    def open(self, url: str) -> None:
        """Record the network, navigate to ``url`` and wait until it has loaded."""
        self.send("Network.enable")
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page (inspection only: the report itself has no script)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requested(self) -> list[str]:
        """Every URL the page asked for (documents, images, fonts, styles, fetches), in order."""
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page (not only the viewport)."""
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, timeout=60)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


def _devtools_address(profile: Path, process: subprocess.Popen[bytes]) -> str:
    """The browser's WebSocket address, from the ``DevToolsActivePort`` file Chromium writes at start-up."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited at start-up with {process.returncode}")
        lines = marker.read_text().split() if marker.exists() else []
        if len(lines) >= 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    raise TimeoutError(f"chromium wrote no DevToolsActivePort within {STARTUP_SECONDS} s")


@contextmanager
def chromium(binary: str) -> Iterator[Page]:
    """A headless Chromium with the network refused (a proxy on a closed port), and one blank page in it."""
    # its helpers (crashpad, utility processes) may still write to the profile as it goes: a folder left in /tmp
    # is no failure of the page under test
    with tempfile.TemporaryDirectory(prefix="harness-chromium-", ignore_cleanup_errors=True) as profile:
        command = [
            binary,
            "--headless=new",
            "--no-sandbox",  # CI containers and root cannot use the sandbox; the page is our own file
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=http://127.0.0.1:9",  # the discard port: any fetch the page tried would fail
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},900",
            "--remote-debugging-port=0",
            "about:blank",
        ]
        # a session of its own: stopping it stops its helper processes too
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            with connect(_devtools_address(Path(profile), process), max_size=None, open_timeout=20) as connection:
                yield _attach(connection)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the browser and every process of its session: a helper that outlives it is killed."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _attach(connection: ClientConnection) -> Page:
    """Create a page target and attach to it (flattened: its messages share the browser's connection)."""
    connection.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
    target = _result(connection, 1)["targetId"]
    params = {"targetId": target, "flatten": True}
    connection.send(json.dumps({"id": 2, "method": "Target.attachToTarget", "params": params}))
    return Page(connection, _result(connection, 2)["sessionId"])


def _result(connection: ClientConnection, message_id: int) -> dict[str, Any]:
    while True:
        reply = json.loads(connection.recv(timeout=STARTUP_SECONDS))
        if reply.get("id") == message_id:
            if "error" in reply:
                raise RuntimeError(str(reply["error"]))
            result: dict[str, Any] = reply["result"]
            return result
