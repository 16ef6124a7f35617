"""The metric views beyond the six: coverage, trajectory, drift and latency by dimension."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scoring
from instrumentation import semconv
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, attrs


def test_telemetry_coverage_counts_calls_that_count_usage(full_home: Path) -> None:
    row = scoring.metric("telemetry_coverage", full_home, SCOPE, cache=False).to_dicts()[0]
    assert row["calls"] == 5  # the nested wrapper call does not count
    assert row["feature_share"] == pytest.approx(3 / 5)
    assert row["recorded_cost_share"] == pytest.approx(4 / 5)
    assert row["cost_share"] == pytest.approx(1.0)  # the house model is priced from the price book
    assert row["tokens_share"] == pytest.approx(1.0)


def _agent_run(writer: _lake.SpanWriter, start: str, termination: str, steps: int, retries: int) -> None:
    writer.span(
        semconv.SPAN_INVOKE_AGENT.format(name="helper"),
        start,
        1000,
        attrs(
            GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT,
            GEN_AI_AGENT_NAME="helper",
            HARNESS_AGENT_TERMINATION=termination,
            HARNESS_AGENT_ROLLUP_STEPS=steps,
            HARNESS_AGENT_ROLLUP_TOOL_CALLS=steps - 1,
            HARNESS_AGENT_ROLLUP_RETRIES=retries,
            HARNESS_AGENT_ROLLUP_COST_AMOUNT=9.99,  # a roll-up: never added to inference cost
        ),
    )


def test_trajectory_per_agent_and_rollups_never_count_as_cost(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    _agent_run(writer, "2026-03-03T10:00:00", "completed", 4, 0)
    _agent_run(writer, "2026-03-03T11:00:00", "completed", 6, 1)
    _agent_run(writer, "2026-03-03T12:00:00", "max_steps", 8, 2)
    writer.llm("2026-03-03T10:00:01", 100, **attrs(GEN_AI_USAGE_COST_AMOUNT=0.5))
    writer.close()
    row = scoring.metric("trajectory", home, SCOPE, cache=False).to_dicts()[0]
    assert (row["agent"], row["runs"]) == ("helper", 3)
    assert row["mean_steps"] == pytest.approx(6.0)
    assert row["mean_retries"] == pytest.approx(1.0)
    assert row["completed_share"] == pytest.approx(2 / 3)
    card = scoring.scorecard(home, SCOPE, cache=False)
    assert card.metrics.cost_per_request_usd == pytest.approx(0.5)
    observability = {c.id: c for c in card.axes["observability"].criteria}
    assert observability["obs.trajectory"].value == pytest.approx(1.0)


def test_drift_is_zero_for_the_same_distribution_and_one_for_disjoint_ones(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    for day, ms in (("02", 100), ("03", 1000), ("09", 100), ("10", 1000), ("16", 100000), ("17", 100000)):
        writer.llm(f"2026-03-{day}T10:00:00", ms)
    writer.close()
    frame = scoring.metric("drift", home, SCOPE, cache=False)
    latency = {row["week"]: row["js_divergence"] for row in frame.to_dicts() if row["signal"] == "latency_ms"}
    assert latency[1] == pytest.approx(0.0)  # week 1 has the same latencies as week 0
    assert latency[2] == pytest.approx(1.0)  # week 2 shares no bin with week 1


def test_latency_by_model_and_error_rate(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    writer.llm("2026-03-03T10:00:00", 100)
    writer.llm("2026-03-03T10:00:01", 300, **attrs(ERROR_TYPE="timeout"))
    writer.llm("2026-03-03T10:00:02", 50, **attrs(GEN_AI_REQUEST_MODEL="small", GEN_AI_RESPONSE_MODEL="small-1"))
    writer.close()
    frame = scoring.metric("latency_by", home, SCOPE, cache=False)
    models = {row["value"]: row for row in frame.to_dicts() if row["dimension"] == "model"}
    assert set(models) == {"gpt-4o-mini-2024-07-18", "small-1"}
    assert models["gpt-4o-mini-2024-07-18"]["p50"] == pytest.approx(200.0)
    assert models["gpt-4o-mini-2024-07-18"]["error_rate"] == pytest.approx(0.5)
    assert models["small-1"]["error_rate"] == pytest.approx(0.0)


def test_eval_traffic_stays_out_of_production_metrics(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    writer.llm("2026-03-03T10:00:00", 100, **attrs(HARNESS_FEATURE="answer", GEN_AI_USAGE_COST_AMOUNT=0.25))
    case = writer.span(
        semconv.SPAN_EVAL_CASE.format(case="q1"),
        "2026-03-03T11:00:00",
        5000,
        attrs(HARNESS_RECORD_TYPE=semconv.RECORD_EVAL_CASE, HARNESS_EVAL_CASE_ID="q1"),
    )
    in_eval = attrs(HARNESS_FEATURE="answer", GEN_AI_USAGE_COST_AMOUNT=9.0)
    writer.llm("2026-03-03T11:00:01", 4000, parent=case, **in_eval)
    _agent_run(writer, "2026-03-03T11:00:02", "loop_detected", 9, 3)  # its own trace: production
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    assert card.metrics.cost_per_feature_usd == {"answer": pytest.approx(0.25)}  # the eval call's $9 is not spend
    assert card.metrics.latency_ms is not None and card.metrics.latency_ms.p99 == pytest.approx(100.0)
    row = scoring.metric("trajectory", home, SCOPE, cache=False).to_dicts()[0]
    assert row["runs"] == 1


def test_the_scorecard_shows_what_the_views_compute(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    for day, ms, ttfc in (("03", 100, 0.05), ("04", 300, 0.15), ("10", 200, None), ("11", 400, None)):
        extra = {semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: ttfc} if ttfc else {}
        priced = attrs(HARNESS_FEATURE="answer", GEN_AI_USAGE_COST_AMOUNT=0.5)
        writer.llm(f"2026-03-{day}T10:00:00", ms, **priced, **extra)
    failed = attrs(ERROR_TYPE="timeout", GEN_AI_REQUEST_MODEL="small", GEN_AI_RESPONSE_MODEL=None)
    writer.llm("2026-03-11T10:00:05", 50, **failed)
    for version, steps in (("1.0", 4), ("1.1", 8)):
        writer.span(
            semconv.SPAN_INVOKE_AGENT.format(name="helper"),
            "2026-03-05T10:00:00",
            1000,
            attrs(
                GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT,
                GEN_AI_AGENT_NAME="helper",
                GEN_AI_AGENT_VERSION=version,
                HARNESS_AGENT_TERMINATION="completed",
                HARNESS_AGENT_ROLLUP_STEPS=steps,
            ),
        )
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    m = card.metrics
    assert m.error_rate == pytest.approx(1 / 5)
    assert (m.time_to_first_chunk_ms.streams, m.time_to_first_chunk_ms.p50) == (2, pytest.approx(100.0))
    assert m.time_to_first_chunk_ms.p95 == pytest.approx(145.0)
    assert {b.name: b.calls for b in m.by_model} == {"gpt-4o-mini-2024-07-18": 4, "small": 1}
    assert {b.name: b.error_rate for b in m.by_model}["small"] == pytest.approx(1.0)
    (answer,) = [b for b in m.by_feature if b.name == "answer"]
    assert (answer.cost_usd, answer.priced_share, answer.p50_ms) == (pytest.approx(2.0), 1.0, pytest.approx(250.0))
    assert [(t.version, t.mean_steps) for t in m.trajectory_by_version] == [("1.0", 4.0), ("1.1", 8.0)]
    assert m.drift["latency_ms"].weeks_compared == 1 and m.drift["latency_ms"].latest is not None
    data = json.loads(scoring.render(card, "json"))["metrics"]
    shown = {"error_rate", "time_to_first_chunk_ms", "by_feature", "by_model", "trajectory_by_version", "drift"}
    assert shown <= set(data)
    table, markdown = scoring.render(card, "table"), scoring.render(card, "markdown")
    for text in (table, markdown):
        assert "time_to_first_chunk_ms" in text and "trajectory helper 1.1" in text and "drift latency_ms" in text
        assert "small: 1 calls" in text and "error_rate" in text
