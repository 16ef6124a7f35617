"""chDB over the lake reads what DuckDB reads: the snapshot's live segments, under the readers' lease.

A compaction's inputs and its output never both count, a bad segment is set aside instead of scored,
and the lake's export health records give the same ``data_completeness`` on both engines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("chdb", reason="the clickhouse extra (chdb) is part of the dev install")

import scoring
from instrumentation.lake import quarantine_dir
from tests._killed_compaction import compact_killed
from tests.scoring._lake import SCOPE, t
from tests.scoring.test_completeness import _health
from tests.scoring.test_lake_faults import _spoil, _two_segment_day, score_during_compactions


def _click(home: Path) -> scoring.Scorecard:
    return scoring.scorecard(home, SCOPE, engine="clickhouse")


def test_chdb_counts_each_cost_once_while_a_compactions_inputs_and_output_are_both_there(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    day = _two_segment_day(home)
    before = scoring.scorecard(home, SCOPE, cache=False).metrics
    assert compact_killed(home / "lake", before_inputs_go=True).by_sigkill
    assert len(list(day.glob("part-*.parquet"))) == 3 and list(day.glob("compact-*.json"))  # output and inputs
    assert _click(home).metrics == before


def test_chdb_sets_bad_segments_aside_and_scores_the_rest(tmp_path: Path) -> None:
    clean, home = tmp_path / "clean", tmp_path / "spoilt"
    _two_segment_day(clean)
    shutil.copytree(clean, home)
    bad = _spoil(home / "lake" / "otel_traces" / "dt=2026-03-05")
    assert _click(home).metrics == scoring.scorecard(clean, SCOPE, cache=False).metrics
    for path in bad:
        assert (quarantine_dir(home / "lake") / "otel_traces" / "dt=2026-03-05" / path.name).is_file()


def test_chdb_reads_no_file_of_the_lake_that_is_not_a_live_segment(tmp_path: Path) -> None:
    """A Parquet file that is not a segment (a copy by hand, a temporary) is not scored, as on DuckDB."""
    home = tmp_path / ".harness"
    day = _two_segment_day(home)
    expected = scoring.scorecard(home, SCOPE, cache=False).metrics
    for segment in sorted(day.glob("part-*.parquet")):
        shutil.copy(segment, day / f"copy-of-{segment.name}")
        shutil.copy(segment, day / f".{segment.name}.host~1.parquet")  # not a segment's name either
    (day / "garbage.parquet").write_bytes(b"not Parquet" * 100)  # not opened, so it fails nothing
    assert _click(home).metrics == expected


def test_chdb_scoring_while_compactions_run_never_fails_nor_counts_twice(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _two_segment_day(home)
    expected = scoring.scorecard(home, SCOPE, cache=False).metrics
    score_during_compactions(home, lambda: _click(home), expected, rounds=3, reader_wait_s=0.05)


@pytest.mark.parametrize(
    ("written", "dropped", "status"),
    [(990, {"queue_full": 8, "write_failed": 2}, "incomplete"), (1000, {}, "complete"), (None, None, "unknown")],
)
def test_chdb_reads_the_lakes_export_health_records(
    tmp_path: Path, written: int | None, dropped: dict[str, int] | None, status: str
) -> None:
    home = tmp_path / ".harness"
    _two_segment_day(home)
    if written is not None and dropped is not None:
        _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), written, dropped)
        _health(home, t("2025-01-01T00:00:00"), t("2025-01-01T01:00:00"), 5, {"queue_full": 500})  # outside
    duck, click = scoring.scorecard(home, SCOPE, cache=False), _click(home)
    assert click.data_completeness.status == status
    assert click.data_completeness == duck.data_completeness
    assert click.warnings == duck.warnings
    no_drops = [{c.id: c for c in card.axes["observability"].criteria}["obs.no_drops"] for card in (duck, click)]
    assert [c.model_dump(exclude={"evidence"}) for c in no_drops] == [no_drops[0].model_dump(exclude={"evidence"})] * 2


def test_chdb_scores_a_lake_whose_every_segment_was_set_aside_as_duckdb_does(tmp_path: Path) -> None:
    """The snapshot is empty: the exporter's table, empty, gives the source its columns."""
    home = tmp_path / ".harness"
    day = home / "lake" / "otel_traces" / "dt=2026-03-05"
    day.mkdir(parents=True)
    (day / "part-bad.parquet").write_bytes(b"not Parquet" * 30)
    click = _click(home)
    (day / "part-bad.parquet").write_bytes(b"not Parquet" * 30)
    duck = scoring.scorecard(home, SCOPE, cache=False)
    assert click.metrics == duck.metrics and click.warnings == duck.warnings
