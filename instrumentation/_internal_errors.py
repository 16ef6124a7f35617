"""Telemetry fails open in production and loud in tests.

Every place where our own code could break the host app calls ``report`` from an
``except Exception`` block: the error is counted, logged at a limited rate, and raised
only when internal errors are set to raise (under pytest by default).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator

from opentelemetry.metrics import CallbackOptions, Meter, Observation

from instrumentation import semconv
from instrumentation.errors import TelemetryError

_log = logging.getLogger("instrumentation")
_LOG_INTERVAL_S = 60.0


class InternalErrors:
    """Counts our own failures by place; logs each place at most once a minute."""

    def __init__(self, *, raise_errors: bool) -> None:
        self.raise_errors = raise_errors
        self.counts: Counter[str] = Counter()
        self._last_logged: dict[str, float] = {}
        self._lock = threading.Lock()

    def report(self, where: str, exc: BaseException) -> None:
        with self._lock:
            self.counts[where] += 1
            now = time.monotonic()
            due = now - self._last_logged.get(where, -_LOG_INTERVAL_S) >= _LOG_INTERVAL_S
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
