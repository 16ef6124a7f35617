"""Recording governance facts: a change's review and risk assessment, and human overrides (API and CLI)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrumentation
from harness.cli import main
from instrumentation import semconv
from instrumentation.lake import traces_glob


def _attributes(home: Path) -> list[dict[str, str]]:
    query = "SELECT SpanAttributes FROM read_parquet($glob) ORDER BY Timestamp"
    return [row[0] for row in duckdb.execute(query, {"glob": traces_glob(home / "lake")}).fetchall()]


def test_a_change_records_its_review_approval_and_risk_assessment(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    argv = [
        "change", "record", "--home", str(home), "--id", "c1", "--system", "bot", "--kind", "model",
        "--opened-at", "2026-03-01T08:00:00Z", "--reviewer", "ann", "--reviewed-at", "2026-03-01T10:00:00Z",
        "--approver", "lead", "--material", "--risk-by", "rita", "--risk-at", "2026-03-01T11:00:00Z",
        "--risk-outcome", "mitigated", "--risk-link", "https://wiki/risk/c1",
    ]  # fmt: skip
    assert main(argv) == 0
    (attributes,) = _attributes(home)
    assert attributes[semconv.HARNESS_CHANGE_REVIEWED_AT] == "2026-03-01T10:00:00Z"
    assert attributes[semconv.HARNESS_CHANGE_APPROVER] == "lead"
    assert attributes[semconv.HARNESS_CHANGE_RISK_ASSESSOR] == "rita"
    assert attributes[semconv.HARNESS_CHANGE_RISK_ASSESSED_AT] == "2026-03-01T11:00:00Z"
    assert attributes[semconv.HARNESS_CHANGE_RISK_OUTCOME] == "mitigated"
    assert attributes[semconv.HARNESS_CHANGE_RISK_LINK] == "https://wiki/risk/c1"


def test_a_partial_risk_assessment_is_a_usage_error_naming_the_missing_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / ".harness"
    argv = [
        "change", "record", "--home", str(home), "--id", "c1", "--system", "bot", "--kind", "model",
        "--opened-at", "2026-03-01T08:00:00Z", "--risk-by", "rita",
    ]  # fmt: skip
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "--risk-at" in err and "--risk-outcome" in err
    assert not (home / "lake").exists()


def test_the_override_command_records_who_decided_what_about_which_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / ".harness"
    argv = [
        "override", "record", "--home", str(home), "--system", "refunds", "--decision", "refund-991",
        "--by", "agent.kim", "--outcome", "overrode", "--trace", "ab" * 16, "--reason", "customer is a fraud case",
        "--at", "2026-03-04T12:00:00Z",
    ]  # fmt: skip
    assert main(argv) == 0
    assert "refund-991" in capsys.readouterr().out
    (attributes,) = _attributes(home)
    assert attributes[semconv.HARNESS_RECORD_TYPE] == semconv.RECORD_OVERRIDE
    assert attributes[semconv.HARNESS_SYSTEM] == "refunds"
    assert attributes[semconv.HARNESS_OVERRIDE_BY] == "agent.kim"
    assert attributes[semconv.HARNESS_OVERRIDE_OUTCOME] == "overrode"
    assert attributes[semconv.HARNESS_OVERRIDE_TRACE_ID] == "ab" * 16


def test_override_record_offers_no_update_since_each_override_is_an_event_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["override", "record", "--home", str(tmp_path), "--system", "s", "--decision", "d", "--by", "x"]
    assert main([*argv, "--outcome", "confirmed", "--update"]) == 3
    assert "--update" in capsys.readouterr().err


def test_an_unknown_outcome_is_a_usage_error(tmp_path: Path) -> None:
    argv = ["override", "record", "--home", str(tmp_path), "--system", "s", "--decision", "d", "--by", "x"]
    assert main([*argv, "--outcome", "maybe"]) == 3


def test_record_override_inside_a_trace_names_that_trace() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests")
    with tracer.start_as_current_span("decide refund") as decision:
        instrumentation.record_override("refunds", "refund-1", by="kim", outcome="confirmed", tracer=tracer)
    expected = format(decision.get_span_context().trace_id, "032x")
    override = next(s for s in exporter.get_finished_spans() if s.name == "override refunds")
    assert override.attributes is not None
    assert override.attributes[semconv.HARNESS_OVERRIDE_TRACE_ID] == expected
    assert override.context is not None and override.context.trace_id == decision.get_span_context().trace_id
    assert trace.get_current_span() is trace.INVALID_SPAN


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"system": "", "decision_id": "d", "by": "x", "outcome": "confirmed"}, "system"),
        ({"system": "s", "decision_id": "d", "by": "x", "outcome": "ok"}, "outcome"),
    ],
)
def test_record_override_refuses_bad_arguments_by_name(arguments: dict[str, str], named: str) -> None:
    tracer = TracerProvider().get_tracer("tests")
    system, decision = arguments.pop("system"), arguments.pop("decision_id")
    with pytest.raises(instrumentation.OverrideError, match=named):
        instrumentation.record_override(system, decision, tracer=tracer, **arguments)


def test_record_override_refuses_a_zoneless_time() -> None:
    tracer = TracerProvider().get_tracer("tests")
    with pytest.raises(instrumentation.OverrideError, match="zone"):
        instrumentation.record_override("s", "d", by="x", outcome="confirmed", at=datetime(2026, 3, 1), tracer=tracer)
    assert instrumentation.record_override("s", "d", by="x", outcome="confirmed", at=datetime.now(UTC), tracer=tracer)
