"""Bounded span buffers, each drained by one worker thread: every span ends delivered or counted as dropped.

``on_end`` is a length check and a deque append (no lock). The worker hands the spans on in batches;
``flush`` and ``shutdown`` put a token in the buffer and wait for the worker to reach it, at most until
their deadline. Past the deadline the processor gives up: what is still queued or in flight is counted
as ``shutdown_timeout`` and the exporter is shut down to interrupt its retries. So no collector can
hold ``shutdown()`` longer than its budget, and the lake (its own processor) never waits for OTLP.
"""

from __future__ import annotations

import inspect
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from typing import Any

from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY, Context, attach, set_value
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from instrumentation import semconv
from instrumentation._exporters import ExportCounts


class _Token:
    """A marker in the buffer: settled by the worker once everything queued before it is handled."""

    __slots__ = ("done", "ok", "stop")

    def __init__(self, *, stop: bool = False) -> None:
        self.done = threading.Event()
        self.ok = False
        self.stop = stop

    def wait(self, deadline: float) -> bool:
        return self.done.wait(max(deadline - time.monotonic(), 0.0)) and self.ok


class BufferedSpanProcessor(SpanProcessor):
    """The buffer, the worker and the accounting; subclasses say how a batch is delivered."""

    local = False  # a local store (the lake) gets the whole shutdown budget; remote exporters part of it

    def __init__(
        self, name: str, counts: ExportCounts, *, capacity: int, batch_size: int, delay_s: float, shutdown_s: float
    ) -> None:
        self.name = name
        self.counts = counts
        self.capacity = capacity
        self.batch_size = max(1, min(batch_size, capacity))
        self.delay_s = delay_s
        self.shutdown_s = shutdown_s
        self._lock = threading.Lock()
        self._start()
        if hasattr(os, "register_at_fork"):
            forked = weakref.WeakMethod(self._after_fork)
            os.register_at_fork(after_in_child=lambda: (method := forked()) and method())

    def _start(self) -> None:
        self._buffer: deque[Any] = deque()
        self._wake = threading.Event()
        self._closed = False
        self._abandoned = False
        self._in_flight = 0
        self._drops_seen = 0
        self._stop_token: _Token | None = None
        self._worker = threading.Thread(target=self._run, name=f"harness-export-{self.name}", daemon=True)
        self._worker.start()

    def _after_fork(self) -> None:
        """A forked child starts empty: the parent delivers what it had queued."""
        self._lock = threading.Lock()
        self.counts.after_fork()
        self._forget()
        self._start()

    # --- the hot path -------------------------------------------------------------------------------
    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        if not span.context.trace_flags.sampled:
            return  # recorded but not sampled: exported by no one, as with the SDK's processors
        if self._closed:
            self.counts.drop(self.name, semconv.DROP_ALREADY_SHUTDOWN)
            return
        buffer = self._buffer
        if len(buffer) >= self.capacity:
            self.counts.drop(self.name, semconv.DROP_QUEUE_FULL)
            return
        buffer.append(span)
        if len(buffer) >= self.batch_size and not self._wake.is_set():
            self._wake.set()

    @property
    def queued(self) -> int:
        """Spans (and tokens) waiting for the worker."""
        return len(self._buffer)

    # --- flush and shutdown ---------------------------------------------------------------------------
    def begin_flush(self) -> _Token | None:
        if self._closed:
            return None
        token = _Token()
        self._buffer.append(token)
        self._wake.set()
        return token

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        token = self.begin_flush()
        return token is not None and token.wait(time.monotonic() + timeout_millis / 1000)

    def begin_shutdown(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stop_token = _Token(stop=True)
        self._buffer.append(self._stop_token)
        self._wake.set()

    def finish_shutdown(self, deadline: float, *, give_up: bool = True) -> bool:
        """Wait for the worker to finish, until ``deadline``; then (``give_up``) count what is left as lost."""
        token = self._stop_token
        if token is None or self._abandoned:
            return False
        if token.wait(deadline) or token.done.is_set():
            return token.ok
        if give_up:
            self._abandon()
        return False

    def shutdown(self) -> None:
        self.begin_shutdown()
        self.finish_shutdown(time.monotonic() + self.shutdown_s)

    def _abandon(self) -> None:
        with self._lock:
            if self._abandoned or (self._stop_token is not None and self._stop_token.done.is_set()):
                return
            self._abandoned = True
            lost = self._in_flight + sum(1 for item in self._buffer if type(item) is not _Token)
            self._buffer.clear()
            self._in_flight = 0
        self.counts.drop(self.name, semconv.DROP_SHUTDOWN_TIMEOUT, lost)
        self._interrupt()
        self._wake.set()

    # --- the worker ------------------------------------------------------------------------------------
    def _run(self) -> None:
        attach(set_value(_SUPPRESS_INSTRUMENTATION_KEY, True))  # exporting must not record spans of its own
        while not self._abandoned:
            self._wake.wait(self.delay_s)
            self._wake.clear()
            try:
                if self._pump():
                    return
                self._tick()
            except Exception as exc:  # noqa: BLE001 - the worker must outlive any bug of ours
                self.counts.errors.count(f"export.{self.name}.worker")
                self.counts.errors.warn_once(f"worker:{self.name}", f"telemetry: exporter {self.name} worker: {exc!r}")

    def _pump(self) -> bool:
        """Hand on everything queued now; True once the stop token was reached."""
        while True:
            batch, token = self._take()
            if batch:
                self._deliver(batch)
            if token is not None:
                if token.stop:
                    self._finish()
                self._settle_token(token)
                if token.stop:
                    return True
            elif not batch:
                return False

    def _take(self) -> tuple[list[ReadableSpan], _Token | None]:
        batch: list[ReadableSpan] = []
        token = None
        with self._lock:
            if self._abandoned:
                return batch, None
            buffer = self._buffer
            while len(batch) < self.batch_size and buffer:
                item = buffer.popleft()
                if type(item) is _Token:
                    token = item
                    break
                batch.append(item)
            self._in_flight += len(batch)
        return batch, token

    def _settle(self, n: int, cause: str | None) -> None:
        """``n`` spans taken by the worker were delivered (``cause`` None) or lost for ``cause``."""
        with self._lock:
            if self._abandoned:
                return  # counted when the processor gave up on them
            self._in_flight -= n
        if cause is None:
            self.counts.exported(self.name, n)
        else:
            self.counts.drop(self.name, cause, n)

    def _settle_token(self, token: _Token) -> None:
        delivered = self._flush_hook()
        dropped = sum(self.counts.dropped(self.name).values())
        token.ok = delivered and dropped == self._drops_seen
        self._drops_seen = dropped
        token.done.set()

    # --- what a subclass provides ---------------------------------------------------------------------
    def _deliver(self, batch: list[ReadableSpan]) -> None:
        raise NotImplementedError

    def _flush_hook(self) -> bool:
        """Make everything delivered so far durable; False when that failed."""
        return True

    def _tick(self) -> None:
        """Periodic work between batches (the lake's flush on time)."""

    def _finish(self) -> None:
        """The last work at shutdown, after the last batch."""

    def _interrupt(self) -> None:
        """Stop work in flight after the processor gave up (an exporter's retries)."""

    def _forget(self) -> None:
        """Drop state inherited over fork without counting it."""


class ExportProcessor(BufferedSpanProcessor):
    """A SpanExporter (OTLP, console, the app's own) behind a bounded buffer, in place of the SDK's
    BatchSpanProcessor: same batching, but drops are counted by cause and shutdown has a deadline."""

    def __init__(self, exporter: SpanExporter, name: str, counts: ExportCounts, **options: Any) -> None:
        self.exporter = exporter
        self._exporter_shut = threading.Lock()
        self._exporter_is_shut = False
        super().__init__(name, counts, **options)

    def _deliver(self, batch: list[ReadableSpan]) -> None:
        try:
            result = self.exporter.export(batch)
        except Exception as exc:  # noqa: BLE001 - collector down, disk full: the app must not notice
            result = SpanExportResult.FAILURE
            self.counts.errors.warn_once(
                f"export:{self.name}:{type(exc).__name__}", f"exporter {self.name} failed: {exc!r}"
            )
        self._settle(len(batch), None if result is SpanExportResult.SUCCESS else semconv.DROP_EXPORT_FAILED)

    def _flush_hook(self) -> bool:
        try:
            return bool(self.exporter.force_flush())
        except Exception:  # noqa: BLE001
            return False

    def _finish(self) -> None:
        self._shutdown_exporter()

    def _interrupt(self) -> None:
        self._shutdown_exporter()

    def _shutdown_exporter(self) -> None:
        with self._exporter_shut:
            if self._exporter_is_shut:
                return
            self._exporter_is_shut = True
        try:
            if "timeout_millis" in inspect.signature(self.exporter.shutdown).parameters:
                self.exporter.shutdown(timeout_millis=0)  # type: ignore[call-arg]
            else:
                self.exporter.shutdown()
        except Exception as exc:  # noqa: BLE001
            self.counts.errors.warn_once(f"shutdown:{self.name}", f"exporter {self.name} failed to shut down: {exc!r}")


def flush_all(processors: Sequence[BufferedSpanProcessor], deadline: float) -> bool:
    """Flush every processor at once; True when each delivered everything ended before the call."""
    tokens = [processor.begin_flush() for processor in processors]
    return all([token is not None and token.wait(deadline) for token in tokens])
