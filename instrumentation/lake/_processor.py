"""The lake's own span processor: ended spans go to a bounded buffer that the lake writer drains.

No BatchSpanProcessor and no SpanExporter in between: the worker converts whole batches to Arrow
columns (``SpanColumns``), holds them until a segment is due (``lake_segment_rows`` or
``lake_flush_seconds``), writes it crash-safely (``SegmentWriter``) and records the writer's losses in
``export_health``. Every span is settled once: written, or counted as dropped by cause.
"""

from __future__ import annotations

from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan

from instrumentation._export_queue import BufferedSpanProcessor
from instrumentation._exporters import ExportCounts
from instrumentation.lake._health import HealthRecorder
from instrumentation.lake._writer import LakeWriter

LAKE_BATCH = 2048  # spans converted at a time: Arrow's per-array cost spread, a small loss if one cannot convert


class LakeSpanProcessor(BufferedSpanProcessor):
    """Writes every ended span into ``lake_dir`` (``otel_traces``), losing none without counting it."""

    local = True

    def __init__(
        self,
        lake_dir: Path,
        counts: ExportCounts,
        *,
        service_name: str = "",
        capacity: int = 8192,
        segment_rows: int = 20_000,
        flush_seconds: float = 5.0,
        health_seconds: float = 60.0,
        delay_s: float = 0.5,
        shutdown_s: float = 5.0,
        name: str = "lake",
    ) -> None:
        self.flush_seconds = flush_seconds
        self.lake_dir = lake_dir
        self.segment_rows = segment_rows
        self.writer = self._new_writer(counts)
        self.health = HealthRecorder(lake_dir, counts, name, service_name=service_name, interval_s=health_seconds)
        tick = max(min(delay_s, flush_seconds / 4), 0.05)
        batch = min(LAKE_BATCH, capacity, segment_rows)  # a segment holds about segment_rows, not more
        super().__init__(name, counts, capacity=capacity, batch_size=batch, delay_s=tick, shutdown_s=shutdown_s)

    def _new_writer(self, counts: ExportCounts) -> LakeWriter:
        return LakeWriter(
            self.lake_dir, self._settle, segment_rows=self.segment_rows, errors=counts.errors, background=True
        )

    @property
    def written_spans(self) -> int:
        return self.counts.delivered(self.name)

    @property
    def dropped_spans(self) -> int:
        return sum(self.counts.dropped(self.name).values())

    def _deliver(self, batch: list[ReadableSpan]) -> None:
        self.writer.add(batch)

    def _flush_hook(self) -> bool:
        return self.writer.write()

    def _tick(self) -> None:
        if self.writer.due(self.flush_seconds):
            self.writer.write()
        if self.health.due():
            self.health.record()

    def _finish(self) -> None:
        self.writer.write()
        self.health.record(final=True)

    def _forget(self) -> None:
        self.writer = self._new_writer(self.counts)  # the parent's pending spans and threads stay the parent's
        self.health.restart()
