"""What the evals side records for scoring to read (issue 10 item 6): judge calibrations, production samples,
and on each run how many cases production gave and which failure modes the dataset probes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import evals
from harness.cli import main
from instrumentation import semconv
from instrumentation._setup import reset_for_tests
from tests.conftest import Captured, make_captured
from tests.evals._runs import make_run


def spans_of(cap: Captured, record_type: str) -> list[dict[str, object]]:
    return [
        dict(s.attributes or {})  # type: ignore[attr-defined]
        for s in cap.finished()
        if (s.attributes or {}).get(semconv.HARNESS_RECORD_TYPE) == record_type  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize(("human", "passes"), [("agree", True), ("one_class", False)])
def test_a_calibration_is_recorded_with_its_kappa_or_as_failed_when_undefined(
    captured: Captured, human: str, passes: bool
) -> None:
    verdicts = [i % 3 != 0 for i in range(90)] if passes else [True] * 90
    run = make_run("r", verdicts, judges={"correct": "judge-small@p-abc"})
    run.system = "support-desk"
    labels = {f"case-{i:04d}": "pass" if ok else "fail" for i, ok in enumerate(verdicts)}
    cal = evals.calibrate(run, "correct", labels)
    evals.record_calibration(captured.telemetry, cal, min_kappa=0.6, run=run)
    (span,) = spans_of(captured, semconv.RECORD_EVAL_CALIBRATION)
    assert span[semconv.HARNESS_EVAL_SCORER] == "correct" and span[semconv.HARNESS_SYSTEM] == "support-desk"
    assert span[semconv.HARNESS_EVAL_JUDGE_MODEL] == "judge-small"
    assert span[semconv.HARNESS_EVAL_JUDGE_PROMPT_VERSION] == "p-abc"
    assert span[semconv.HARNESS_EVAL_CALIBRATION_ITEMS] == 90
    assert span[semconv.HARNESS_EVAL_CALIBRATION_PASSED] is passes
    if passes:
        assert span[semconv.HARNESS_EVAL_CALIBRATION_KAPPA] == 1.0
        assert 0.6 < span[semconv.HARNESS_EVAL_CALIBRATION_KAPPA_LOW] <= 1.0  # type: ignore[operator]
    else:  # undefined: absent, never a number that looks like agreement
        assert semconv.HARNESS_EVAL_CALIBRATION_KAPPA not in span
        assert semconv.HARNESS_EVAL_CALIBRATION_KAPPA_LOW not in span


def _production_calls(home: Path, system: str, questions: list[str]) -> None:
    """Captured production calls in the lake (the attributes an instrumented app with capture_content writes)."""
    cap = make_captured(home)
    for question in questions:
        attributes = {
            semconv.GEN_AI_OPERATION_NAME: "chat",
            semconv.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
            semconv.GEN_AI_INPUT_MESSAGES: json.dumps([{"role": "user", "content": question}]),
            semconv.HARNESS_SYSTEM: system,
        }
        cap.telemetry.tracer.start_span("chat gpt-4o-mini", attributes=attributes).end()
    cap.telemetry.shutdown()
    reset_for_tests()


def test_a_sample_marks_its_cases_as_production_and_is_recorded(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _production_calls(home, "support-desk", [f"where is order ORD-{i}?" for i in range(6)])
    _production_calls(home, "billing", ["refund me"])
    out = tmp_path / "sampled.jsonl"
    assert main(["eval", "sample", "--out", str(out), "--system", "support-desk", "--home", str(home)]) == 0
    cases = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(cases) == 6 and {c["origin"] for c in cases} == {"production"}
    assert all(c["sampled_at"] and c["metadata"]["system"] == "support-desk" for c in cases)
    dataset = evals.load_dataset(out)  # a valid dataset, its cases marked as production samples
    assert {c.origin for c in dataset.cases} == {"production"}
    rows = duckdb.execute(
        "SELECT SpanName, SpanAttributes FROM read_parquet($glob) WHERE SpanAttributes['harness.record.type'] = $t",
        {"glob": str(home / "lake" / "otel_traces" / "*" / "*.parquet"), "t": semconv.RECORD_EVAL_SAMPLE},
    ).fetchall()
    ((name, attributes),) = rows
    assert name == "eval_sample support-desk"
    assert attributes[semconv.HARNESS_EVAL_SAMPLE_COUNT] == "6"
    assert attributes[semconv.HARNESS_EVAL_SAMPLE_DATASET] == str(out)
    assert attributes[semconv.HARNESS_SYSTEM] == "support-desk"


async def test_a_run_counts_its_production_cases_and_lists_its_failure_modes(captured: Captured) -> None:
    cases = [
        evals.Case(id="p1", input="q", expected="a", origin="production", sampled_at="2026-11-30T10:00:00Z"),
        evals.Case(id="p2", input="q", expected="a", origin="production", failure_modes=["hallucinated_order"]),
        evals.Case(id="s1", input="q", expected="a", failure_modes=["refund_policy", "hallucinated_order"]),
    ]
    dataset = evals.dataset_from_cases("mixed", cases)
    suite = evals.Suite("mixed", lambda case, ctx: "a", dataset, [evals.Contains()], system="support-desk")
    run = await evals.run_suite(suite, telemetry=captured.telemetry, candidate_id="c", revision="r")
    assert run.sampled_cases == 2 and run.failure_modes == ["hallucinated_order", "refund_policy"]
    (head,) = spans_of(captured, semconv.RECORD_EVAL_RUN)
    assert head[semconv.HARNESS_EVAL_SAMPLED_CASES] == 2
    assert head[semconv.HARNESS_EVAL_FAILURE_MODES] == ("hallucinated_order", "refund_policy")
    assert head[semconv.HARNESS_SYSTEM] == "support-desk"
    assert {s[semconv.HARNESS_SYSTEM] for s in spans_of(captured, semconv.RECORD_EVAL_CASE)} == {"support-desk"}


def test_a_case_field_that_is_not_a_time_is_a_dataset_error(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "input": "x", "origin": "production", "sampled_at": "yesterday"}\n')
    with pytest.raises(evals.DatasetError, match=r"d\.jsonl:1: field 'sampled_at'"):
        evals.load_dataset(path)


async def test_a_red_team_run_says_so_and_carries_its_cases_slices(captured: Captured) -> None:
    cases = [
        evals.Case(id="fr-1", input="q", expected="a", slices={"language": "fr"}),
        evals.Case(id="en-1", input="q", expected="a", slices={"language": "en"}),
        evals.Case(id="plain", input="q", expected="a"),
    ]
    dataset = evals.dataset_from_cases("attacks", cases)
    suite = evals.Suite("attacks", lambda case, ctx: "a", dataset, [evals.Contains()], system="s", red_team=True)
    run = await evals.run_suite(suite, telemetry=captured.telemetry, candidate_id="c", revision="r")
    assert run.red_team and run.case_slices == {"fr-1": {"language": "fr"}, "en-1": {"language": "en"}}
    (head,) = spans_of(captured, semconv.RECORD_EVAL_RUN)
    assert head[semconv.HARNESS_EVAL_RED_TEAM] is True
    assert json.loads(str(head[semconv.HARNESS_EVAL_CASE_SLICES])) == run.case_slices


def test_slice_labels_leave_the_hash_of_a_dataset_without_them_unchanged() -> None:
    plain = evals.dataset_from_cases("d", [evals.Case(id="a", input="q")])
    labelled = evals.dataset_from_cases("d", [evals.Case(id="a", input="q", slices={"language": "fr"})])
    assert plain.hash == evals.dataset_from_cases("d", [evals.Case(id="a", input="q", slices={})]).hash
    assert plain.hash != labelled.hash
