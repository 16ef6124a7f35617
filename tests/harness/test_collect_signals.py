"""``harness collect`` as a process: SIGTERM and SIGINT drain it; what it acknowledged is in the lake, exactly once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import SpanExportResult

from tests.harness.otlp_spans import make_spans, sdk_spans_by_id, span_ids

_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _collector(home: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "collect", "--port", "0", "--home", str(home), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/v1/traces", line)
        assert match, f"no URL announced: {line!r} {process.stderr.read() if process.stderr else ''}"
        yield process, match.group(1)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _stop(process: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    return process.returncode, out + err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_drains_what_was_acknowledged(sig: signal.Signals, tmp_path: Path) -> None:
    home = tmp_path / "home"
    spans = make_spans(40)
    with _collector(home) as (process, url):
        exporter = OTLPSpanExporter(endpoint=f"{url}/v1/traces")
        assert exporter.export(spans) is SpanExportResult.SUCCESS
        assert not span_ids(home / "lake")  # still queued: the segment is due in 2 s
        code, output = _stop(process, sig)
    assert code == 0, output
    assert "stopped; 40 spans received, 40 written" in output
    assert sorted(span_ids(home / "lake")) == sorted(sdk_spans_by_id(spans))


def test_a_stop_under_load_keeps_every_acknowledged_span_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    acknowledged: list[str] = []
    sent: list[str] = []
    with _collector(home) as (process, url):
        exporter = OTLPSpanExporter(endpoint=f"{url}/v1/traces", timeout=2)
        stop = threading.Event()

        def load() -> None:
            batch = 0
            while not stop.is_set() and batch < 400:
                batch += 1
                spans = make_spans(25, first_id=batch * 1_000)
                ids = list(sdk_spans_by_id(spans))
                sent.extend(ids)
                if exporter.export(spans) is SpanExportResult.SUCCESS:
                    acknowledged.extend(ids)
                elif process.poll() is not None:
                    return

        client = threading.Thread(target=load)
        client.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 500 and time.monotonic() < deadline:
            time.sleep(0.02)
        code, output = _stop(process, signal.SIGTERM)
        stop.set()
        client.join(timeout=30)
    assert code == 0, output
    assert len(acknowledged) >= 500
    written = span_ids(home / "lake")
    assert len(written) == len(set(written)), "a span was written twice"
    assert set(acknowledged) <= set(written), "an acknowledged span is missing"
    assert set(written) <= set(sent)


def test_a_taken_port_is_a_usage_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "harness.cli", "collect", "--port", str(port), "--home", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=_ROOT,
            timeout=30,
        )
    assert result.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--port", "99999"], "--port must be 0 to 65535"),
        (["--port", "0", "--home", "{file}"], "cannot write the lake at {file}/lake"),  # a home it can never write
        (["--port", "0", "--host", "no.such.host.invalid"], "cannot listen on no.such.host.invalid"),
    ],
)
def test_what_it_cannot_serve_it_refuses_before_listening(tmp_path: Path, argv: list[str], said: str) -> None:
    """A receiver that cannot write its lake would acknowledge spans and lose them: it does not start."""
    taken = tmp_path / "a-file"
    taken.write_text("x")
    argv = [arg.format(file=taken) for arg in argv]
    home = [] if "--home" in argv else ["--home", str(tmp_path / "home")]
    result = subprocess.run(
        [sys.executable, "-m", "harness.cli", "collect", *argv, *home],
        capture_output=True,
        text=True,
        cwd=_ROOT,
        timeout=30,
    )
    assert result.returncode == 3, result.stderr
    assert said.format(file=taken) in result.stderr and "Traceback" not in result.stderr
    assert "warning" not in result.stderr and "OTLP/HTTP on" not in result.stdout


def test_workers_exit_when_the_receiver_is_killed(tmp_path: Path) -> None:
    with _collector(tmp_path / "home", "--workers", "1") as (process, _):
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert children, "no decoding worker started"
        process.kill()
        process.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{child}").exists() and _alive(child) for child in children):
            assert time.monotonic() < deadline, f"orphaned workers {children}"
            time.sleep(0.1)


def _alive(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
