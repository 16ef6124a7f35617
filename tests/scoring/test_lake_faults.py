"""Scoring and the eval commands over a lake under faults: a killed or running compaction, bad segments."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import evals
import scoring
from harness.facts import Deployment, record
from instrumentation.lake import SegmentWriter, compact, partition_dirs, quarantine_dir, span_to_row
from tests._killed_compaction import compact_killed
from tests.conftest import make_captured
from tests.evals._runs import base_passes, make_run
from tests.instrumentation._segments import row
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, WINDOW, t


def _two_segment_day(home: Path) -> Path:
    """The fixture calls, plus a deployment on the first call's day, so that day has two segments."""
    _lake.write_llm_calls(home)
    record(Deployment(system="support", version="1", id="x1", at=t("2026-03-05T12:00:00")), home=home)
    day = home / "lake" / "otel_traces" / "dt=2026-03-05"
    assert len(list(day.glob("part-*.parquet"))) == 2
    return day


def test_a_compaction_killed_after_its_output_landed_counts_each_cost_once(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    day = _two_segment_day(home)
    before = scoring.scorecard(home, SCOPE).metrics
    assert compact_killed(home / "lake", before_inputs_go=True).by_sigkill
    assert len(list(day.glob("part-*.parquet"))) == 3 and list(day.glob("compact-*.json"))  # output and inputs
    during = scoring.scorecard(home, SCOPE).metrics
    assert during.cost_per_feature_usd == before.cost_per_feature_usd
    assert during.latency_ms == before.latency_ms and during.deployment_frequency_per_week == pytest.approx(0.25)
    compact(home / "lake")
    assert scoring.scorecard(home, SCOPE).metrics == during


def test_scoring_while_compactions_run_never_fails_nor_counts_twice(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _two_segment_day(home)
    expected = scoring.scorecard(home, SCOPE).metrics
    score_during_compactions(home, lambda: scoring.scorecard(home, SCOPE), expected, rounds=5)


def score_during_compactions(
    home: Path,
    score: Callable[[], scoring.Scorecard],
    expected: scoring.Metrics,
    *,
    rounds: int,
    reader_wait_s: float = 5.0,
) -> None:
    """Score ``rounds`` times while another thread writes new non-inference spans on the priced calls' day
    and compacts them with them, again and again: every score has the expected costs and latencies."""
    lake = home / "lake"
    stop = threading.Event()
    errors: list[BaseException] = []

    def write_and_compact() -> None:
        writer, number = SegmentWriter(lake), 0
        try:
            while not stop.is_set():
                for _ in range(3):
                    writer.write_rows([row(number + i) for i in range(20)])
                    number += 20
                compact(lake, reader_wait_s=reader_wait_s)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    thread = threading.Thread(target=write_and_compact)
    thread.start()
    try:
        for _ in range(rounds):
            metrics = score().metrics
            assert metrics.cost_per_feature_usd == expected.cost_per_feature_usd
            assert metrics.latency_ms == expected.latency_ms
    finally:
        stop.set()
        thread.join()
    assert not errors, errors


def _spoil(day: Path) -> list[Path]:
    good = sorted(day.glob("part-*.parquet"))[0]
    truncated, noise, foreign = (day / f"part-{name}.parquet" for name in ("truncated", "noise", "foreign"))
    truncated.write_bytes(good.read_bytes()[:200])
    noise.write_bytes(os.urandom(4096))
    pq.write_table(pa.table({"SpanId": ["x"], "Duration": [5]}), foreign)
    return [truncated, noise, foreign]


def test_bad_segments_are_set_aside_and_the_rest_is_scored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clean, home = tmp_path / "clean", tmp_path / "spoilt"
    _two_segment_day(clean)
    shutil.copytree(clean, home)
    bad = _spoil(home / "lake" / "otel_traces" / "dt=2026-03-05")
    with caplog.at_level(logging.WARNING, logger="instrumentation.lake"):
        scored = scoring.scorecard(home, SCOPE)
        again = scoring.scorecard(home, SCOPE)
    assert scored.metrics == again.metrics == scoring.scorecard(clean, SCOPE).metrics
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3 and all(sum(p.name in line for line in lines) == 1 for p in bad)
    for path in bad:
        aside = quarantine_dir(home / "lake") / "otel_traces" / "dt=2026-03-05" / path.name
        assert aside.is_file() and aside.with_name(path.name + ".reason").is_file()


def test_harness_score_names_a_bad_segment_once_and_scores(tmp_path: Path, price_book: Path) -> None:
    home = tmp_path / ".harness"
    _two_segment_day(home)
    (truncated, *_) = _spoil(home / "lake" / "otel_traces" / "dt=2026-03-05")
    argv = [sys.executable, "-m", "harness.cli", "score", "--home", str(home), "--format", "json"]
    argv += ["--since", WINDOW["since"], "--until", WINDOW["until"]]
    first = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    assert '"cost_per_feature_usd"' in first.stdout
    (line,) = [line for line in first.stderr.splitlines() if truncated.name in line]
    assert line.startswith("harness: set aside lake segment otel_traces/dt=2026-03-05/part-truncated.parquet (")
    assert len(first.stderr.splitlines()) == 3  # one line for each of the three bad segments
    second = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 0 and second.stderr == "" and second.stdout == first.stdout


def test_the_eval_commands_read_past_a_bad_segment(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    cap = make_captured(home)
    store = evals.RunStore(home)
    store.save(make_run("b", base_passes(20)))
    store.approve("b", cap.telemetry)
    cap.telemetry.shutdown()
    (folder,) = partition_dirs(home / "lake")
    _spoil(folder)
    store.approvals_file.unlink()  # only the lake remembers the approval
    assert store.approved() == ["b"]
    assert evals.lake_span_pairs(home / "lake", "0" * 32) == []


def test_a_segment_appended_by_hand_with_a_parent_still_loads(tmp_path: Path) -> None:
    """The listing rule reads every ``part-*`` file a writer renamed in, however it was written."""
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "support")
    parent = writer.tracer.start_span("invoke_agent support", start_time=_lake.ns("2026-03-05T10:00:00"))
    writer.llm("2026-03-05T10:00:01", 100, parent=parent)
    writer.close()
    parent.end(end_time=_lake.ns("2026-03-05T10:00:05"))
    SegmentWriter(home / "lake").write_rows([span_to_row(parent)])
    assert scoring.metric("orphan_spans", home, SCOPE)["orphan_share"][0] == pytest.approx(0.0)
