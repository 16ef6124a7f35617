"""Fairness slices: the gate compares each labelled group on its own items with its own margin, Holm-adjusted
across every comparison, and a slice that regresses past its margin blocks the release."""

from __future__ import annotations

import pytest

import evals
from evals._gate import stats
from evals._gate.decision import gate
from evals._gate.policy import GatePolicy, MetricRule, SliceRule
from instrumentation import semconv
from tests.evals._runs import make_run

N_EN, N_FR = 300, 150


def _labelled(run: evals.RunResult) -> evals.RunResult:
    run.case_slices = {case_id: {"language": "en" if i < N_EN else "fr"} for i, case_id in enumerate(run.case_ids)}
    return run


def _runs(fr_broken: int) -> tuple[evals.RunResult, evals.RunResult]:
    """The baseline passes every item; the candidate fails ``fr_broken`` French items and nothing else."""
    base = _labelled(make_run("base", [True] * (N_EN + N_FR)))
    cand = _labelled(make_run("cand", [True] * N_EN + [i >= fr_broken for i in range(N_FR)]))
    return base, cand


def _policy(**slices: SliceRule) -> GatePolicy:
    return GatePolicy(metrics={"pass": MetricRule(margin=0.1)}, slices=slices)


def test_a_slice_that_regresses_blocks_even_when_the_whole_passes() -> None:
    base, cand = _runs(fr_broken=35)  # 23% of French items fail: 8% of all items, within the margin of 0.1
    whole_only = gate(base, cand, _policy())
    assert whole_only.decision != semconv.GATE_REGRESSION
    result = gate(base, cand, _policy(language=SliceRule(metrics={"pass": MetricRule(margin=0.1)})))
    by_name = {m.name: m for m in result.metrics}
    assert set(by_name) == {"pass", "pass[language=en]", "pass[language=fr]"}
    assert by_name["pass[language=fr]"].verdict == semconv.GATE_REGRESSION
    assert by_name["pass[language=fr]"].n == N_FR
    assert by_name["pass[language=en]"].verdict == semconv.GATE_PASS
    assert result.decision == semconv.GATE_REGRESSION and result.exit_code == 1


def test_holm_runs_across_the_metrics_and_every_slice() -> None:
    base, cand = _runs(fr_broken=30)
    result = gate(base, cand, _policy(language=SliceRule()))
    assert [m.p_adjusted for m in result.metrics] == pytest.approx(stats.holm([m.p_value for m in result.metrics]))
    assert all(m.p_adjusted >= m.p_value for m in result.metrics)


def test_a_slice_has_its_own_margin() -> None:
    base, cand = _runs(fr_broken=30)  # French pass rate drops by 20 points
    strict = gate(base, cand, _policy(language=SliceRule(metrics={"pass": MetricRule(margin=0.05)})))
    assert {m.name: m.verdict for m in strict.metrics}["pass[language=fr]"] == semconv.GATE_REGRESSION
    lenient = SliceRule(metrics={"pass": MetricRule(margin=0.05)}, values={"fr": {"pass": MetricRule(margin=0.4)}})
    result = gate(base, cand, _policy(language=lenient))
    fr = {m.name: m for m in result.metrics}["pass[language=fr]"]
    assert fr.margin == 0.4 and fr.verdict != semconv.GATE_REGRESSION


def test_a_dimension_no_item_carries_fails_closed() -> None:
    base, cand = _runs(fr_broken=0)
    result = gate(base, cand, _policy(segment=SliceRule()))
    assert result.decision == semconv.GATE_INCONCLUSIVE
    assert any("'segment'" in reason for reason in result.reasons)


def test_a_suite_naming_a_slice_its_dataset_lacks_is_refused() -> None:
    dataset = evals.dataset_from_cases("d", [evals.Case(id="a", input="q", slices={"language": "fr"})])
    with pytest.raises(evals.SuiteError, match="segment"):
        evals.Suite("s", lambda case, ctx: "", dataset, [evals.Contains()], gate=_policy(segment=SliceRule()))
