"""Spans to Arrow batches to Parquet segments, one per day partition, with every span settled exactly once.

``add`` converts a batch of spans into Arrow columns; ``write`` turns the pending batches into one
segment per day (``SegmentWriter``: temporary name, then rename). Each span is reported once to
``settle``: written, or lost with its cause (``convert_failed``, ``write_failed``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from opentelemetry.sdk.trace import ReadableSpan

from instrumentation import semconv
from instrumentation._internal_errors import InternalErrors
from instrumentation.lake._columns import NS_PER_DAY, SpanColumns
from instrumentation.lake._segments import SegmentWriter

Settle = Callable[[int, "str | None"], None]


class LakeWriter:
    """Holds converted spans until ``segment_rows`` of them (or a flush) make a segment."""

    def __init__(self, lake_dir: Path, settle: Settle, *, segment_rows: int, errors: InternalErrors) -> None:
        self.segments = SegmentWriter(lake_dir)
        self.segment_rows = segment_rows
        self.errors = errors
        self._settle = settle
        self._columns = SpanColumns()
        self._batches: list[pa.RecordBatch] = []
        self._days: set[int] = set()
        self.pending_rows = 0
        self.oldest: float | None = None

    def add(self, spans: Sequence[ReadableSpan]) -> None:
        try:
            self._columns.add(spans)
            self._days |= self._columns.days
            batch = self._columns.take()
        except Exception as exc:  # noqa: BLE001 - a span we cannot convert must not stop the others
            self._columns = SpanColumns()
            self._lost(len(spans), semconv.DROP_CONVERT_FAILED, "lake.convert", exc)
            return
        self._batches.append(batch)
        self.pending_rows += batch.num_rows
        if self.oldest is None:
            self.oldest = time.monotonic()
        if self.pending_rows >= self.segment_rows:
            self.write()

    def due(self, flush_seconds: float) -> bool:
        return self.oldest is not None and time.monotonic() - self.oldest >= flush_seconds

    def write(self) -> bool:
        """Write the pending spans, one segment per day; False when a segment could not be written."""
        if not self._batches:
            return True
        table = pa.Table.from_batches(self._batches)
        days = sorted(self._days)
        self.forget()
        ok = True
        for day, part in _by_day(table, days):
            if not part.num_rows:
                continue
            try:
                self.segments.write_table(day, part)
            except Exception as exc:  # noqa: BLE001 - disk full, read-only, permissions: drop, count, warn
                self._lost(part.num_rows, semconv.DROP_WRITE_FAILED, "lake.write", exc)
                ok = False
            else:
                self._settle(part.num_rows, None)
        return ok

    def forget(self) -> None:
        """Let go of the pending spans without settling them (written, or a forked child's copy)."""
        self._batches, self._days, self.pending_rows, self.oldest = [], set(), 0, None

    def _lost(self, n: int, cause: str, where: str, exc: BaseException) -> None:
        self._settle(n, cause)
        try:
            self.errors.report(where, exc)
        except Exception:  # noqa: BLE001 - never raise on the export thread, even under pytest
            pass


def _by_day(table: pa.Table, days: list[int]) -> list[tuple[str, pa.Table]]:
    names = [datetime.fromtimestamp(day * 86_400, tz=UTC).strftime("%Y-%m-%d") for day in days]
    if len(days) == 1:
        return [(names[0], table)]
    day_of_row = pc.divide(table["Timestamp"].cast(pa.int64()), NS_PER_DAY)
    return [(name, table.filter(pc.equal(day_of_row, day))) for name, day in zip(names, days, strict=True)]
