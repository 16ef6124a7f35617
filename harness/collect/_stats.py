"""What the receiver took, wrote, rejected, refused and dropped, by cause: nothing it loses goes uncounted."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

from instrumentation import semconv

log = logging.getLogger("harness.collect")

_LOG_EVERY_S = 30.0


class Stats:
    """Thread-safe counters; ``snapshot()`` is what ``GET /status`` answers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received_spans = 0  # acknowledged to a client: the receiver owes them to the lake
        self.written_spans = 0
        self.rejected_spans: Counter[str] = Counter()  # answered as a partial success, by reason
        self.refused_requests: Counter[str] = Counter()  # answered 4xx/5xx, by cause
        self.refused_spans: Counter[str] = Counter()  # spans in refused requests, where they were decoded
        self.dropped_spans: Counter[str] = Counter()  # acknowledged, then lost: only when the lake cannot be written
        self.write_failures = 0
        self.health_failures = 0  # health records the lake did not take (their counts carry over)
        self._last_logged: dict[str, float] = {}

    def received(self, spans: int, rejected: Counter[str]) -> None:
        with self._lock:
            self.received_spans += spans
            self.rejected_spans.update(rejected)

    def written(self, spans: int) -> None:
        with self._lock:
            self.written_spans += spans

    def refused(self, cause: str, spans: int = 0) -> None:
        with self._lock:
            self.refused_requests[cause] += 1
            if spans:
                self.refused_spans[cause] += spans

    def lost(self, cause: str, spans: int) -> None:
        """Spans acknowledged, then lost (``lake_write``: the lake could not be written by the deadline)."""
        with self._lock:
            self.dropped_spans[cause] += spans

    # The lake's health record (instrumentation.lake.HealthRecorder) reads these three.

    def delivered(self, exporter: str) -> int:
        with self._lock:
            return self.written_spans

    def dropped(self, exporter: str) -> dict[str, int]:
        """What never reached the lake, by cause: refused spans (as ``refused_<cause>``) and lost ones."""
        with self._lock:
            causes = {semconv.DROP_REFUSED_PREFIX + cause: n for cause, n in self.refused_spans.items()}
            lost = sum(self.dropped_spans.values())
        if lost:
            causes[semconv.DROP_WRITE_FAILED] = lost
        return causes

    def health_failed(self) -> None:
        with self._lock:
            self.health_failures += 1

    def write_failed(self, exc: BaseException) -> None:
        with self._lock:
            self.write_failures += 1
            failures = self.write_failures
        self.warn(
            "lake_write", f"cannot write to the lake ({exc}); holding the spans and retrying ({failures} failures)"
        )

    def warn(self, topic: str, message: str) -> None:
        """Log ``message`` unless ``topic`` was logged in the last 30 s."""
        now = time.monotonic()
        with self._lock:
            if now - self._last_logged.get(topic, -_LOG_EVERY_S) < _LOG_EVERY_S:
                return
            self._last_logged[topic] = now
        log.warning("harness collect: %s", message)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "received_spans": self.received_spans,
                "written_spans": self.written_spans,
                "rejected_spans": dict(self.rejected_spans),
                "refused_requests": dict(self.refused_requests),
                "refused_spans": dict(self.refused_spans),
                "dropped_spans": dict(self.dropped_spans),
                "write_failures": self.write_failures,
                "health_failures": self.health_failures,
            }

    def summary(self) -> str:
        snap = self.snapshot()
        line = f"{snap['received_spans']} spans received, {snap['written_spans']} written"
        for key in ("rejected_spans", "refused_requests", "dropped_spans"):
            if snap[key]:
                causes = ", ".join(f"{cause} {n}" for cause, n in sorted(snap[key].items()))
                line += f"; {key.replace('_', ' ')}: {causes}"
        return line
