"""The scorecard follows the maturity model: levels 1-5, unknown and n/a apart, errors are not gaps, calls
without usage counted apart, cost over priced requests, and the reproducibility question per system."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
from instrumentation import semconv
from scoring._criteria import MAX_LEVEL, load_criteria
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, attrs, scope


def _criteria(card: scoring.Scorecard, axis: str) -> dict[str, scoring.CriterionResult]:
    return {c.id: c for c in card.axes[axis].criteria}


def test_a_lake_with_only_llm_telemetry_scores_every_axis_at_level_one_or_above(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    card = scoring.scorecard(home, SCOPE, cache=False)
    for name, axis in card.axes.items():
        assert axis.level >= 1, name
        assert sum(axis.counts.values()) == len(axis.criteria), name
        applicable = len(axis.criteria) - axis.counts["n/a"]
        known = axis.counts["pass"] + axis.counts["fail"]
        assert axis.evidence_coverage == pytest.approx(round(known / applicable, 4)), name
    deployment = card.axes["deployment"]
    assert deployment.level == 1 and deployment.counts["unknown"] > 0 and deployment.counts["pass"] == 0
    trajectory = _criteria(card, "observability")["obs.trajectory"]
    assert trajectory.status == "n/a" and trajectory.value is None  # no agent runs: it does not apply
    assert "agent" in (trajectory.reason or "")
    assert card.axes["observability"].counts["n/a"] >= 1


def test_llm_criteria_are_not_applicable_when_scoring_classical_systems(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "churn")
    prediction = attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_PREDICTION,
        HARNESS_SYSTEM_KIND=semconv.SYSTEM_KIND_CLASSICAL,
        HARNESS_MODEL_NAME="churn-xgb",
        HARNESS_MODEL_VERSION="7",
    )
    for hour in range(3):
        writer.span(semconv.SPAN_PREDICT.format(model="churn-xgb"), f"2026-03-03T1{hour}:00:00", 20, prediction)
    writer.close()
    card = scoring.scorecard(home, scope(kind="classical"), cache=False)
    observability = _criteria(card, "observability")
    assert observability["obs.tokens"].status == "n/a"
    assert "llm" in (observability["obs.tokens"].reason or "")
    assert observability["obs.model_calls"].status == "pass"  # predictions are model calls
    assert observability["obs.data_quality"].status == "unknown"  # classical-only, not attested
    evaluation = card.axes["evaluation"]
    assert evaluation.counts["n/a"] == sum(1 for c in evaluation.criteria if c.status == "n/a") > 0


def test_a_level_whose_criteria_are_all_not_applicable_is_not_reached_for_free() -> None:
    from scoring._criteria import level_of

    def result(level: int, status: scoring.CriterionResult) -> scoring.CriterionResult:
        return status.model_copy(update={"level": level})

    passed = scoring.CriterionResult(id="x", level=2, status="pass", value=1.0, threshold=1.0, evidence="")
    na = passed.model_copy(update={"status": "n/a", "value": None})
    assert level_of([result(2, passed), result(3, na)]) == 2
    assert level_of([result(2, passed), result(3, na), result(3, passed)]) == 3
    assert level_of([]) == 1


def test_every_axis_and_kind_has_criteria_at_every_level_that_apply_without_agents() -> None:
    criteria = scoring.load_criteria()
    for axis in scoring.AXES:
        for kind in ("llm", "classical"):
            for level in range(2, MAX_LEVEL + 1):
                found = [
                    c
                    for c in criteria
                    if c.axis == axis and c.level == level and kind in c.kinds and c.applies_to is None
                ]
                assert found, (axis, kind, level)


def _calls_with_errors(home: Path, completed: int, failed: int) -> None:
    writer = _lake.SpanWriter(home, "helpdesk")
    for index in range(completed):
        writer.llm(f"2026-03-03T10:00:{index:02d}", 100, **attrs(GEN_AI_USAGE_COST_AMOUNT=0.01))
    for index in range(failed):  # a timeout: no usage, no answering model
        writer.llm(
            f"2026-03-03T11:00:{index:02d}",
            30000,
            **attrs(ERROR_TYPE="timeout", GEN_AI_RESPONSE_MODEL=None),
            **{semconv.GEN_AI_USAGE_INPUT_TOKENS: None, semconv.GEN_AI_USAGE_OUTPUT_TOKENS: None},
        )
    writer.close()


def test_failed_calls_are_not_coverage_gaps_but_an_error_rate(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _calls_with_errors(home, completed=8, failed=2)
    card = scoring.scorecard(home, SCOPE, cache=False)
    observability = _criteria(card, "observability")
    assert observability["obs.tokens"].value == pytest.approx(1.0)
    assert observability["obs.tokens"].counted_apart == {"failed_calls": 2}
    assert _criteria(card, "reproducibility")["repro.response_model"].value == pytest.approx(1.0)
    assert card.metrics.error_rate == pytest.approx(0.2)
    assert card.metrics.calls.failed == 2 and card.metrics.calls.total == 10
    assert observability["obs.error_rate"].status == "fail"
    assert observability["obs.error_rate"].value == pytest.approx(0.2)
    assert card.axes["observability"].level == 2  # the error rate, not a coverage gap, stops it


def test_completed_calls_without_usage_are_counted_apart(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    writer.llm("2026-03-03T10:00:00", 100, **attrs(GEN_AI_USAGE_COST_AMOUNT=0.01))
    writer.llm("2026-03-03T10:00:01", 100, **attrs(GEN_AI_USAGE_COST_AMOUNT=0.01))
    no_usage = {semconv.GEN_AI_USAGE_INPUT_TOKENS: None, semconv.GEN_AI_USAGE_OUTPUT_TOKENS: None}
    for second, reason in ((2, semconv.USAGE_ABSENT_STREAM_WITHOUT_USAGE), (3, semconv.USAGE_ABSENT_PROVIDER_OMITTED)):
        writer.llm(f"2026-03-03T10:00:0{second}", 100, **attrs(HARNESS_USAGE_ABSENT_REASON=reason), **no_usage)
    writer.llm("2026-03-03T10:00:04", 100, **no_usage)  # no usage and no reason: a gap
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    tokens = _criteria(card, "observability")["obs.tokens"]
    assert tokens.value == pytest.approx(2 / 3)  # the unexplained one is a gap; the two explained are apart
    assert tokens.counted_apart == {"usage_absent_calls": 2}
    assert card.metrics.calls.usage_absent == {"stream_without_usage": 1, "provider_omitted": 1}
    assert "counted apart" in scoring.render(card, "table")


def test_cost_per_request_reads_priced_requests_with_the_priced_share(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    writer.llm("2026-03-03T10:00:00", 100, **attrs(HARNESS_FEATURE="a", GEN_AI_USAGE_COST_AMOUNT=0.1))
    writer.llm("2026-03-03T10:00:01", 100, **attrs(HARNESS_FEATURE="a", GEN_AI_USAGE_COST_AMOUNT=0.3))
    unpriced = attrs(HARNESS_FEATURE="a", GEN_AI_REQUEST_MODEL="no-price", GEN_AI_RESPONSE_MODEL="no-price")
    writer.llm("2026-03-03T10:00:02", 100, **unpriced)
    writer.llm("2026-03-03T10:00:03", 100, **unpriced)
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    assert card.metrics.cost_per_request_usd == pytest.approx(0.2)  # not 0.4 / 4
    assert card.metrics.cost_per_request_priced_share == pytest.approx(0.5)
    (feature,) = card.metrics.by_feature
    assert (feature.cost_usd, feature.priced_share) == (pytest.approx(0.4), pytest.approx(0.5))


def test_nothing_priced_is_null_not_zero(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    writer.llm("2026-03-03T10:00:00", 100, **attrs(GEN_AI_REQUEST_MODEL="no-price", GEN_AI_RESPONSE_MODEL="no-price"))
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    assert card.metrics.cost_per_request_usd is None
    assert card.metrics.cost_per_request_priced_share == pytest.approx(0.0)
    assert card.metrics.cost_per_feature_usd == {"(unattributed)": None}


def test_reproducibility_is_answered_per_system(tmp_path: Path) -> None:
    from harness.facts import Deployment, record

    home = tmp_path / ".harness"
    for system in ("pinned", "loose"):
        writer = _lake.SpanWriter(home, system)
        writer.llm("2026-03-03T10:00:00", 100)
        writer.close()
    record(
        [
            Deployment(system="pinned", version="1", revision="abc", at=_lake.t("2026-03-02T12:00:00")),
            Deployment(system="loose", version="1", at=_lake.t("2026-03-02T12:00:00")),
        ],
        home=home,
    )
    card = scoring.scorecard(home, SCOPE, cache=False)
    answer = card.axes["reproducibility"].answer
    assert answer is not None and answer.answer == "yes for some"
    assert {s.system: s.answer for s in answer.systems} == {"loose": "no", "pinned": "yes"}
    assert "names no revision" in next(s.reason for s in answer.systems if s.system == "loose")
    rebuildable = _criteria(card, "reproducibility")["repro.rebuildable"]
    assert (rebuildable.status, rebuildable.value) == ("fail", pytest.approx(0.5))
    only_pinned = scoring.scorecard(home, scope(system="pinned"), cache=False).axes["reproducibility"]
    assert only_pinned.answer is not None and only_pinned.answer.answer == "yes for every model"


def test_an_attestation_can_say_a_criterion_does_not_apply(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    attestations = tmp_path / "attestations.yaml"
    attestations.write_text(
        "attestations:\n"
        "  - {criterion: deploy.gpu_queueing, by: ops, at: 2026-01-01, expires: 2027-01-01,\n"
        "     not_applicable: we call hosted APIs and run no GPUs}\n",
        encoding="utf-8",
    )
    card = scoring.scorecard(home, SCOPE, cache=False, attestations_file=attestations)
    gpu = _criteria(card, "deployment")["deploy.gpu_queueing"]
    assert gpu.status == "n/a" and "run no GPUs" in (gpu.reason or "")


def test_an_attestation_for_a_measured_or_unknown_criterion_is_an_error(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    attestations = tmp_path / "attestations.yaml"
    for criterion, message in (("gov.owners", "measured from telemetry"), ("gov.risk_asessment", "not a criterion")):
        attestations.write_text(
            f"attestations:\n  - {{criterion: {criterion}, by: a, at: 2026-01-01, expires: 2027-01-01}}\n",
            encoding="utf-8",
        )
        with pytest.raises(scoring.InputFileError, match=message):
            scoring.scorecard(home, SCOPE, cache=False, attestations_file=attestations)


def test_tool_calls_are_governed_when_a_catalogue_lists_them_with_an_owner(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "helpdesk")
    run = writer.span(
        semconv.SPAN_INVOKE_AGENT.format(name="helper"),
        "2026-03-03T10:00:00",
        1000,
        attrs(GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT, GEN_AI_AGENT_NAME="helper"),
    )
    listed = attrs(GEN_AI_OPERATION_NAME=semconv.OP_EXECUTE_TOOL, HARNESS_TOOL_ALLOWED=True, HARNESS_TOOL_OWNER="kb")
    unlisted = attrs(GEN_AI_OPERATION_NAME=semconv.OP_EXECUTE_TOOL, HARNESS_TOOL_ALLOWED=False)
    for index, tool in enumerate((listed, listed, listed, unlisted)):
        writer.span(semconv.SPAN_EXECUTE_TOOL.format(name="t"), f"2026-03-03T10:00:0{index}", 10, tool, parent=run)
    writer.close()
    card = scoring.scorecard(home, SCOPE, cache=False)
    governed = _criteria(card, "governance")["gov.tool_catalogue"]
    assert (governed.status, governed.value) == ("fail", pytest.approx(3 / 4))


def test_flat_calls_on_the_window_s_last_day_have_no_false_absent_input(tmp_path: Path) -> None:
    """From a newcomer's trial: plain LLM calls, none with a parent, all of the day the window ends in (a first
    `harness score`, whose window ends now). Before, obs.traces_intact was unknown with "no completed LLM call"
    beside obs.model_calls passing, and obs.no_gaps and gov.retention said "no telemetry". No criterion may be
    unknown for want of an input the scope holds."""
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "flat")
    for minute in range(7):
        writer.llm(f"2026-03-20T08:{10 + minute}:00", 300, **attrs(GEN_AI_USAGE_COST_AMOUNT=0.001))
    writer.close()
    card = scoring.scorecard(home, scoring.Scope.of(since="2026-02-20T00:00:00Z", until="2026-03-20T09:00:00Z"))
    observability = _criteria(card, "observability")
    assert observability["obs.model_calls"].status == "pass"
    traces = observability["obs.traces_intact"]
    assert traces.status == "n/a" and "parent" in (traces.reason or ""), traces
    assert (observability["obs.no_gaps"].status, observability["obs.no_gaps"].value) == ("pass", 0)
    retention = _criteria(card, "governance")["gov.retention"]
    assert retention.status == "fail" and retention.value == 182, retention  # the 182 days before the first span
    _assert_no_input_absent_that_is_present(card, ("telemetry", "llm_calls", "model_calls"))


def test_the_full_fixture_has_no_false_absent_input(full_home: Path) -> None:
    """The class of the defect above over the fixture lake of every metric test: no criterion is unknown for want
    of an input it holds. (The flat calls above also found obs.features unknown, "no completed LLM call", when
    no call named a feature: the share's sum over no rows was null instead of 0.)"""
    card = scoring.scorecard(full_home, SCOPE, cache=False)
    _assert_no_input_absent_that_is_present(card, ("telemetry", "llm_calls", "model_calls", "deployments", "changes"))


def _assert_no_input_absent_that_is_present(card: scoring.Scorecard, present: tuple[str, ...]) -> None:
    needs = {criterion.id: criterion.needs for criterion in load_criteria()}
    for axis in card.axes.values():
        for result in axis.criteria:
            if result.status == "unknown" and (result.reason or "").startswith("inputs absent"):
                assert needs[result.id] not in present, (result.id, result.reason)


def test_no_regression_shipped_is_unknown_without_a_gate_that_judged_a_deployment(tmp_path: Path) -> None:
    """From a newcomer's trial: deployments and no eval data at all made eval.no_regressions_shipped pass at 0,
    a pass on nothing (no gate could have judged a regression). It is unknown until a gate judged a deployment's
    run; the full fixture, whose d1 names a gated run, still passes."""
    from harness.facts import Deployment, record

    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    record([Deployment(system="support", version="1", id="d1", at=_lake.t("2026-03-10T00:00:00"))], home=home)
    card = scoring.scorecard(home, SCOPE, cache=False)
    shipped = _criteria(card, "evaluation")["eval.no_regressions_shipped"]
    assert shipped.status == "unknown" and "names a run a gate judged" in (shipped.reason or ""), shipped


def test_no_regression_shipped_passes_where_a_gate_judged(full_home: Path) -> None:
    card = scoring.scorecard(full_home, SCOPE, cache=False)
    shipped = _criteria(card, "evaluation")["eval.no_regressions_shipped"]
    assert (shipped.status, shipped.value) == ("pass", 0), shipped
