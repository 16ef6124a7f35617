"""The materialised staging table follows the lake: new segments load, vanished ones are forgotten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import scoring
from harness.facts import Deployment, record
from instrumentation.errors import ConfigError
from instrumentation.lake import SegmentWriter, span_to_row
from scoring._engine import price_rows
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, t


def _segments(home: Path) -> list[Path]:
    return sorted((home / "lake" / "otel_traces").glob("dt=*/*.parquet"))


def test_cache_loads_only_new_segments_and_forgets_compacted_ones(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    first = scoring.scorecard(home, SCOPE)
    assert (home / "harness.duckdb").is_file()
    assert first.metrics.deployment_frequency_per_week is None

    record(Deployment(system="support", version="1", id="x1", at=t("2026-03-10T00:00:00")), home=home)
    second = scoring.scorecard(home, SCOPE)
    assert second.metrics.deployment_frequency_per_week == pytest.approx(0.25)  # 1 deploy / 4 weeks

    # merge every segment of one day into a single new file, as compaction does
    day = _segments(home)[0].parent
    parts = sorted(day.glob("*.parquet"))
    merged = pq.read_table(parts[0]) if len(parts) == 1 else pq.read_table(day)
    for part in parts:
        part.unlink()
    pq.write_table(merged, day / "part-merged.parquet")
    third = scoring.scorecard(home, SCOPE)
    assert third.metrics.latency_ms == second.metrics.latency_ms
    assert third.metrics.cost_per_feature_usd == second.metrics.cost_per_feature_usd


def test_orphan_share_sees_a_parent_that_arrives_in_a_later_segment(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "support")
    parent = writer.tracer.start_span("invoke_agent support", start_time=_lake.ns("2026-03-05T10:00:00"))
    writer.llm("2026-03-05T10:00:01", 100, parent=parent)
    writer.close()  # the child's segment is on disk; the parent has not ended
    assert scoring.metric("orphan_spans", home, SCOPE)["orphan_share"][0] == pytest.approx(1.0)

    parent.end(end_time=_lake.ns("2026-03-05T10:00:05"))
    SegmentWriter(home / "lake").write_rows([span_to_row(parent)])  # arrives later, in its own segment
    assert scoring.metric("orphan_spans", home, SCOPE)["orphan_share"][0] == pytest.approx(0.0)


def test_a_truncated_segment_is_set_aside_and_nothing_is_half_loaded(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    good = _segments(home)[0]
    bad = good.parent / "part-truncated.parquet"
    bad.write_bytes(good.read_bytes()[:200])
    assert scoring.scorecard(home, SCOPE).metrics.latency_ms.p50 == pytest.approx(350.0)
    assert not bad.exists() and (home / "lake" / "quarantine" / bad.relative_to(home / "lake")).is_file()


def test_a_failed_open_releases_the_database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    broken = tmp_path / "prices.toml"
    broken.write_text("[[model]\n", encoding="utf-8")
    monkeypatch.setenv("HARNESS_PRICE_BOOK", str(broken))
    with pytest.raises(ConfigError, match="price book") as failure:
        scoring.scorecard(home, SCOPE)
    # the held traceback keeps the engine's frame alive, as a notebook's last error does; the file must be free
    opened = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(home / "harness.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert opened.returncode == 0, opened.stderr
    assert str(broken) in str(failure.value)  # the error names the file to mend


def _scored_then_one_more_house_call(home: Path) -> None:
    """A scorecard of the fixture lake, then a new segment with one call the price book prices at 0.002 USD."""
    assert scoring.scorecard(home, SCOPE).metrics.cost_per_feature_usd["(unattributed)"] == pytest.approx(0.012)
    writer = _lake.SpanWriter(home, "support")
    writer.llm("2026-03-14T10:00:00", 100, **_lake.attrs(
        GEN_AI_PROVIDER_NAME="house", GEN_AI_REQUEST_MODEL="house-model", GEN_AI_RESPONSE_MODEL="house-model",
        GEN_AI_USAGE_INPUT_TOKENS=1000, GEN_AI_USAGE_OUTPUT_TOKENS=500,
    ))  # fmt: skip
    writer.close()


def test_a_load_whose_pricing_failed_is_priced_on_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spans of new segments commit before they are priced (pricing rows written in the same transaction
    makes DuckDB rewrite them at commit); a failure in between is finished by the next open."""
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    with _lake.priced(tmp_path):
        _scored_then_one_more_house_call(home)

        def failing(*_: object) -> list[list[object]]:
            raise ConfigError("the price book went away")

        with monkeypatch.context() as patch:
            patch.setattr("scoring._engine.price_rows", failing)
            with pytest.raises(ConfigError, match="went away"):
                scoring.scorecard(home, SCOPE)
        assert scoring.scorecard(home, SCOPE).metrics.cost_per_feature_usd["(unattributed)"] == pytest.approx(0.014)


def test_a_database_priced_under_older_matching_rules_prices_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a book's entry matches is a rule of the code, not of the book's bytes: a database priced before the
    rules changed (here, a `default` entry came to price calls that name no tier) prices again, as a fresh build
    does (before, it kept the old costs until the book was edited)."""
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    book = tmp_path / "prices.toml"
    book.write_text(
        '[[model]]\nprovider = "house"\nmodel = "house-model"\nservice_tier = "default"\n'
        "input_mtok = 1.0\noutput_mtok = 2.0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HARNESS_PRICE_BOOK", str(book))
    with monkeypatch.context() as patch:  # the rules before: a `default` entry priced only calls that said so
        patch.setattr("instrumentation._cost._STANDARD", frozenset())
        patch.setattr("instrumentation._cost.PriceBook.RULES", "1")
        before = scoring.scorecard(home, SCOPE).metrics.cost_per_feature_usd["(unattributed)"]
    after = scoring.scorecard(home, SCOPE).metrics.cost_per_feature_usd["(unattributed)"]
    (home / "harness.duckdb").unlink()
    fresh = scoring.scorecard(home, SCOPE).metrics.cost_per_feature_usd["(unattributed)"]
    assert after == pytest.approx(fresh) and after != pytest.approx(before)


def test_a_sync_retried_after_its_load_committed_does_not_load_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync whose derive step fails after its load committed, while the lake changed under it, is retried on a
    fresh snapshot: the retry starts from the segments now loaded, instead of loading the same ones twice."""
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    with _lake.priced(tmp_path):
        _scored_then_one_more_house_call(home)
        calls = []

        def failing_once(*args: object) -> list[list[object]]:
            calls.append(args)
            if len(calls) == 1:
                raise OSError("a segment went away")
            return price_rows(*args)  # type: ignore[arg-type]

        with monkeypatch.context() as patch:
            patch.setattr("scoring._engine.price_rows", failing_once)
            patch.setattr("instrumentation.lake._snapshot._settle", lambda *_: True)  # the lake moved: retry
            card = scoring.scorecard(home, SCOPE)
        assert len(calls) == 2
        assert card.metrics.cost_per_feature_usd["(unattributed)"] == pytest.approx(0.014)


def test_a_warm_scorecard_leaves_the_database_file_as_it_was(tmp_path: Path) -> None:
    """Nothing changed in the lake, so nothing is written: no table rebuilt, no meta row rewritten."""
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    first = scoring.scorecard(home, SCOPE)
    database = home / "harness.duckdb"
    before = database.read_bytes()
    second = scoring.scorecard(home, SCOPE)
    assert database.read_bytes() == before and not (home / "harness.duckdb.wal").exists()
    assert second.metrics == first.metrics
