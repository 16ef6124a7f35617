"""The verdict defects of issue 9, each reproduced first: no input a careless user gives the gate passes a
broken candidate, and every verdict agrees with the interval the gate prints."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from evals import (
    BaselineError,
    Case,
    CaseResult,
    Contains,
    Custom,
    Exact,
    GatePolicy,
    JsonSchema,
    LLMJudge,
    MetricRule,
    Numeric,
    Regex,
    RunResult,
    Score,
    ScoreContext,
    Suite,
    SuiteError,
    calibrate,
    dataset_from_cases,
    gate,
    load_suite_yaml,
    run_suite,
)
from evals._gate.stats import holm
from evals._scorers.base import run_scorer
from instrumentation import semconv
from tests.conftest import Captured
from tests.evals._runs import make_run, make_scored_run, paired_counts

PASS_05 = GatePolicy(metrics={"pass": MetricRule(margin=0.05)})


# 1. A typo passes a broken candidate -------------------------------------------------------------------------

NEEDS_EXPECTED = [Exact(), Contains(), Numeric(), LLMJudge("judge-keywords", "States the facts.")]


@pytest.mark.parametrize("scorer", NEEDS_EXPECTED, ids=lambda s: s.name)
async def test_no_scorer_passes_without_the_expected_value_it_compares_with(scorer: object) -> None:
    for expected in (None, [], ""):
        ctx = ScoreContext(Case(id="c", input="q", expected=expected), "I am not sure")
        score = await run_scorer(scorer, ctx)  # type: ignore[arg-type]
        assert not score.passed and score.label == "unscorable", (expected, score)


@pytest.mark.parametrize(
    "scorer", [Exact("null"), Contains("null"), Regex("null"), JsonSchema({"type": "null"})], ids=lambda s: s.name
)
async def test_no_scorer_passes_on_a_task_that_returned_nothing(scorer: object) -> None:
    score = await run_scorer(scorer, ScoreContext(Case(id="c", input="q", expected="null"), None))  # type: ignore[arg-type]
    assert not score.passed and score.label == "unscorable"


def _suite_files(tmp_path: Path, fields: str, rows: list[str]) -> Path:
    (tmp_path / "d.jsonl").write_text("".join(row + "\n" for row in rows))
    suite = tmp_path / "s.yaml"
    suite.write_text(
        f"name: s\ntask: json:dumps\ndataset:\n  path: d.jsonl\n  fields: {fields}\nscorers: [{{type: contains}}]\n"
    )
    return suite


def test_a_mapped_field_that_no_row_has_is_a_suite_error_naming_it_and_the_keys_rows_have(tmp_path: Path) -> None:
    rows = ['{"id": "a", "question": "x", "answer": "y"}', '{"id": "b", "question": "z", "answer": "w"}']
    suite = _suite_files(tmp_path, "{input: question, expected: expectd}", rows)
    with pytest.raises(SuiteError, match=r"s\.yaml:5: .*'expectd'.*no row.*answer, id, question"):
        load_suite_yaml(suite)


async def test_a_case_without_its_expected_value_fails_closed_and_is_named(captured: Captured) -> None:
    cases = [Case(id=f"c{i}", input="q", expected=None if i == 2 else "yes") for i in range(4)]
    suite = Suite("absent", lambda case, ctx: "I am not sure", dataset_from_cases("d", cases), [Contains()])
    run = await run_suite(suite, telemetry=captured.telemetry, candidate_id="c", revision="r")
    unscorable = [c for c in run.cases if c.case_id == "c2"]
    assert unscorable[0].error is not None and unscorable[0].error.startswith("Unscorable: contains")
    assert not unscorable[0].passed


# 2. A run where every case raised is not a baseline ---------------------------------------------------------------


def test_a_gate_whose_baseline_errored_blames_the_baseline_not_the_candidate() -> None:
    passes = [True] * 200
    with pytest.raises(BaselineError, match=r"baseline run b has 200 errored item"):
        gate(make_run("b", passes, errored=set(range(200))), make_run("c", passes), PASS_05)
    with pytest.raises(BaselineError, match=r"baseline run b has 1 missing item"):
        gate(make_run("b", passes, drop={4}), make_run("c", passes), PASS_05)


# 3. One NaN hides a regression ------------------------------------------------------------------------------------


async def test_a_non_finite_score_is_a_case_error_at_scoring_time(captured: Captured) -> None:
    nan = Custom(lambda ctx: float("nan"), name="nan_scorer", binary=False)
    inf = Custom(lambda ctx: float("inf"), name="inf_scorer", binary=False)
    cases = [Case(id="c", input="q", expected="x")]
    suite = Suite("nan", lambda case, ctx: "x", dataset_from_cases("d", cases), [nan, inf])
    run = await run_suite(suite, telemetry=captured.telemetry, candidate_id="c", revision="r")
    assert run.cases[0].error is not None and "non-finite" in run.cases[0].error


def test_one_nan_among_numeric_scores_does_not_hide_a_drop_on_every_item(tmp_path: Path) -> None:
    base = [0.9] * 200
    cand = [0.6] * 199 + [math.nan]
    policy = GatePolicy(metrics={"quality": MetricRule(margin=0.05)})
    base_run, cand_run = make_scored_run("b", base), make_scored_run("c", cand)
    cand_run = RunResult.load(cand_run.save(tmp_path))  # the NaN survives save/load
    result = gate(base_run, cand_run, policy)
    assert result.decision != semconv.GATE_PASS
    for metric in result.metrics:
        assert all(math.isfinite(x) for x in (metric.p_value, metric.p_adjusted)), metric


def test_holm_is_order_independent_even_with_a_nan_p_value() -> None:
    forward = holm([math.nan, 0.001, 0.02])
    backward = holm([0.02, 0.001, math.nan])
    assert forward == list(reversed(backward)) and forward[1] < 0.01 and forward[0] == 1.0


# 4. A conclusive improvement is not inconclusive ------------------------------------------------------------------


@pytest.mark.parametrize(("n", "base_rate"), [(500, 0.5), (20, 0.0)])
def test_a_conclusive_improvement_passes(n: int, base_rate: float) -> None:
    base = [i < n * base_rate for i in range(n)]
    result = gate(make_run("b", base), make_run("c", [True] * n), PASS_05)
    (metric,) = result.metrics
    assert metric.low > -metric.margin and result.decision == semconv.GATE_PASS, metric


# 5. A regression is declared only with the interval to back it ----------------------------------------------------


def test_regression_only_when_the_whole_interval_lies_beyond_the_margin() -> None:
    base, cand = paired_counts(n=500, worse=38, better=12, both=400)
    result = gate(make_run("b", base), make_run("c", cand), PASS_05)
    (metric,) = result.metrics
    assert metric.low < -metric.margin < metric.high  # the printed interval straddles -margin ...
    assert result.decision == semconv.GATE_INCONCLUSIVE  # ... so the verdict cannot be "regression"


def test_every_verdict_agrees_with_its_interval() -> None:
    for worse in range(0, 80, 4):
        base, cand = paired_counts(n=400, worse=worse, better=4, both=300)
        (m,) = gate(make_run("b", base), make_run("c", cand), PASS_05).metrics
        if m.verdict == semconv.GATE_PASS:
            assert m.low > -m.margin
        elif m.verdict == semconv.GATE_REGRESSION:
            assert m.high < -m.margin
        else:
            assert m.low <= -m.margin <= m.high or m.detectable > m.margin


# 6. A judge that never disagrees is not calibrated ----------------------------------------------------------------


def test_kappa_is_undefined_when_every_label_and_verdict_is_pass() -> None:
    run = make_run("r", [True] * 40)
    cal = calibrate(run, "correct", {f"case-{i:04d}": "pass" for i in range(40)})
    assert cal.kappa is None and not cal.passes(0.6)


# 7. Silent data ---------------------------------------------------------------------------------------------------


def test_two_results_for_one_item_under_one_repeat_are_not_averaged_into_a_pass() -> None:
    base = make_run("b", [True] * 300)
    cand = make_run("c", [True] * 300)
    cand.cases += [CaseResult(c.case_id, 0, scores={"correct": Score(0.0, False)}) for c in list(cand.cases)]
    result = gate(base, cand, PASS_05)
    assert result.decision != semconv.GATE_PASS
    assert any("more than one result" in reason for reason in result.reasons), result.reasons


def test_candidate_items_the_baseline_does_not_have_are_reported_and_block_a_pass() -> None:
    base = make_run("b", [True] * 300)
    cand = make_run("c", [True] * 300)
    extra = [f"extra-{i}" for i in range(50)]
    cand.case_ids += extra
    cand.cases += [CaseResult(case_id, 0, scores={"correct": Score(0.0, False)}) for case_id in extra]
    result = gate(base, cand, PASS_05)
    assert result.decision != semconv.GATE_PASS
    assert any("50 candidate item(s) not in the baseline" in reason for reason in result.reasons), result.reasons


# 8. Validation comes at load --------------------------------------------------------------------------------------


def _suite(tmp_path: Path, body: str) -> Path:
    (tmp_path / "d.jsonl").write_text('{"id": "a", "input": "x", "expected": "y"}\n')
    path = tmp_path / "s.yaml"
    path.write_text("name: s\ntask: json:dumps\ndataset: d.jsonl\n" + body)
    return path


def test_a_typod_gate_metric_is_refused_when_the_suite_loads(tmp_path: Path) -> None:
    path = _suite(tmp_path, "scorers: [{type: exact}]\ngate:\n  metrics:\n    pas: {margin: 0.1}\n")
    with pytest.raises(SuiteError, match=r"s\.yaml:7: gate metric 'pas' .*cost, exact, latency_p50.*pass"):
        load_suite_yaml(path)


def test_a_typod_scorer_parameter_names_the_line_and_the_parameters(tmp_path: Path) -> None:
    path = _suite(tmp_path, "scorers:\n  - {type: exact}\n  - {type: regex, patern: 'ORD-'}\n")
    with pytest.raises(SuiteError, match=r"s\.yaml:6: scorer 'regex': unknown parameter 'patern'; .*pattern"):
        load_suite_yaml(path)
