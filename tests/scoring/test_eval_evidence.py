"""The evaluation evidence the evals side records: judge calibrations, production samples, failure modes,
gated trajectory metrics, and eval runs and gates that belong to the system they evaluate."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
from instrumentation import semconv
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, attrs, scope

JUDGES = '{"judge": "gpt-4o-mini@v2", "exact": ""}'


def _evaluation(card: scoring.Scorecard) -> dict[str, scoring.CriterionResult]:
    return {c.id: c for c in card.axes["evaluation"].criteria}


def _home_with_calls(tmp_path: Path) -> Path:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "support")
    writer.llm("2026-03-03T10:00:00", 100)
    writer.close()
    return home


def test_a_judge_counts_as_calibrated_by_its_latest_calibration_of_the_same_model(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    _lake.write_eval_run(home, "r1", "2026-03-20T10:00:00", HARNESS_EVAL_JUDGES=JUDGES)
    judged = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.judges_calibrated"]
    assert (judged.status, judged.value) == ("fail", 0.0)  # two scorers, one a judge, never calibrated

    _lake.write_calibration(home, "2026-02-10T10:00:00", "judge", "gpt-4o-mini", passed=True, kappa=0.82)
    calibrated = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.judges_calibrated"]
    assert (calibrated.status, calibrated.value) == ("pass", 1.0)  # before the window still holds

    _lake.write_calibration(home, "2026-03-10T10:00:00", "judge", "gpt-4o-mini", passed=False, kappa=0.31)
    assert _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.judges_calibrated"].status == "fail"
    _lake.write_calibration(home, "2026-03-11T10:00:00", "judge", "gpt-4o", passed=True, kappa=0.9)  # another model
    assert _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.judges_calibrated"].status == "fail"
    rows = scoring.metric("int_judges", home, SCOPE, cache=False).to_dicts()
    assert [(r["scorer"], r["judge_model"], r["kappa"]) for r in rows] == [("judge", "gpt-4o-mini", 0.31)]


def test_runs_without_llm_judges_make_calibration_not_applicable(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    _lake.write_eval_run(home, "r1", "2026-03-20T10:00:00")
    judged = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.judges_calibrated"]
    assert judged.status == "n/a" and "no LLM judge" in (judged.reason or "")


def test_the_production_sample_loop_is_counted_per_week(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    # the window ends 2026-03-30: weeks back 0 (03-23..29), 1, 2 and 3 (03-02..08)
    for day, sampled in (("2026-03-27", 5), ("2026-03-19", 4), ("2026-03-12", 0)):
        _lake.write_eval_run(home, f"r{day}", f"{day}T10:00:00", HARNESS_EVAL_SAMPLED_CASES=sampled)
    for day in ("2026-03-26", "2026-03-18", "2026-03-04"):
        _lake.write_sample(home, f"{day}T09:00:00", count=20)
    _lake.write_sample(home, "2026-03-11T09:00:00", count=0)  # drew nothing: not a week of the loop
    found = _evaluation(scoring.scorecard(home, SCOPE, cache=False))
    assert found["eval.production_samples_weekly"].value == pytest.approx(3 / 4)
    assert found["eval.production_samples_weekly"].status == "pass"
    assert found["eval.sampled_cases_evaluated"].value == pytest.approx(2 / 4)
    assert found["eval.sampled_cases_evaluated"].status == "fail"


def test_runs_that_do_not_report_sampled_cases_leave_the_loop_unknown(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    _lake.write_eval_run(home, "r1", "2026-03-27T10:00:00")  # recorded before runs carried the count
    sampled = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.sampled_cases_evaluated"]
    assert sampled.status == "unknown" and "sampled_count" in (sampled.reason or "")


def test_failure_modes_are_tagged_on_runs_or_attested(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    _lake.write_eval_run(home, "r1", "2026-03-20T10:00:00")
    assert _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.failure_modes"].status == "fail"
    attestations = tmp_path / "attestations.yaml"
    attestations.write_text(
        "attestations:\n  - {criterion: eval.failure_modes, by: qa, at: 2026-01-01, expires: 2027-01-01}\n",
        encoding="utf-8",
    )
    attested = _evaluation(scoring.scorecard(home, SCOPE, cache=False, attestations_file=attestations))
    assert attested["eval.failure_modes"].status == "pass" and "attested by qa" in (
        attested["eval.failure_modes"].reason or ""
    )
    modes = '["refund_hallucination", "wrong_tool", "refund_hallucination"]'
    _lake.write_eval_run(home, "r2", "2026-03-21T10:00:00", HARNESS_EVAL_FAILURE_MODES=modes)
    tagged = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.failure_modes"]
    assert (tagged.status, tagged.value) == ("pass", 2.0)


def _agent(home: Path) -> None:
    writer = _lake.SpanWriter(home, "support")
    writer.span(
        semconv.SPAN_INVOKE_AGENT.format(name="helper"),
        "2026-03-03T10:00:00",
        100,
        attrs(GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT, GEN_AI_AGENT_NAME="helper"),
    )
    writer.close()


def test_trajectory_metrics_in_the_gate_count_for_agent_systems_only(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    _lake.write_system_gate(home, "g1", "2026-03-10T10:00:00", ["pass", "cost"])
    assert _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.trajectory_gated"].status == "n/a"
    _agent(home)
    found = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.trajectory_gated"]
    assert (found.status, found.value) == ("fail", 0.0)
    _lake.write_system_gate(home, "g2", "2026-03-11T10:00:00", ["pass", "steps"])
    _lake.write_system_gate(home, "g3", "2026-03-12T10:00:00", ["terminated_completed"])
    _lake.write_system_gate(home, "g4", "2026-03-13T10:00:00", ["steps_at_most_6", "tool_used_search"])
    _lake.write_system_gate(home, "g5", "2026-03-14T10:00:00", ["tool_not_used_refund"])
    found = _evaluation(scoring.scorecard(home, SCOPE, cache=False))["eval.trajectory_gated"]
    assert (found.status, found.value) == ("pass", pytest.approx(4 / 5))


def test_a_declared_agent_system_without_agent_runs_is_unknown_not_n_a(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    (home / scoring.SYSTEMS_FILE).write_text("systems:\n  - {name: support, agent: true}\n", encoding="utf-8")
    card = scoring.scorecard(home, SCOPE, cache=False)
    trajectory = next(c for c in card.axes["observability"].criteria if c.id == "obs.trajectory")
    assert trajectory.status == "unknown" and "agent run" in (trajectory.reason or "")


def test_eval_runs_and_gates_count_only_for_the_system_they_evaluate(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    for system in ("support", "billing"):
        writer = _lake.SpanWriter(home, system)
        writer.llm("2026-03-03T10:00:00", 100)
        writer.close()
    for day, system in (("2026-03-27", "billing"), ("2026-03-20", "billing"), ("2026-03-13", "billing")):
        _lake.write_eval_run(home, f"b{day}", f"{day}T10:00:00", system=system, service=system)
    _lake.write_system_gate(home, "gb", "2026-03-20T11:00:00", ["pass"], system="billing")
    support = _evaluation(scoring.scorecard(home, scope(system="support"), cache=False))
    assert support["eval.regular_runs"].value == pytest.approx(0.0)
    assert support["eval.gate_decisions"].value == pytest.approx(0.0)
    billing = _evaluation(scoring.scorecard(home, scope(system="billing"), cache=False))
    assert billing["eval.regular_runs"].value == pytest.approx(3 / 4)
    assert billing["eval.gate_decisions"].value == pytest.approx(1.0)


def test_eval_spans_of_the_old_harness_eval_service_are_organisation_wide_and_no_system(tmp_path: Path) -> None:
    home = _home_with_calls(tmp_path)
    _lake.write_eval_run(home, "old", "2026-03-27T10:00:00", system=None, service="harness-eval")
    judge_call = _lake.SpanWriter(home, "harness-eval")  # the judge's own model call under the old service
    judge_call.llm("2026-03-27T10:00:01", 300)
    judge_call.close()
    _lake.write_eval_run(home, "named", "2026-03-20T10:00:00", system=None, service="support")
    card = scoring.scorecard(home, SCOPE, cache=False)
    assert [s.name for s in card.systems] == ["support"]
    assert _evaluation(card)["eval.regular_runs"].value == pytest.approx(2 / 4)  # both count for support
    governance = {c.id: c for c in card.axes["governance"].criteria}
    assert governance["gov.inventory"].value == pytest.approx(0.0)  # support alone, not half of two
