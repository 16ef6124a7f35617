"""Compaction exactly once under SIGKILL at every step, past a dead holder's lock, beside live readers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from instrumentation.lake import SegmentWriter, compact, compacted_from, partition_dirs, segments
from instrumentation.lake._compact import COMPACTED_FROM
from instrumentation.lake._lock import partition_lock
from tests._killed_compaction import compact_killed
from tests.instrumentation._segments import row, span_counts, write_segments


def _leftovers(lake: Path) -> list[str]:
    return sorted(p.name for folder in partition_dirs(lake) for p in folder.iterdir() if not p.name.startswith("part-"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    lake = tmp_path_factory.mktemp("template") / "lake"
    return lake, write_segments(lake, days=1, segments=3, rows=100)


def test_compaction_killed_at_every_step_keeps_every_span_exactly_once(
    tmp_path: Path, template: tuple[Path, int]
) -> None:
    source, spans = template
    full = tmp_path / "full"
    shutil.copytree(source, full)
    finished = compact_killed(full)
    assert finished.status == 0 and finished.changes > 0
    steps = finished.changes
    assert steps >= 7  # lock, plan (write, rename), output (write, rename), three deletions, plan, lock
    for step in range(1, steps + 1):
        lake = tmp_path / f"killed-{step}"
        shutil.copytree(source, lake)
        assert compact_killed(lake, step).by_sigkill, step
        assert span_counts(lake) == (spans, spans), f"a reader after a kill before change {step}"
        again = compact(lake)
        assert not again.skipped_locked, f"the lock of the compaction killed at {step} blocked the next one"
        assert span_counts(lake) == (spans, spans), f"after recovering from a kill before change {step}"
        assert len(segments(lake)) == 1 and _leftovers(lake) == [], step


def test_a_merged_segment_names_its_inputs_and_their_sizes(tmp_path: Path, template: tuple[Path, int]) -> None:
    source, _ = template
    lake = tmp_path / "lake"
    shutil.copytree(source, lake)
    [folder] = partition_dirs(lake)
    inputs = sorted((p.name, p.stat().st_size) for p in folder.glob("part-*.parquet"))
    assert len(inputs) == 3 and all(compacted_from(folder / name) is None for name, _ in inputs)  # a writer's own
    compact(lake)
    [merged] = folder.glob("part-*.parquet")
    assert sorted(compacted_from(merged) or []) == inputs
    table = pq.read_table(merged)
    for spoilt in (b"not json", b"[]", b'[["part-x.parquet"]]', b'[["part-x.parquet", "12"]]', b'{"a": 1}'):
        pq.write_table(table.replace_schema_metadata({COMPACTED_FROM: spoilt}), merged)
        assert compacted_from(merged) is None, spoilt  # then a reader loads it as any other segment
    assert compacted_from(folder / "gone.parquet") is None


def test_a_dead_compactions_lock_file_names_its_pid_and_blocks_nobody(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    spans = write_segments(lake, days=1, segments=3, rows=10)
    (folder,) = partition_dirs(lake)
    # a compaction killed while it held the lock: a lock file naming a PID that no longer runs
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (folder / ".compact.lock").write_text(dead.stdout, encoding="ascii")
    result = compact(lake)
    assert result.skipped_locked == [] and result.segments_in == 3
    assert span_counts(lake) == (spans, spans)
    assert not (folder / ".compact.lock").exists()


def test_a_live_compaction_holds_its_partition(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    write_segments(lake, days=1, segments=3, rows=10)
    (folder,) = partition_dirs(lake)
    with partition_lock(folder) as held:
        assert held
        result = compact(lake)
        assert result.skipped_locked == [f"{folder.name} (PID {os.getpid()})"]
        assert result.segments_in == 0
    assert compact(lake).segments_in == 3


def test_readers_never_fail_or_count_twice_while_compactions_run(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    total = write_segments(lake, days=1, segments=4, rows=50)
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [total]

    def writer_and_compactor() -> None:
        writer = SegmentWriter(lake)
        try:
            while not stop.is_set():
                for _ in range(3):
                    writer.write_rows([row(written[0] + i) for i in range(50)])
                    written[0] += 50
                compact(lake)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    thread = threading.Thread(target=writer_and_compactor)
    thread.start()
    seen = []
    try:
        for _ in range(150):
            low = written[0]
            rows, distinct = span_counts(lake)
            assert rows == distinct, "a span was counted twice"
            assert rows >= low, "a reader lost spans"  # every span counted in `low` was on disk before we listed
            seen.append(rows)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert seen == sorted(seen) and seen[-1] > seen[0]
