"""A SpanExporter that buffers rows and writes Parquet segments on size, on time and at shutdown."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from instrumentation._internal_errors import InternalErrors
from instrumentation.lake._schema import span_to_row
from instrumentation.lake._segments import SegmentWriter


class LakeSpanExporter(SpanExporter):
    """Holds at most ``segment_rows`` rows; a failed write drops them, counts them and warns."""

    def __init__(
        self,
        lake_dir: Path,
        *,
        segment_rows: int = 20_000,
        flush_seconds: float = 5.0,
        errors: InternalErrors | None = None,
    ) -> None:
        self.writer = SegmentWriter(lake_dir)
        self.segment_rows = segment_rows
        self.flush_seconds = flush_seconds
        self.errors = errors or InternalErrors(raise_errors=False)
        self.dropped_spans = 0
        self.written_spans = 0
        self._rows: list[dict[str, Any]] = []
        self._oldest: float | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stopped = threading.Event()
        self._timer = threading.Thread(target=self._flush_on_time, name="harness-lake-flush", daemon=True)
        self._timer.start()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            rows = [span_to_row(span) for span in spans]
        except Exception as exc:  # noqa: BLE001
            self._drop(len(spans), "lake.convert", exc)
            return SpanExportResult.FAILURE
        with self._lock:
            if self._oldest is None:
                self._oldest = time.monotonic()
            self._rows.extend(rows)
            full = len(self._rows) >= self.segment_rows
        if full:
            return self._flush()
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._flush() is SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self._stopped.set()
        self._timer.join()  # it wakes at once; a flush it had begun finishes before the last one
        self._flush()

    def _flush(self) -> SpanExportResult:
        with self._write_lock:
            with self._lock:
                rows, self._rows, self._oldest = self._rows, [], None
            if not rows:
                return SpanExportResult.SUCCESS
            try:
                self.writer.write_rows(rows)
            except Exception as exc:  # noqa: BLE001 - disk full, permissions: drop, count, warn
                self._drop(len(rows), "lake.write", exc)
                return SpanExportResult.FAILURE
            self.written_spans += len(rows)
            return SpanExportResult.SUCCESS

    def _drop(self, count: int, where: str, exc: BaseException) -> None:
        self.dropped_spans += count
        try:
            self.errors.report(where, exc)
        except Exception:  # noqa: BLE001 - never raise on the export thread
            pass

    def _flush_on_time(self) -> None:
        tick = max(min(self.flush_seconds / 4, 1.0), 0.05)
        while not self._stopped.wait(tick):
            oldest = self._oldest
            if oldest is not None and time.monotonic() - oldest >= self.flush_seconds:
                self._flush()
