"""Export health: a small record in the lake from each writer that lost spans, so a reader knows a window is short.

Layout, beside the spans (one row per record, a file per record, temporary name then rename)::

    lake/export_health/dt=YYYY-MM-DD/part-<uuid>.parquet

============== =================== =====================================================================
column         type                meaning
============== =================== =====================================================================
Timestamp      timestamp[ns, UTC]  when the record was written: the end of the interval it covers
IntervalStart  timestamp[ns, UTC]  the start of that interval (the writer's previous record, or its start)
WriterId       string              one writer (one lake processor or exporter in one process)
ServiceName    string              the writer's ``service.name``
ProcessId      int64               the writer's process id
Exporter       string              the exporter's name (``lake``)
Written        uint64              spans it wrote into ``otel_traces`` in the interval
Dropped        uint64              spans it lost in the interval, every cause
DroppedByCause map<string, uint64> the same by cause (``queue_full``, ``write_failed`` ... semconv.DROP_*)
Final          bool                written at shutdown (the writer ended cleanly)
============== =================== =====================================================================

A writer records when it lost spans, at most one record per ``lake_health_seconds`` while it
drops, and at a clean shutdown when it wrote or dropped spans since its last record (a record with
``Dropped = 0`` says the interval is complete). No record means nothing was reported: a reader
(the scorecard's ``data_completeness``) calls that unknown. What no record can report: a lake that
cannot be written at all, a process killed before its buffer was written, and spans given up at
the shutdown deadline or ended after shutdown (those last two are on the
``harness.export.dropped_spans`` metric). A window ``[since, until)`` is incomplete
when a record with ``Timestamp > since AND IntervalStart < until`` has ``Dropped > 0``:
``read_health`` sums them.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from instrumentation.lake._layout import health_dir, health_files


class HealthCounts(Protocol):
    """What a writer's health records are made from (``ExportCounts``; the receiver's ``Stats``)."""

    def delivered(self, exporter: str) -> int:
        """Spans ``exporter`` wrote into the lake so far."""
        ...

    def dropped(self, exporter: str) -> dict[str, int]:
        """Spans ``exporter`` lost so far, by cause."""
        ...

    def health_failed(self) -> None:
        """A health record could not be written (counted; its counts carry over to the next record)."""
        ...


_TS = pa.timestamp("ns", tz="UTC")
HEALTH_SCHEMA = pa.schema(
    [
        ("Timestamp", _TS),
        ("IntervalStart", _TS),
        ("WriterId", pa.string()),
        ("ServiceName", pa.string()),
        ("ProcessId", pa.int64()),
        ("Exporter", pa.string()),
        ("Written", pa.uint64()),
        ("Dropped", pa.uint64()),
        ("DroppedByCause", pa.map_(pa.string(), pa.uint64())),
        ("Final", pa.bool_()),
    ]
)


class HealthRecorder:
    """Writes one writer's health records from its counts: the differences since its last record."""

    def __init__(
        self, lake_dir: Path, counts: HealthCounts, exporter: str, *, service_name: str, interval_s: float
    ) -> None:
        self.root = health_dir(lake_dir)
        self.counts = counts
        self.exporter = exporter
        self.service_name = service_name
        self.interval_s = interval_s
        self.restart()

    def restart(self) -> None:
        """A new writer identity with nothing reported yet (at start, and in a forked child)."""
        self._lock = threading.Lock()
        self.writer_id = uuid.uuid4().hex
        self._written = 0
        self._dropped: dict[str, int] = {}
        self._since_ns = time.time_ns()
        self._last = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self._last >= self.interval_s and bool(self._new_drops())

    def record(self, *, final: bool = False) -> bool:
        """Write a record if spans were lost since the last one; False when that write failed."""
        with self._lock:
            return self._record(final)

    def _record(self, final: bool) -> bool:
        dropped = self._new_drops()
        written = self.counts.delivered(self.exporter)
        if not dropped and not (final and written > self._written):
            return True
        now_ns = time.time_ns()
        row = {
            "Timestamp": [now_ns],
            "IntervalStart": [self._since_ns],
            "WriterId": [self.writer_id],
            "ServiceName": [self.service_name],
            "ProcessId": [os.getpid()],
            "Exporter": [self.exporter],
            "Written": [written - self._written],
            "Dropped": [sum(dropped.values())],
            "DroppedByCause": [sorted(dropped.items())],
            "Final": [final],
        }
        try:
            _write(pa.Table.from_pydict(row, schema=HEALTH_SCHEMA), self.root, now_ns)
        except Exception:  # noqa: BLE001 - the lake cannot be written: the counts carry over to the next record
            self.counts.health_failed()
            return False
        self._written, self._since_ns, self._last = written, now_ns, time.monotonic()
        for cause, n in dropped.items():
            self._dropped[cause] = self._dropped.get(cause, 0) + n
        return True

    def _new_drops(self) -> dict[str, int]:
        now = self.counts.dropped(self.exporter)
        return {cause: n - self._dropped.get(cause, 0) for cause, n in now.items() if n > self._dropped.get(cause, 0)}


def _write(table: pa.Table, root: Path, now_ns: int) -> None:
    folder = root / f"dt={datetime.fromtimestamp(now_ns / 1e9, tz=UTC):%Y-%m-%d}"
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"part-{uuid.uuid4().hex}.parquet"
    temporary = folder / f".{final.name}.tmp"
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class ExportHealth:
    """What the health records of a window say: spans written and lost, by cause, and by how many writers."""

    written: int = 0
    dropped: int = 0
    dropped_by_cause: dict[str, int] = field(default_factory=dict)
    writers: int = 0
    records: int = 0
    unreadable: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """No writer reported a loss in the window (see the module docstring for what cannot be reported)."""
        return self.dropped == 0


def health_records(lake_dir: Path) -> tuple[pa.Table, list[str]]:
    """Every readable health record of the lake (``HEALTH_SCHEMA``), and the files that did not read."""
    tables = []
    unreadable = []
    for path in health_files(lake_dir):
        try:
            tables.append(_conformed(pq.ParquetFile(path).read()))
        except (OSError, pa.ArrowException):
            unreadable.append(str(path))
    return pa.concat_tables(tables) if tables else HEALTH_SCHEMA.empty_table(), unreadable


def _conformed(table: pa.Table) -> pa.Table:
    """``table`` in ``HEALTH_SCHEMA`` (a column it lacks is null), as ``pq.read_table(schema=...)`` would read it.

    Read per file: ``read_table`` goes through ``pyarrow.dataset``, whose import pulls in pandas (0.2 s of
    every scorecard)."""
    n = len(table)
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(n, f.type)
        for f in HEALTH_SCHEMA
    ]
    return pa.Table.from_arrays(columns, schema=HEALTH_SCHEMA)


def read_health(lake_dir: Path, since: datetime | None = None, until: datetime | None = None) -> ExportHealth:
    """Sum the health records overlapping ``[since, until)`` (aware datetimes; None: unbounded)."""
    table, unreadable = health_records(lake_dir)
    rows = [r for r in table.to_pylist() if _overlaps(r, since, until)]
    by_cause: dict[str, int] = {}
    for row in rows:
        for cause, n in row["DroppedByCause"]:
            by_cause[cause] = by_cause.get(cause, 0) + n
    return ExportHealth(
        written=sum(int(r["Written"]) for r in rows),
        dropped=sum(by_cause.values()),
        dropped_by_cause=by_cause,
        writers=len({r["WriterId"] for r in rows}),
        records=len(rows),
        unreadable=unreadable,
    )


def _overlaps(row: dict[str, object], since: datetime | None, until: datetime | None) -> bool:
    end, start = row["Timestamp"], row["IntervalStart"]
    return (since is None or end > since) and (until is None or start < until)  # type: ignore[operator]
