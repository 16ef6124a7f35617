"""``scoring.reading``: several reads over one engine agree with the one-call functions, week by week."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import scoring
from tests.scoring._lake import SCOPE


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_weeks_are_calendar_weeks_clipped_to_the_window() -> None:
    found = scoring.weeks(_utc("2026-03-04T10:00:00"), _utc("2026-03-17T00:00:00"))
    assert found == [
        (_utc("2026-03-04T10:00:00"), _utc("2026-03-09T00:00:00")),
        (_utc("2026-03-09T00:00:00"), _utc("2026-03-16T00:00:00")),
        (_utc("2026-03-16T00:00:00"), _utc("2026-03-17T00:00:00")),
    ]


def test_each_week_is_the_scorecard_of_that_week(full_home: Path) -> None:
    series = scoring.weekly(full_home, SCOPE)
    assert [window.since for window, _ in series] == [f"2026-03-{day:02d}T00:00:00Z" for day in (2, 9, 16, 23)]
    for window, metrics in series:
        assert metrics == scoring.scorecard(full_home, scoring.Scope.of(window.since, window.until)).metrics


def test_one_reader_scores_queries_and_weeks(full_home: Path) -> None:
    with scoring.reading(full_home, SCOPE) as reader:
        weekly = reader.weekly(["met_deployment_frequency"])
        card = reader.scorecard()  # after the weeks: the whole window again
        rows = reader.query("SELECT count(*) AS n FROM int_window_deploys").rows()
    assert card == scoring.scorecard(full_home, SCOPE)
    assert rows == [(card.metrics.lead_time_hours.deployments + card.metrics.lead_time_hours.without_changes,)]
    assert [m.deployment_frequency_per_week for _, m in weekly] == [2.0, 1.0, 1.0, None]
    assert all(m.latency_ms.p50 is None for _, m in weekly)  # met_latency was not computed: null, never 0


def test_weekly_refuses_a_view_that_is_not_a_metric(full_home: Path) -> None:
    with scoring.reading(full_home, SCOPE) as reader, pytest.raises(ValueError, match="stg_llm_calls"):
        reader.weekly(["stg_llm_calls"])


def test_systems_with_their_kinds(full_home: Path) -> None:
    assert [(s.name, s.kind) for s in scoring.systems(full_home)] == [("support", "llm")]
