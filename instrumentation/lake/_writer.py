"""Spans to Arrow batches to Parquet segments, one per day partition, with every span settled exactly once.

``add`` converts a batch of spans into Arrow columns; every ``ROW_GROUP_ROWS`` of them are encoded as
one row group of the day's open segment. A segment is Parquet built in memory (compressed: tens of
bytes a span) and reaches the lake whole when it closes, at ``segment_rows`` or on ``write()``:
written under a temporary name, then renamed. Each span is reported once to ``settle``: written (its
segment is in the lake), or lost with its cause (``convert_failed``, ``write_failed``).

With ``background=True`` the encoding and writing run on a thread of their own while the next spans
convert (Parquet encoding and compression release the GIL, so on two cores they overlap); at most
one job waits for that thread, and ``write()`` waits for it to finish.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from opentelemetry.sdk.trace import ReadableSpan

from instrumentation import semconv
from instrumentation._internal_errors import InternalErrors
from instrumentation.lake._arrow import POOL
from instrumentation.lake._columns import NS_PER_DAY, days_of, spans_to_batch
from instrumentation.lake._layout import traces_dir
from instrumentation.lake._schema import TRACES_SCHEMA

Settle = Callable[[int, "str | None"], None]
ROW_GROUP_ROWS = 2048

# How the segments are encoded (the schema is the contract; this is not): zstd, with dictionary pages
# only for the flat columns whose values repeat. Ids and timestamps are unique, and the nested maps came
# out smaller plain under zstd; skipping their dictionaries cut the encoding by a fifth.
# (SegmentWriter, for compaction and collect, keeps the defaults: in its 20k-row tables plain pages held
# more memory.)
_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": [
        "ParentSpanId",
        "TraceState",
        "SpanName",
        "SpanKind",
        "ServiceName",
        "ScopeName",
        "ScopeVersion",
        "StatusCode",
        "StatusMessage",
    ],
}


class LakeWriter:
    """Converts spans as they come and keeps one open segment per day until it is due."""

    def __init__(
        self, lake_dir: Path, settle: Settle, *, segment_rows: int, errors: InternalErrors, background: bool = False
    ) -> None:
        self.root = traces_dir(lake_dir)
        self.segment_rows = segment_rows
        self.errors = errors
        self.oldest: float | None = None  # when the oldest span not yet in the lake arrived
        self._settle = settle
        self._group_rows = min(ROW_GROUP_ROWS, segment_rows)
        self._batches: list[pa.RecordBatch] = []
        self._days: set[int] = set()
        self._pending_rows = 0
        self._open: dict[str, _Segment] = {}  # the write side's (the background thread's, if there is one)
        self._failed = False
        self._background = _Background(errors) if background else None

    def add(self, spans: Sequence[ReadableSpan]) -> None:
        try:
            batch = spans_to_batch(spans)
            days = days_of(batch)
        except Exception as exc:  # noqa: BLE001 - a span we cannot convert must not stop the others
            self._lost(len(spans), semconv.DROP_CONVERT_FAILED, "lake.convert", exc)
            return
        self._batches.append(batch)
        self._days |= days
        self._pending_rows += batch.num_rows
        if self.oldest is None:
            self.oldest = time.monotonic()
        if self._pending_rows >= self._group_rows:
            self._hand_over(close=False)

    def due(self, flush_seconds: float) -> bool:
        return self.oldest is not None and time.monotonic() - self.oldest >= flush_seconds

    def write(self, *, wait: bool = True) -> bool:
        """Close every open segment into the lake. With ``wait``: once that is done, False when any segment
        since the last such call could not be written."""
        self._hand_over(close=True)
        self.oldest = None
        if not wait:
            return True
        if self._background is not None:
            self._background.wait_idle()
        failed, self._failed = self._failed, False
        return not failed

    def _hand_over(self, *, close: bool) -> None:
        table = pa.Table.from_batches(self._batches) if self._batches else None
        days = sorted(self._days)
        self._batches, self._days, self._pending_rows = [], set(), 0
        if table is None and not close:
            return
        if self._background is None:
            self._append(table, days, close)
        else:
            self._background.submit(lambda: self._append(table, days, close))

    def _append(self, table: pa.Table | None, days: list[int], close: bool) -> None:
        """On the write side: encode ``table`` into its days' segments; close those due (all, with ``close``)."""
        for day, part in _by_day(table, days) if table is not None else ():
            segment = self._open.get(day)
            try:
                if segment is None:
                    segment = self._open[day] = _Segment(self.root / f"dt={day}")
                segment.append(part)
            except Exception as exc:  # noqa: BLE001 - the segment is lost with what it held
                held = self._open.pop(day).rows if day in self._open else 0
                self._failed = True
                self._lost(held + part.num_rows, semconv.DROP_WRITE_FAILED, "lake.write", exc)
                continue
            if segment.rows >= self.segment_rows:
                self._publish(day)
        for day in list(self._open) if close else ():
            self._publish(day)

    def _publish(self, day: str) -> None:
        segment = self._open.pop(day)
        try:
            segment.publish()
        except Exception as exc:  # noqa: BLE001 - disk full, read-only, permissions: drop, count, warn
            self._failed = True
            self._lost(segment.rows, semconv.DROP_WRITE_FAILED, "lake.write", exc)
        else:
            self._settle(segment.rows, None)

    def _lost(self, n: int, cause: str, where: str, exc: BaseException) -> None:
        self._settle(n, cause)
        try:
            self.errors.report(where, exc)
        except Exception:  # noqa: BLE001 - never raise on the export thread, even under pytest
            pass


class _Segment:
    """One day's segment while it fills: Parquet encoded into memory, so no file is open (a fork or a crash
    leaves nothing half-written in the lake)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rows = 0
        self._sink = pa.BufferOutputStream(memory_pool=POOL)
        self._writer = pq.ParquetWriter(self._sink, TRACES_SCHEMA, memory_pool=POOL, **_PARQUET_OPTIONS)

    def append(self, table: pa.Table) -> None:
        self._writer.write_table(table)  # one row group
        pa.default_memory_pool().release_unused()  # the encoder's buffers (pyarrow takes no pool for them)
        self.rows += table.num_rows

    def publish(self) -> Path:
        """Write the segment into the lake whole: temporary name, then rename."""
        self._writer.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"part-{uuid.uuid4().hex}.parquet"
        temporary = self.folder / f".{final.name}.tmp"
        try:
            with open(temporary, "wb") as out:
                out.write(self._sink.getvalue())
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
        return final


def _by_day(table: pa.Table, days: list[int]) -> list[tuple[str, pa.Table]]:
    names = [datetime.fromtimestamp(day * 86_400, tz=UTC).strftime("%Y-%m-%d") for day in days]
    if len(days) == 1:
        return [(names[0], table)]
    day_of_row = pc.divide(pc.cast(table["Timestamp"], pa.int64(), memory_pool=POOL), NS_PER_DAY, memory_pool=POOL)
    parts = [
        (name, pc.filter(table, pc.equal(day_of_row, day), memory_pool=POOL))
        for name, day in zip(names, days, strict=True)
    ]
    return [(name, part) for name, part in parts if part.num_rows]


class _Background:
    """One thread that runs the jobs handed to it in order; ``submit`` waits while one is already waiting."""

    def __init__(self, errors: InternalErrors) -> None:
        self.errors = errors
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
                job()  # _append settles every span it takes, written or lost
            except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop the lake
                self.errors.count("lake.segments")
                self.errors.warn_once("lake.segments", f"telemetry: lake segment writer: {exc!r}")
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
