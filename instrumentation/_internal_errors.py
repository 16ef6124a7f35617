"""Telemetry fails open in production and loud in tests, and says so in a few counted lines.

Every place where our own code could break the host app calls ``report`` from an
``except Exception`` block: the error is counted, logged at a limited rate, and raised
only when internal errors are set to raise (under pytest by default). Repeated events that
are not errors of ours (spans dropped, an exporter's own log lines) go through ``tally``:
counted, one line the first time, then at most one line a minute with the count since.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from opentelemetry.metrics import CallbackOptions, Meter, Observation

from instrumentation import semconv
from instrumentation.errors import TelemetryError

_log = logging.getLogger("instrumentation")
_LOG_INTERVAL_S = 60.0


@dataclass
class _Tally:
    headline: str
    pending: int = 0
    last_line: float | None = None
    detail: str = ""


class InternalErrors:
    """Counts our own failures by place; logs each place at most once a minute."""

    def __init__(self, *, raise_errors: bool, interval_s: float = _LOG_INTERVAL_S) -> None:
        self.raise_errors = raise_errors
        self.interval_s = interval_s
        self.counts: Counter[str] = Counter()
        self._last_logged: dict[str, float] = {}
        self._tallies: dict[str, _Tally] = {}
        self._lock = threading.Lock()

    def after_fork(self) -> None:
        """A forked child counts its own failures, with a lock no thread of the parent can be holding."""
        self._lock = threading.Lock()
        self.counts.clear()
        self._tallies.clear()

    def report(self, where: str, exc: BaseException) -> None:
        with self._lock:
            self.counts[where] += 1
            now = time.monotonic()
            due = now - self._last_logged.get(where, -self.interval_s) >= self.interval_s
            if due:
                self._last_logged[where] = now
        if due:
            _log.warning("telemetry error in %s (counted, app unaffected): %r", where, exc)
        if self.raise_errors:
            raise TelemetryError(f"internal telemetry error in {where}: {exc!r}") from exc

    def count(self, where: str, n: int = 1) -> None:
        """Count ``n`` failures at ``where`` without logging (exporter threads count their drops here)."""
        with self._lock:
            self.counts[where] += n

    def tally(self, key: str, headline: str, n: int = 1, detail: str = "") -> None:
        """Count ``n`` events under ``key``: a line the first time, then at most one a minute with the count since."""
        with self._lock:
            self.counts[key] += n
            entry = self._tallies.setdefault(key, _Tally(headline))
            entry.pending += n
            entry.detail = detail or entry.detail
            now = time.monotonic()
            if entry.last_line is not None and now - entry.last_line < self.interval_s:
                return
            line = _tally_line(entry, now)
        _log.warning(line)

    def flush_tallies(self) -> None:
        """One last line for every tally with counts not yet logged (at shutdown)."""
        with self._lock:
            now = time.monotonic()
            lines = [_tally_line(entry, now) for entry in self._tallies.values() if entry.pending]
        for line in lines:
            _log.warning(line)

    def register(self, meter: Meter) -> None:
        """Report the counts as the ``harness.telemetry.errors`` counter, one series per place."""

        def observe(options: CallbackOptions) -> Iterator[Observation]:
            with self._lock:
                counts = list(self.counts.items())
            return iter([Observation(n, {semconv.HARNESS_TELEMETRY_ERROR_WHERE: where}) for where, n in counts])

        meter.create_observable_counter(
            semconv.METRIC_TELEMETRY_ERRORS,
            callbacks=[observe],
            unit="{error}",
            description="Failures inside telemetry code, counted instead of reaching the app",
        )

    def warn_once(self, key: str, message: str) -> None:
        with self._lock:
            if key in self._last_logged:
                return
            self._last_logged[key] = time.monotonic()
        _log.warning(message)


def _tally_line(entry: _Tally, now: float) -> str:
    """The line for a tally's pending count; resets it (the caller holds the lock)."""
    count, since = entry.pending, entry.last_line
    entry.pending, entry.last_line = 0, now
    detail = f" ({entry.detail})" if entry.detail else ""
    if since is None:
        return f"telemetry: {entry.headline}: {count}{detail}; counted, repeats are summed in one line a minute"
    return f"telemetry: {entry.headline}: {count} more in the last {now - since:.0f} s{detail}"


# The OpenTelemetry SDK's and exporters' own loggers: one line per failed batch, retry and give-up.
_OTEL_LOGGERS = (
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    "opentelemetry.exporter.otlp.proto.http.metric_exporter",
    "opentelemetry.exporter.otlp.proto.http._common",
    "opentelemetry.exporter.otlp.common.http",
    "opentelemetry.exporter.otlp.proto.grpc.exporter",
    "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
    "opentelemetry.exporter.otlp.proto.grpc.metric_exporter",
    "opentelemetry.sdk.metrics._internal",
    "opentelemetry.sdk.metrics._internal.export",
    "opentelemetry.sdk._shared_internal",
)
_REFUSED_SIGNAL = ("code: 404", "code: 405")


class _ExporterLogFolder(logging.Filter):
    """Turns the exporters' warnings into tallies of every configured telemetry (none configured: passes them)."""

    def __init__(self) -> None:
        super().__init__()
        self._subscribers: weakref.WeakSet[InternalErrors] = weakref.WeakSet()

    def subscribe(self, errors: InternalErrors) -> None:
        if not self._subscribers:
            for name in _OTEL_LOGGERS:
                logging.getLogger(name).addFilter(self)
        self._subscribers.add(errors)

    def unsubscribe(self, errors: InternalErrors) -> None:
        self._subscribers.discard(errors)

    def filter(self, record: logging.LogRecord) -> bool:
        subscribers = list(self._subscribers)
        if record.levelno < logging.WARNING or not subscribers:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that does not format is still folded
            message = str(record.msg)
        signal = "metrics" if "metric" in record.name or "metrics batch" in message else "traces"
        if any(code in message for code in _REFUSED_SIGNAL):
            message += f" (the endpoint does not take {signal}: set OTEL_{signal.upper()}_EXPORTER=none)"
        for errors in subscribers:
            errors.tally(f"otel.log.{signal}", f"OpenTelemetry {signal} exporter warnings", 1, f"last: {message[:400]}")
        return False


exporter_logs = _ExporterLogFolder()
