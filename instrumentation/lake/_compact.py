"""Merge small segments of each day partition, exactly once even when killed at any step.

Per partition, under its lock (``_lock``):
1. finish what an earlier compaction left: a plan whose output exists has its inputs deleted, then
   the plan; a plan whose output never arrived is dropped; temporaries no live process owns are deleted;
2. read the small segments; one that does not read or has not the lake's columns is set aside
   (quarantined), never merged;
3. write the plan naming the inputs and the output (temporary name, then rename);
4. write the merged segment (temporary name, then rename): from here on every reader takes the
   output instead of the inputs (``_snapshot``), so no state between steps counts a span twice. Its
   Parquet metadata names the inputs and their sizes (``compacted_from``): a reader that had loaded
   exactly those can relabel their rows instead of reading the output again;
5. once no reader holds a lease (waiting up to ``reader_wait_s``), delete the inputs, then the plan.
   Readers that stay longer defer it to the next run, which merges nothing in that partition until
   the plan is finished, so at most one plan per partition is ever pending.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from instrumentation.lake._layout import partition_dirs
from instrumentation.lake._lock import holder, no_readers, partition_lock
from instrumentation.lake._quarantine import content_problem, quarantine, schema_problem
from instrumentation.lake._segments import SegmentWriter
from instrumentation.lake._snapshot import PLAN_PREFIX, is_plan_name, is_segment_name, read_plan
from instrumentation.lake._temporaries import sweep, temporary_name

# a merged segment's Parquet key-value metadata: its inputs as JSON [[file name, size in bytes], ...]
COMPACTED_FROM = b"harness.compacted_from"


def compacted_from(path: Path) -> list[tuple[str, int]] | None:
    """The inputs a compaction merged into the segment at ``path`` (file names in its folder, and their sizes),
    or None when it is not a merge or its footer does not say."""
    try:
        raw = (pq.read_metadata(path).metadata or {}).get(COMPACTED_FROM)
        inputs = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, pa.ArrowException):
        return None
    if not isinstance(inputs, list) or not inputs:
        return None
    named = [tuple(entry) for entry in inputs if isinstance(entry, list) and len(entry) == 2]
    if len(named) != len(inputs) or not all(isinstance(n, str) and type(s) is int for n, s in named):
        return None
    return [(str(name), int(size)) for name, size in named]


@dataclass
class CompactionResult:
    partitions: int = 0
    segments_in: int = 0
    segments_out: int = 0
    rows: int = 0
    skipped_locked: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    temporaries_removed: int = 0
    recovered_plans: int = 0
    deferred: list[str] = field(default_factory=list)


def compact(
    lake_dir: Path, *, small_bytes: int = 64 * 1024 * 1024, min_segments: int = 2, reader_wait_s: float = 5.0
) -> CompactionResult:
    """Merge every partition's segments smaller than ``small_bytes`` into one segment."""
    lake_dir = Path(lake_dir)
    result = CompactionResult()
    for folder in partition_dirs(lake_dir):
        with partition_lock(folder) as held:
            if held:
                _compact_partition(lake_dir, folder, small_bytes, min_segments, reader_wait_s, result)
            else:
                pid = holder(folder)
                result.skipped_locked.append(folder.name if pid is None else f"{folder.name} (PID {pid})")
    return result


def _compact_partition(
    lake_dir: Path, folder: Path, small_bytes: int, min_segments: int, wait_s: float, result: CompactionResult
) -> None:
    if not _recover(folder, wait_s, result):
        result.deferred.append(folder.name)
        return
    tables = _read_inputs(lake_dir, _small_segments(folder, small_bytes), result)
    if len(tables) < min_segments:
        return
    plan = _merge(folder, tables, SegmentWriter(lake_dir))
    result.rows += sum(table.num_rows for table in tables.values())
    result.partitions += 1
    result.segments_in += len(tables)
    result.segments_out += 1
    if not _finish(folder, plan, wait_s):
        result.deferred.append(folder.name)


def _small_segments(folder: Path, small_bytes: int) -> list[Path]:
    small = []
    for path in sorted(p for p in folder.iterdir() if is_segment_name(p.name)):
        try:
            if path.stat().st_size < small_bytes:
                small.append(path)
        except FileNotFoundError:  # a reader set it aside meanwhile
            continue
    return small


def _read_inputs(lake_dir: Path, paths: list[Path], result: CompactionResult) -> dict[Path, pa.Table]:
    """The readable inputs with the lake's columns; the others are set aside."""
    tables = {}
    for path in paths:
        try:
            table = pq.read_table(path)
        except FileNotFoundError:
            continue  # a reader set it aside meanwhile
        except Exception as exc:
            problem = content_problem(exc)
            if problem is None:
                raise
        else:
            problem = schema_problem(table.schema)
        if problem is None:
            tables[path] = table
        else:
            quarantine(lake_dir, path, problem)
            result.quarantined.append(f"{path.parent.name}/{path.name}: {problem}")
    return tables


def _merge(folder: Path, tables: dict[Path, pa.Table], writer: SegmentWriter) -> Path:
    """Steps 3 and 4: the plan, then the merged output; returns the plan."""
    merged = pa.concat_tables(tables.values())
    # the first input's metadata, less the inputs it names if it is itself a merge: never this output's
    metadata = {key: value for key, value in (merged.schema.metadata or {}).items() if key != COMPACTED_FROM}
    try:
        inputs = [[path.name, path.stat().st_size] for path in tables]
    except FileNotFoundError:  # set aside meanwhile: the output just does not name its inputs
        pass
    else:
        metadata[COMPACTED_FROM] = json.dumps(inputs).encode()
    merged = merged.replace_schema_metadata(metadata)
    output_name = f"part-{uuid.uuid4().hex}.parquet"
    plan = folder / f"{PLAN_PREFIX}{uuid.uuid4().hex}.json"
    _write_json(plan, {"inputs": [p.name for p in tables], "output": output_name})
    writer.write_table(folder.name.removeprefix("dt="), merged, name=output_name)
    return plan


def _plans(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if is_plan_name(p.name))


def _recover(folder: Path, wait_s: float, result: CompactionResult) -> bool:
    """Finish earlier plans and drop dead temporaries; False when a plan must wait for readers."""
    result.temporaries_removed += len(sweep(folder))  # under the lock no other compaction owns one
    finished = True
    for plan in _plans(folder):
        result.recovered_plans += 1
        finished = _finish(folder, plan, wait_s) and finished
    return finished


def _finish(folder: Path, plan_path: Path, wait_s: float) -> bool:
    """Delete a landed plan's inputs, then the plan (a plan whose output never landed: just the plan)."""
    plan = read_plan(plan_path)
    if plan is not None and (folder / plan[1]).exists():
        with no_readers(folder.parent, wait_s) as alone:
            if not alone:
                return False
            for name in plan[0]:
                (folder / name).unlink(missing_ok=True)
            plan_path.unlink(missing_ok=True)  # last: readers rely on it while any input is still there
            return True
    plan_path.unlink(missing_ok=True)
    return True


def _write_json(path: Path, payload: dict[str, object]) -> None:
    temporary = path.with_name(temporary_name(path.name))
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)
