"""A bad segment sets itself aside: moved to ``quarantine/`` with a reason, named once, the rest read."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from instrumentation.lake import compact, partition_dirs, quarantine_dir, read_segments, segments
from instrumentation.lake._temporaries import temporary_name
from tests.instrumentation._segments import span_counts, write_segments


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(3000))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _foreign_schema(path: Path) -> None:
    pq.write_table(pa.table({"SpanId": ["a", "b"], "foo": [1, 2]}), path)


def _retyped(path: Path) -> None:
    table = pq.read_table(path)
    index = table.schema.get_field_index("Duration")
    pq.write_table(table.set_column(index, "Duration", table["Duration"].cast(pa.string())), path)


def _corrupt_pages(path: Path) -> None:
    """A sound footer over a broken data page: only a full read finds it."""
    data = bytearray(path.read_bytes())
    start = pq.read_metadata(path).row_group(0).column(2).data_page_offset + 40
    for offset in range(start, start + 400):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


_BAD: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncated, "does not read as Parquet"),
    "random": (_random_bytes, "does not read as Parquet"),
    "empty": (_empty, "does not read as Parquet"),
    "foreign": (_foreign_schema, "not the lake's schema: missing columns Timestamp"),
    "retyped": (_retyped, "not the lake's schema: Duration is string"),
}


def _lake_with_bad(tmp_path: Path, spoil: Callable[[Path], None]) -> tuple[Path, Path, int]:
    lake = tmp_path / "lake"
    spans = write_segments(lake, days=1, segments=4, rows=25)
    victim = sorted(s.path for s in segments(lake))[0]
    spoil(victim)
    return lake, victim, spans - 25


def _reason(lake: Path, victim: Path) -> str:
    moved = quarantine_dir(lake) / victim.relative_to(lake)
    assert moved.is_file() and not victim.exists()
    return moved.with_name(moved.name + ".reason").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(_BAD))
def test_a_reader_sets_a_bad_segment_aside_and_reads_the_rest(
    tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    spoil, why = _BAD[kind]
    lake, victim, good = _lake_with_bad(tmp_path, spoil)
    with caplog.at_level(logging.WARNING, logger="instrumentation.lake"):
        assert span_counts(lake) == (good, good)
        assert span_counts(lake) == (good, good)  # the second read is quiet: the segment is aside
    (line,) = [r.getMessage() for r in caplog.records]
    assert victim.name in line and why in line and "\n" not in line
    assert why in _reason(lake, victim)


def test_a_segment_whose_pages_do_not_read_is_set_aside_after_the_failed_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lake, victim, good = _lake_with_bad(tmp_path, _corrupt_pages)
    assert victim in [s.path for s in segments(lake)]  # its footer is sound: the listing keeps it
    with caplog.at_level(logging.WARNING, logger="instrumentation.lake"):
        assert span_counts(lake) == (good, good)
    assert len(caplog.records) == 1 and "does not read as Parquet" in _reason(lake, victim)


@pytest.mark.parametrize("kind", sorted(_BAD))
def test_compact_never_merges_a_bad_segment(tmp_path: Path, kind: str) -> None:
    spoil, why = _BAD[kind]
    lake, victim, good = _lake_with_bad(tmp_path, spoil)
    result = compact(lake)
    assert result.segments_in == 3 and result.rows == good
    (named,) = result.quarantined
    assert victim.name in named and why in named
    assert span_counts(lake) == (good, good)
    assert why in _reason(lake, victim)


def test_an_error_that_is_not_the_segments_fault_is_raised(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    write_segments(lake, days=1, segments=1, rows=5)

    def failing(snapshot: list[object]) -> None:
        raise RuntimeError("the reader's own bug")

    with pytest.raises(RuntimeError, match="own bug"):
        read_segments(lake, failing)
    assert not quarantine_dir(lake).exists()  # nothing was blamed on the lake


def test_compact_removes_temporaries_no_live_writer_owns(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    write_segments(lake, days=1, segments=2, rows=5)
    (folder,) = partition_dirs(lake)
    dead_pid = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    mine = folder / temporary_name("part-live.parquet")  # this process is a live writer
    dead = folder / temporary_name("part-dead.parquet").replace(f"~{os.getpid()}.", f"~{dead_pid}.")
    other_host = folder / ".part-remote.parquet.otherhost~1.tmp"
    legacy_old = folder / ".part-legacy.parquet.tmp"  # written before temporaries named their owner
    for path in (mine, dead, other_host, legacy_old):
        path.write_bytes(b"partial")
    hour_ago = time.time() - 3700
    os.utime(legacy_old, (hour_ago, hour_ago))
    result = compact(lake)
    assert result.temporaries_removed == 2
    assert mine.exists() and other_host.exists() and not dead.exists() and not legacy_old.exists()


def test_a_bad_segment_that_cannot_be_moved_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lake, victim, good = _lake_with_bad(tmp_path, _truncated)
    quarantine_dir(lake).write_text("a file where the folder should go", encoding="utf-8")  # as a read-only lake
    with caplog.at_level(logging.WARNING, logger="instrumentation.lake"):
        assert span_counts(lake) == (good, good)
    assert victim.exists() and "could not move it aside" in caplog.text and victim.name in caplog.text
