"""The bounded queue between acknowledging spans and writing them, and the thread that writes segments.

A request is acknowledged only once its spans are in the queue, whole; the queue holds at most
``max_bytes`` of Arrow data (one request more when it is empty, so no request is too big to ever
fit). Bytes leave the count only when their segment is in the lake, so memory stays bounded while
the lake cannot be written: the writer holds what failed, retries with back-off, and the receiver
answers 503 meanwhile. ``close()`` writes everything acknowledged, once, before it returns.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from harness.collect._columns import Batch
from harness.collect._stats import Stats
from instrumentation.lake import HealthRecorder, SegmentWriter

_BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0)
WRITER_NAME = "collect"  # the receiver's Exporter in the lake's health records
SERVICE_NAME = "harness-collect"
_DRAIN_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class _Part:
    day: str
    table: pa.Table
    rows: int
    nbytes: int


class LakeQueue:
    """``offer()`` from the request handlers, one writer thread, ``close()`` to drain."""

    def __init__(
        self,
        lake_dir: Path,
        stats: Stats,
        *,
        max_bytes: int = 64 << 20,
        segment_rows: int = 50_000,
        flush_seconds: float = 2.0,
        health_seconds: float = 60.0,
    ) -> None:
        self.max_bytes = max_bytes
        self.segment_rows = segment_rows
        self.flush_seconds = flush_seconds
        self._tick = max(min(flush_seconds / 4, health_seconds), 0.05)  # the writer wakes this often
        self._writer = SegmentWriter(lake_dir)
        self._stats = stats
        self._health = HealthRecorder(
            lake_dir, stats, WRITER_NAME, service_name=SERVICE_NAME, interval_s=health_seconds
        )
        self._cond = threading.Condition()
        self._parts: deque[_Part] = deque()
        self._queued_rows = 0
        self._held_rows = 0  # taken by the writer and not yet written: in a write, or retried while the lake fails
        self._used_bytes = 0  # queued plus held by the writer until its segment is written
        self._oldest: float | None = None
        self._failures = 0  # consecutive failed writes
        self._tries_closing = 0  # failed writes since close(): a few, then what is held is dropped and counted
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="harness-collect-writer", daemon=True)
        self._thread.start()

    def offer(self, batch: Batch) -> str | None:
        """Queue the whole batch and return None, or return why not (``queue_full``, ``stopping``)."""
        with self._cond:
            if self._closed:
                return "stopping"
            if batch.rows and self._used_bytes and self._used_bytes + batch.nbytes > self.max_bytes:
                return "queue_full"
            for day, table in batch.tables.items():
                self._parts.append(_Part(day, table, table.num_rows, table.nbytes))
            self._used_bytes += batch.nbytes
            self._queued_rows += batch.rows
            if self._oldest is None:
                self._oldest = time.monotonic()
            self._stats.received(batch.rows, batch.rejected)
            if self._queued_rows >= self.segment_rows:
                self._cond.notify()
        return None

    def full(self) -> bool:
        with self._cond:
            return self._closed or self._used_bytes >= self.max_bytes

    def retry_after(self) -> int:
        """Seconds a refused client should wait: one, or the writer's back-off while the lake fails."""
        with self._cond:
            failures = self._failures
        return 1 if not failures else math.ceil(_BACKOFF_S[min(failures, len(_BACKOFF_S)) - 1])

    def gauges(self) -> dict[str, int]:
        with self._cond:
            return {
                "queued_spans": self._queued_rows,
                "held_spans": self._held_rows,
                "queued_bytes": self._used_bytes,
                "max_bytes": self.max_bytes,
            }

    def close(self) -> None:
        """Refuse new batches, write everything queued, and wait for the writer to finish."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()

    def _run(self) -> None:
        """Write segments as they are due, and a health record while spans are refused or lost."""
        while True:
            parts = self._take()
            if parts is None:
                self._health.record(final=True)
                return
            if parts:
                self._write(parts)
            if self._health.due():
                self._health.record()

    def _due(self) -> bool:
        if self._closed or self._queued_rows >= self.segment_rows:
            return True
        return self._oldest is not None and time.monotonic() - self._oldest >= self.flush_seconds

    def _take(self) -> list[_Part] | None:
        """The next segment's parts; [] when none is due yet (after a short wait); None once closed and empty."""
        with self._cond:
            if not (self._parts and self._due()):
                if self._closed and not self._parts:
                    return None
                self._cond.wait(self._tick)
                if not (self._parts and self._due()):
                    return []
            parts: list[_Part] = []
            rows = 0
            while self._parts and rows < self.segment_rows:
                part = self._parts.popleft()
                parts.append(part)
                rows += part.rows
            self._queued_rows -= rows
            self._held_rows += rows
            self._oldest = time.monotonic() if self._parts else None
            return parts

    def _write(self, parts: list[_Part]) -> None:
        """Write each day's segment; hold and retry what fails; at close, drop it after a few tries, counted."""
        pending: dict[str, list[_Part]] = {}
        for part in parts:
            pending.setdefault(part.day, []).append(part)
        attempts = 0
        while pending:
            for day in sorted(pending):
                try:
                    self._writer.write_table(day, pa.concat_tables([p.table for p in pending[day]]))
                except Exception as exc:  # noqa: BLE001 - disk full, permissions: hold, count, warn, retry
                    self._stats.write_failed(exc)
                    continue
                self._release(pending.pop(day))
            if not pending:
                break
            attempts += 1
            if self._wait_to_retry(attempts):
                lost = [part for held in pending.values() for part in held]
                self._stats.lost("lake_write", sum(p.rows for p in lost))
                self._stats.warn(
                    "lake_drop", f"stopping with the lake unwritable: {sum(p.rows for p in lost)} spans lost"
                )
                self._release(lost, written=False)
                return
        with self._cond:
            self._failures = 0

    def _wait_to_retry(self, attempts: int) -> bool:
        """Back off before the next attempt; True once closing and the last tries are spent."""
        with self._cond:
            self._failures = attempts
            if self._closed:
                self._tries_closing += 1
                if self._tries_closing >= _DRAIN_ATTEMPTS:
                    return True
            self._cond.wait(0.2 if self._closed else _BACKOFF_S[min(attempts, len(_BACKOFF_S)) - 1])
        return False

    def _release(self, parts: list[_Part], *, written: bool = True) -> None:
        with self._cond:
            self._used_bytes -= sum(p.nbytes for p in parts)
            self._held_rows -= sum(p.rows for p in parts)
        if written:
            self._stats.written(sum(p.rows for p in parts))
