"""Each operational metric equals the value worked out by hand from the fixture in _lake.py."""

from __future__ import annotations

from pathlib import Path

import pytest

import instrumentation
import scoring
from instrumentation import semconv
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, attrs, scope


@pytest.fixture(scope="module")
def card(full_home: Path) -> scoring.Scorecard:
    return scoring.scorecard(full_home, SCOPE, cache=False)


def test_deployment_frequency_counts_succeeded_non_rollback_production_deploys(card: scoring.Scorecard) -> None:
    # D in window: d1, d2, d3, d5 (d4 is a rollback, d6 failed, ds staging, d0 before the window); 28 days.
    assert card.metrics.deployment_frequency_per_week == pytest.approx(4 / 4)
    # deploy days by week from 2026-03-02: [2, 1, 1, 0] -> median 1 -> high
    assert card.metrics.deployment_frequency_band == "high"


def test_lead_time_median_and_p90_interpolate(card: scoring.Scorecard) -> None:
    # d1 36 h (c1), d2 24 h (c2), d3 12 h (c3), d5 6 h (c4): sorted 6, 12, 24, 36
    assert card.metrics.lead_time_hours.median == pytest.approx(18.0)
    assert card.metrics.lead_time_hours.p90 == pytest.approx(24 + 0.7 * 12)


def test_change_failure_rate_counts_linked_inferred_incidents_and_rollbacks(card: scoring.Scorecard) -> None:
    # d1 failed (i1 linked; i5 unlinked also lands on d1), d3 rolled back by d4, d5 gets unlinked i2 and i3.
    # d2 is the last deploy before i1 but i1's explicit link wins, so d2 did not fail.
    assert card.metrics.change_failure_rate == pytest.approx(3 / 4)


def test_time_to_restore_uses_resolved_incidents_and_rollbacks_started_in_window(card: scoring.Scorecard) -> None:
    # i1 2 h, i5 6 h, i2 1.5 h; i3 unresolved; i0 started before the window; and d3 (no incident attributed)
    # deployed 03-10 00:00, restored by its rollback d4 at 03-11 00:00: 24 h
    assert card.metrics.time_to_restore_hours.median == pytest.approx(4.0)
    assert card.metrics.time_to_restore_hours.mean == pytest.approx(33.5 / 4)
    assert (card.metrics.time_to_restore_hours.resolved, card.metrics.time_to_restore_hours.rollbacks) == (3, 1)


def test_audit_response_median_and_p90(card: scoring.Scorecard) -> None:
    # a1 4 h, a2 24 h, a4 1 h; a3 not fulfilled
    assert card.metrics.audit_evidence_response_hours.median == pytest.approx(4.0)
    assert card.metrics.audit_evidence_response_hours.p90 == pytest.approx(4 + 0.8 * 20)


def test_cost_per_feature_with_unattributed_and_price_book(card: scoring.Scorecard) -> None:
    costs = card.metrics.cost_per_feature_usd
    assert costs is not None
    assert costs["ticket-summary"] == pytest.approx(0.30)
    assert costs["search"] == pytest.approx(0.05)  # the nested call does not count twice
    # 0.01 recorded + house-model priced from the price book: 1000 * 1e-6 + 500 * 2e-6
    assert costs["(unattributed)"] == pytest.approx(0.012)


def test_latency_and_cost_per_request(card: scoring.Scorecard) -> None:
    assert card.metrics.latency_ms.p50 == pytest.approx(350.0)
    assert card.metrics.latency_ms.p95 == pytest.approx(575.0)
    assert card.metrics.latency_ms.p99 == pytest.approx(595.0)
    assert card.metrics.cost_per_request_usd == pytest.approx(0.362 / 4)


def test_model_calls_of_another_environment_stay_out_of_production_metrics(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    production = _lake.SpanWriter(home, "helpdesk")  # no environment recorded: production
    production.llm("2026-03-03T10:00:00", 100, **attrs(HARNESS_FEATURE="answer", GEN_AI_USAGE_COST_AMOUNT=0.25))
    production.close()
    staging = instrumentation.configure("helpdesk", environment="staging", home=home, set_global=False)
    span = staging.tracer.start_span(
        semconv.SPAN_CHAT.format(model="gpt-4o-mini"),
        start_time=_lake.ns("2026-03-04T10:00:00"),
        attributes=attrs(
            GEN_AI_OPERATION_NAME=semconv.OP_CHAT,
            GEN_AI_REQUEST_MODEL="gpt-4o-mini",
            HARNESS_FEATURE="answer",
            GEN_AI_USAGE_COST_AMOUNT=4.0,
        ),
    )
    span.end(end_time=_lake.ns("2026-03-04T10:00:00") + 900_000_000)
    staging.shutdown()

    card = scoring.scorecard(home, SCOPE, cache=False)
    assert card.metrics.cost_per_feature_usd == {"answer": pytest.approx(0.25)}
    assert card.metrics.cost_per_request_usd == pytest.approx(0.25)
    assert card.metrics.latency_ms.p99 == pytest.approx(100.0)
    in_staging = scoring.scorecard(home, scope(env="staging"), cache=False)
    assert in_staging.metrics.cost_per_feature_usd == {"answer": pytest.approx(4.0)}
    assert in_staging.metrics.latency_ms.p50 == pytest.approx(900.0)


def test_latency_of_an_llm_system_reads_its_inference_spans_not_its_predictions(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    home.mkdir()
    (home / scoring.SYSTEMS_FILE).write_text("systems:\n  - {name: helpdesk, kind: llm}\n", encoding="utf-8")
    writer = _lake.SpanWriter(home, "helpdesk")
    writer.llm("2026-03-03T10:00:00", 100)
    router = attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_PREDICTION,
        HARNESS_SYSTEM_KIND=semconv.SYSTEM_KIND_CLASSICAL,
        HARNESS_MODEL_NAME="router",
    )
    writer.span(semconv.SPAN_PREDICT.format(model="router"), "2026-03-03T10:00:01", 900, router)
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    assert card.metrics.latency_ms.p50 == pytest.approx(100.0)  # not 500: the router's 900 ms is no inference
    assert card.metrics.latency_ms.p99 == pytest.approx(100.0)


def test_window_without_deployments_gives_null_not_zero(full_home: Path) -> None:
    card = scoring.scorecard(full_home, scoring.Scope.of(since="2026-04-01", until="2026-04-29"), cache=False)
    m = card.metrics
    assert m.deployment_frequency_per_week is None
    assert m.change_failure_rate is None
    assert m.lead_time_hours.median is None
    assert m.time_to_restore_hours.median is None
    assert m.cost_per_feature_usd is None
    assert m.latency_ms.p50 is None
    assert m.cost_per_request_usd is None
    assert m.audit_evidence_response_hours.median is None


def test_metric_returns_a_polars_frame(full_home: Path) -> None:
    frame = scoring.metric("latency_by", full_home, SCOPE, cache=False)
    by_feature = {row["value"]: row["calls"] for row in frame.filter(frame["dimension"] == "feature").to_dicts()}
    assert by_feature == {"ticket-summary": 2, "search": 2, "(unattributed)": 2}
    with pytest.raises(scoring.ScoringError, match="unknown metric"):
        scoring.metric("no_such_thing", full_home, cache=False)
