"""The gate on constructed runs: a real regression fails, an equal candidate passes, a tiny suite is
inconclusive, a missing or errored item fails closed, and incomparable runs are refused."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from evals import GatePolicy, IncomparableError, MetricRule, as_json, gate, junit, markdown
from instrumentation import semconv
from tests.evals._runs import base_passes, degrade, make_run

POLICY = GatePolicy(metrics={"pass": MetricRule(margin=0.05)})


def test_a_real_regression_fails() -> None:
    base = base_passes(300)
    result = gate(make_run("b", base), make_run("c", degrade(base, 0.2)), POLICY)
    assert result.decision == semconv.GATE_REGRESSION and result.exit_code == 1
    (metric,) = result.metrics
    assert metric.test == "tango_score" and metric.delta < -0.1 and metric.p_adjusted < 1e-4
    assert metric.high < -metric.margin


def test_an_equal_candidate_passes() -> None:
    base = base_passes(300)
    result = gate(make_run("b", base), make_run("c", list(base)), POLICY)
    assert result.decision == semconv.GATE_PASS and result.exit_code == 0
    assert result.metrics[0].detectable < 0.05


def test_a_small_drop_within_the_margin_passes_on_a_large_suite() -> None:
    base = [True] * 2000
    cand = list(base)
    for i in range(0, 2000, 200):  # 10 of 2000 items (0.5 points) got worse
        cand[i] = False
    result = gate(make_run("b", base), make_run("c", cand), POLICY)
    assert result.decision == semconv.GATE_PASS


def test_a_tiny_suite_is_inconclusive_and_says_what_it_can_detect() -> None:
    base = [True] * 8
    result = gate(make_run("b", base), make_run("c", list(base)), POLICY)
    assert result.decision == semconv.GATE_INCONCLUSIVE and result.exit_code == 2
    assert result.metrics[0].detectable > 0.3
    assert "smallest detectable drop" in markdown(result)


def test_a_missing_item_fails_closed() -> None:
    base = base_passes(300)
    result = gate(make_run("b", base), make_run("c", list(base), drop={7}), POLICY)
    assert result.decision == semconv.GATE_REGRESSION
    assert result.paired.missing == ["case-0007"]


def test_an_errored_item_fails_closed() -> None:
    base = base_passes(300)
    result = gate(make_run("b", base), make_run("c", list(base), errored={3}), POLICY)
    assert result.decision == semconv.GATE_REGRESSION and result.paired.errored == ["case-0003"]


def test_holm_adjusts_across_gated_metrics_and_costs_gate_lower_is_better() -> None:
    base = base_passes(300)
    costs = [0.001 + (i % 5) * 1e-4 for i in range(300)]
    dearer = [c * 1.5 for c in costs]
    policy = GatePolicy(metrics={"pass": MetricRule(margin=0.05), "cost": MetricRule(margin=0.1, relative=True)})
    result = gate(make_run("b", base, costs=costs), make_run("c", list(base), costs=dearer), policy)
    by_name = {m.name: m for m in result.metrics}
    assert by_name["cost"].verdict == semconv.GATE_REGRESSION and by_name["cost"].delta > 0
    assert by_name["pass"].verdict == semconv.GATE_PASS
    assert by_name["cost"].p_adjusted == pytest.approx(min(1.0, 2 * by_name["cost"].p_value))


def test_latency_percentile_is_gated_with_a_paired_bootstrap() -> None:
    base = base_passes(200)
    latencies = [0.1 + (i % 10) * 0.01 for i in range(200)]
    slower = [x * 2 for x in latencies]
    policy = GatePolicy(metrics={"latency_p95": MetricRule(margin=0.2, relative=True)}, bootstrap_resamples=500)
    result = gate(make_run("b", base, latencies=latencies), make_run("c", base, latencies=slower), policy)
    metric = next(m for m in result.metrics if m.name == "latency_p95")
    assert metric.test == "paired_bootstrap" and metric.verdict == semconv.GATE_REGRESSION


def test_a_changed_dataset_or_judge_breaks_comparability() -> None:
    base = base_passes(50)
    with pytest.raises(IncomparableError, match="dataset changed"):
        gate(make_run("b", base), make_run("c", base, dataset_hash="sha256:other"), POLICY)
    with pytest.raises(IncomparableError, match="judge model or prompt changed"):
        gate(make_run("b", base, judges={"j": "m@p1"}), make_run("c", base, judges={"j": "m@p2"}), POLICY)


def test_a_candidate_replayed_from_the_baseline_is_not_evidence() -> None:
    base = base_passes(300)
    cand = make_run("c", list(base))
    for result in cand.cases:
        result.cached, result.cached_from = True, "b"
    outcome = gate(make_run("b", base), cand, POLICY)
    assert len(outcome.paired.replayed) == 300 and outcome.decision == semconv.GATE_INCONCLUSIVE


def test_reports_junit_has_a_test_case_per_item_and_json_round_trips() -> None:
    base = base_passes(120)
    cand = degrade(base, 0.3)
    result = gate(make_run("b", base), make_run("c", cand, drop={0}), POLICY)
    root = ET.fromstring(junit(result).split("?>", 1)[1])
    cases = root.findall(".//testcase")
    assert len(cases) == 120
    regressed = sum(b and not c for b, c in zip(base[1:], cand[1:], strict=True))
    assert int(root.find("testsuite").get("failures")) == regressed + 1  # plus the missing item
    data = json.loads(json.dumps(as_json(result)))
    assert data["decision"] == "regression" and data["missing"] == ["case-0000"]
    assert "| pass | tango_score |" in markdown(result)
