"""Merge small segments of each day partition without losing or duplicating a span.

Protocol, per partition, under an exclusive lock file:
1. write a marker naming the inputs and the output (temporary name, then rename);
2. write the merged segment (temporary name, then rename);
3. delete the inputs, then the marker.
A crash before 2 leaves the inputs and a marker whose output is absent: the marker is dropped.
A crash after 2 leaves a marker whose output exists: the next run finishes step 3.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from instrumentation.errors import HarnessError
from instrumentation.lake._schema import TRACES_SCHEMA
from instrumentation.lake._segments import SegmentWriter, partition_dirs

_LOCK = ".compact.lock"
_STALE_LOCK_S = 3600.0


@dataclass
class CompactionResult:
    partitions: int = 0
    segments_in: int = 0
    segments_out: int = 0
    rows: int = 0
    skipped_locked: list[str] = field(default_factory=list)


def compact(lake_dir: Path, *, small_bytes: int = 64 * 1024 * 1024, min_segments: int = 2) -> CompactionResult:
    """Merge every partition's segments smaller than ``small_bytes`` into one segment."""
    result = CompactionResult()
    writer = SegmentWriter(lake_dir)
    for folder in partition_dirs(lake_dir):
        lock = folder / _LOCK
        if not _acquire(lock):
            result.skipped_locked.append(folder.name)
            continue
        try:
            _recover(folder)
            small = sorted(p for p in folder.glob("part-*.parquet") if p.stat().st_size < small_bytes)
            if len(small) < min_segments:
                continue
            result.rows += _merge(folder, small, writer)
            result.partitions += 1
            result.segments_in += len(small)
            result.segments_out += 1
        finally:
            lock.unlink(missing_ok=True)
    return result


def _merge(folder: Path, inputs: list[Path], writer: SegmentWriter) -> int:
    tables = []
    for path in inputs:
        try:
            tables.append(pq.read_table(path, schema=TRACES_SCHEMA))
        except (OSError, pa.ArrowException) as exc:
            raise HarnessError(f"{path}: cannot read segment for compaction ({exc}); move it aside and retry") from exc
    merged = pa.concat_tables(tables)
    day = folder.name.removeprefix("dt=")
    output_name = f"part-{uuid.uuid4().hex}.parquet"
    marker = folder / f"compact-{uuid.uuid4().hex}.json"
    _write_json(marker, {"inputs": [p.name for p in inputs], "output": output_name})
    writer.write_table(day, merged, name=output_name)
    _finish(folder, marker)
    return int(merged.num_rows)


def _recover(folder: Path) -> None:
    for marker in folder.glob("compact-*.json"):
        _finish(folder, marker)


def _finish(folder: Path, marker: Path) -> None:
    plan = json.loads(marker.read_text(encoding="utf-8"))
    if (folder / plan["output"]).exists():
        for name in plan["inputs"]:
            (folder / name).unlink(missing_ok=True)
    marker.unlink(missing_ok=True)


def _write_json(path: Path, payload: dict[str, object]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)


def _acquire(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        try:
            stale = time.time() - lock.stat().st_mtime > _STALE_LOCK_S
        except FileNotFoundError:
            stale = True
        if not stale:
            return False
        lock.unlink(missing_ok=True)
        return _acquire(lock)
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    return True
