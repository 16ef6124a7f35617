"""The lake as a plain SpanExporter, for a provider of one's own (``SimpleSpanProcessor(LakeSpanExporter(dir))``).

``configure()`` does not use it: it gives the lake its own processor (``LakeSpanProcessor``). Both
write through the same ``LakeWriter`` (Arrow batches, crash-safe segments) and count the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from instrumentation import semconv
from instrumentation._exporters import ExportCounts
from instrumentation._internal_errors import InternalErrors
from instrumentation.lake._health import HealthRecorder
from instrumentation.lake._writer import LakeWriter

_NAME = "lake"


class LakeSpanExporter(SpanExporter):
    """Holds at most ``segment_rows`` rows; a failed write drops them, counts them and warns."""

    def __init__(
        self,
        lake_dir: Path,
        *,
        segment_rows: int = 20_000,
        flush_seconds: float = 5.0,
        health_seconds: float = 60.0,
        errors: InternalErrors | None = None,
    ) -> None:
        self.counts = ExportCounts(errors or InternalErrors(raise_errors=False))
        self.flush_seconds = flush_seconds
        self.writer = LakeWriter(lake_dir, self._settle, segment_rows=segment_rows, errors=self.counts.errors)
        self.health = HealthRecorder(lake_dir, self.counts, _NAME, service_name="", interval_s=health_seconds)
        self._lost_in_call = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._timer = threading.Thread(target=self._flush_on_time, name="harness-lake-flush", daemon=True)
        self._timer.start()

    @property
    def written_spans(self) -> int:
        return self.counts.delivered(_NAME)

    @property
    def dropped_spans(self) -> int:
        return sum(self.counts.dropped(_NAME).values())

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with self._lock:
            if spans and not self.health.service_name:
                self.health.service_name = str(spans[0].resource.attributes.get(semconv.SERVICE_NAME, ""))
            self._lost_in_call = 0
            self.writer.add(spans)
            lost = self._lost_in_call
        return SpanExportResult.FAILURE if lost else SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        with self._lock:
            return self.writer.write()

    def shutdown(self) -> None:
        self._stopped.set()
        self._timer.join()  # it wakes at once; a write it had begun finishes before the last one
        with self._lock:
            self.writer.write()
            self.health.record(final=True)

    def _settle(self, n: int, cause: str | None) -> None:
        if cause is None:
            self.counts.exported(_NAME, n)
        else:
            self._lost_in_call += n
            self.counts.drop(_NAME, cause, n)

    def _flush_on_time(self) -> None:
        tick = max(min(self.flush_seconds / 4, 1.0), 0.05)
        while not self._stopped.wait(tick):
            with self._lock:
                if self.writer.due(self.flush_seconds):
                    self.writer.write()
                if self.health.due():
                    self.health.record()
