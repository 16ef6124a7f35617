"""Spans to Arrow batches to Parquet segments, one per day partition, with every span settled exactly once.

``add`` converts a batch of spans into Arrow columns; ``write`` turns the pending batches into one
segment per day (``SegmentWriter``: temporary name, then rename). Each span is reported once to
``settle``: written, or lost with its cause (``convert_failed``, ``write_failed``).

With ``background=True`` a segment due by size is written on a thread of its own while the next
spans convert (Parquet encoding and compression release the GIL, so on two cores they overlap). At
most one segment waits for that thread; a flush waits for both.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from opentelemetry.sdk.trace import ReadableSpan

from instrumentation import semconv
from instrumentation._internal_errors import InternalErrors
from instrumentation.lake._columns import NS_PER_DAY, days_of, spans_to_batch
from instrumentation.lake._segments import SegmentWriter

Settle = Callable[[int, "str | None"], None]


class LakeWriter:
    """Holds converted spans until ``segment_rows`` of them (or a flush) make a segment."""

    def __init__(
        self, lake_dir: Path, settle: Settle, *, segment_rows: int, errors: InternalErrors, background: bool = False
    ) -> None:
        self.segments = SegmentWriter(lake_dir)
        self._background = _Background() if background else None
        self._failed = False
        self.segment_rows = segment_rows
        self.errors = errors
        self._settle = settle
        self._batches: list[pa.RecordBatch] = []
        self._days: set[int] = set()
        self.pending_rows = 0
        self.oldest: float | None = None

    def add(self, spans: Sequence[ReadableSpan]) -> None:
        try:
            batch = spans_to_batch(spans)
            days = days_of(batch)
        except Exception as exc:  # noqa: BLE001 - a span we cannot convert must not stop the others
            self._lost(len(spans), semconv.DROP_CONVERT_FAILED, "lake.convert", exc)
            return
        self._days |= days
        self._batches.append(batch)
        self.pending_rows += batch.num_rows
        if self.oldest is None:
            self.oldest = time.monotonic()
        if self.pending_rows >= self.segment_rows:
            self.write(wait=False)

    def due(self, flush_seconds: float) -> bool:
        return self.oldest is not None and time.monotonic() - self.oldest >= flush_seconds

    def write(self, *, wait: bool = True) -> bool:
        """Write the pending spans, one segment per day. With ``wait``: once every segment handed over is
        on disk, False when any of them (since the last such call) could not be written."""
        if self._batches:
            table, days = pa.Table.from_batches(self._batches), sorted(self._days)
            self.forget()
            if self._background is None:
                self._write(table, days)
            else:
                self._background.submit(lambda: self._write(table, days))
        if not wait:
            return True
        if self._background is not None:
            self._background.wait_idle()
        failed, self._failed = self._failed, False
        return not failed

    def _write(self, table: pa.Table, days: list[int]) -> None:
        for day, part in _by_day(table, days):
            if not part.num_rows:
                continue
            try:
                self.segments.write_table(day, part)
            except Exception as exc:  # noqa: BLE001 - disk full, read-only, permissions: drop, count, warn
                self._failed = True
                self._lost(part.num_rows, semconv.DROP_WRITE_FAILED, "lake.write", exc)
            else:
                self._settle(part.num_rows, None)

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


class _Background:
    """One thread that runs the jobs handed to it in order; ``submit`` waits while one is already waiting."""

    def __init__(self) -> None:
        self._jobs: deque[Callable[[], None]] = deque()
        self._busy = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        with self._changed:
            while self._jobs:
                self._changed.wait()
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="harness-lake-segments", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def wait_idle(self) -> None:
        with self._changed:
            while self._jobs or self._busy:
                self._changed.wait()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._jobs:
                    self._changed.wait()
                job = self._jobs.popleft()
                self._busy = True
                self._changed.notify_all()
            try:
                job()  # _write settles every span of its table, written or lost
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
