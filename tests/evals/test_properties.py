"""Property tests (hypothesis) over score vectors, runs, datasets and suite files.

Whatever the inputs (NaN, inf, empty runs, duplicate results, a single class, missing items, errors,
typo'd keys), the gate never passes a candidate worse than its baseline by more than the margin on
every item, and no statistic that reaches a decision is NaN. Loading never fails with anything but
the package's own errors. Derandomized: every run of the suite checks the same examples.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evals import (
    CaseResult,
    DatasetError,
    EvalError,
    GatePolicy,
    GateResult,
    MetricRule,
    RunResult,
    Score,
    SuiteError,
    Trajectory,
    gate,
    load_dataset,
    load_suite_yaml,
)
from instrumentation import semconv

PROPERTY = settings(
    max_examples=120, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
ODD = st.sampled_from([math.nan, math.inf, -math.inf])
margins = st.floats(min_value=0.01, max_value=0.5)


def _run(run_id: str, rows: list[dict[str, Any]], ids: list[str], *, repeats: int = 1) -> RunResult:
    cases = [
        CaseResult(
            r["id"],
            r.get("repeat", 0),
            error=r.get("error"),
            scores={"quality": Score(r["quality"], r["quality"] >= 0.5)},
            latency=r["latency"],
            trajectory=Trajectory(cost=r["cost"], steps=1),
        )
        for r in rows
    ]
    return RunResult(run_id, "s", "sha256:d", "v", ids, repeats=repeats, scorers={"quality": False}, cases=cases)


@st.composite
def worse_on_every_item(draw: st.DrawFn) -> tuple[RunResult, RunResult, GatePolicy]:
    """A baseline and a candidate worse on every item by more than the margin, on every gated metric."""
    n = draw(st.integers(min_value=0, max_value=40))
    margin = draw(margins)
    ids = [f"c{i}" for i in range(n)]
    base, cand = [], []
    for case_id in ids:
        quality = draw(st.floats(min_value=-10, max_value=10))
        cost = draw(st.floats(min_value=1e-6, max_value=1.0))
        latency = draw(st.floats(min_value=0.0, max_value=30.0))
        worse = draw(st.floats(min_value=1e-6, max_value=5.0))
        base.append({"id": case_id, "quality": quality, "cost": cost, "latency": latency})
        cand.append({
            "id": case_id, "quality": quality - margin - worse, "cost": cost * (1 + margin) + worse,
            "latency": latency + margin + worse,
        })  # fmt: skip
    cand = draw(_corrupted(cand))
    metric = draw(st.sampled_from(["quality", "cost", "latency_p95"]))
    rule = MetricRule(margin=margin, relative=metric == "cost")
    policy = GatePolicy(metrics={metric: rule}, bootstrap_resamples=200)
    return _run("b", base, ids), _run("c", cand, ids), policy


@st.composite
def _corrupted(draw: st.DrawFn, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same rows with some of: a non-finite value, an error, a duplicate, a dropped item."""
    rows = [dict(r) for r in rows]
    for row in rows:
        if draw(st.integers(0, 30)) == 0:
            row[draw(st.sampled_from(["quality", "cost", "latency"]))] = draw(ODD)
        if draw(st.integers(0, 40)) == 0:
            row["error"] = "TimeoutError: upstream"
    if rows and draw(st.booleans()):
        rows.append(dict(rows[draw(st.integers(0, len(rows) - 1))]))  # two results for one item, one repeat
    if rows and draw(st.booleans()):
        del rows[draw(st.integers(0, len(rows) - 1))]
    return rows


def _statistics_are_finite(result: GateResult) -> None:
    assert result.decision in (semconv.GATE_PASS, semconv.GATE_REGRESSION, semconv.GATE_INCONCLUSIVE)
    for m in result.metrics:
        assert 0.0 <= m.p_value <= 1.0 and 0.0 <= m.p_adjusted <= 1.0, m
        if m.test != "none":
            assert all(math.isfinite(x) for x in (m.baseline, m.candidate, m.delta, m.low, m.high, m.detectable)), m
        worst, best = (m.high, m.low) if m.lower_is_better else (m.low, m.high)
        if m.verdict == semconv.GATE_PASS:  # the verdict agrees with the printed interval, in the metric's units
            assert (worst < m.threshold) if m.lower_is_better else (worst > m.threshold), m
        if m.verdict == semconv.GATE_REGRESSION:
            assert (best > m.threshold) if m.lower_is_better else (best < m.threshold), m


@PROPERTY
@given(worse_on_every_item())
def test_a_candidate_worse_by_more_than_the_margin_on_every_item_never_passes(
    runs: tuple[RunResult, RunResult, GatePolicy],
) -> None:
    base, cand, policy = runs
    result = gate(base, cand, policy)
    assert result.decision != semconv.GATE_PASS, result.reasons
    _statistics_are_finite(result)


@PROPERTY
@given(worse_on_every_item())
def test_every_pass_fail_item_failing_never_passes(runs: tuple[RunResult, RunResult, GatePolicy]) -> None:
    base, cand, policy = runs
    for case in base.cases:
        case.scores["quality"] = Score(1.0, True)
    for case in cand.cases:
        case.scores["quality"] = Score(0.0, False)
    binary = GatePolicy(metrics={"pass": MetricRule(margin=min(policy.metrics[m].margin for m in policy.metrics))})
    assert gate(base, cand, binary).decision != semconv.GATE_PASS


score_vectors = st.lists(st.one_of(FINITE, ODD, st.just(0.5)), min_size=0, max_size=40)


@PROPERTY
@given(score_vectors, score_vectors, margins, st.booleans(), st.integers(1, 3))
def test_no_decision_rests_on_a_nan(
    base_scores: list[float], cand_scores: list[float], margin: float, binary: bool, repeats: int
) -> None:
    """Any two score vectors (NaN, inf, empty, one class, unequal lengths): a decision or an eval error, never NaN."""
    ids = [f"c{i}" for i in range(max(len(base_scores), len(cand_scores)))]

    def rows(scores: list[float]) -> list[dict[str, Any]]:
        return [
            {"id": ids[i % len(ids)], "repeat": i // max(len(ids), 1), "quality": s, "cost": 0.01, "latency": 1.0}
            for i, s in enumerate(scores * repeats)
        ]

    base, cand = _run("b", rows(base_scores), ids, repeats=repeats), _run("c", rows(cand_scores), ids, repeats=repeats)
    base.scorers = cand.scorers = {"quality": binary}
    try:
        result = gate(base, cand, GatePolicy(metrics={"quality": MetricRule(margin=margin)}))
    except EvalError:  # the baseline cannot judge (it is the baseline that is broken): said, not decided
        return
    _statistics_are_finite(result)


dataset_values = st.one_of(
    st.none(), st.text(max_size=8), st.integers(), st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2), st.sampled_from(["2026-11-30T10:00:00Z", "soon"]),
)  # fmt: skip
dataset_keys = st.sampled_from(
    ["id", "input", "expected", "metadata", "tags", "origin", "sampled_at", "failure_modes", "inputt", "question"]
)


@PROPERTY
@given(st.lists(st.dictionaries(dataset_keys, dataset_values, max_size=6), max_size=8), st.booleans())
def test_a_dataset_loads_or_says_why(rows: list[dict[str, Any]], as_yaml: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("d.yaml" if as_yaml else "d.jsonl")
        path.write_text(yaml.safe_dump(rows) if as_yaml else "".join(json.dumps(r) + "\n" for r in rows))
        try:
            dataset = load_dataset(path)
        except DatasetError as exc:
            assert str(path) in str(exc)
            return
        assert len({c.id for c in dataset.cases}) == len(dataset.cases) > 0


suite_keys = st.sampled_from(["name", "task", "dataset", "scorers", "gate", "repeats", "system", "scorer", "gates"])
scorer_specs = st.one_of(
    st.sampled_from(["exact", "contains", "regex", "vibes", "judge"]),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["exact", "contains", "regex", "numeric", "max_steps", "nope"])},
        optional={
            "pattern": st.sampled_from(["a+", "("]),
            "patern": st.just("x"),
            "limit": st.sampled_from([3, "x"]),
            "name": st.sampled_from(["one", "two"]),
            "abs_tol": st.sampled_from([0.1, "wide"]),
        },
    ),
)
suite_values = {
    "name": st.sampled_from(["s", "", 5]),
    "task": st.sampled_from(["json:dumps", "json", "nosuch_module:f", "json:nosuch"]),
    "dataset": st.sampled_from(["d.jsonl", "missing.jsonl", {"path": "d.jsonl", "fields": {"expected": "answer"}},
                                {"path": "d.jsonl", "fields": {"expected": "expectd"}}, {"paht": "d.jsonl"}]),
    "scorers": st.lists(scorer_specs, max_size=3),
    "gate": st.sampled_from([{}, {"metrics": {"pass": {"margin": 0.1}}}, {"metrics": {"pas": {"margin": 0.1}}},
                             {"metrics": {"one": {"margin": 0.1}}}, {"alpha": 2}, {"metrics": {"pass": {"margn": 1}}}]),
    "repeats": st.sampled_from([1, 0, "two"]),
    "system": st.sampled_from(["support-desk", ""]),
    "scorer": st.just(["exact"]),
    "gates": st.just({}),
}  # fmt: skip


@st.composite
def suite_files(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.sets(suite_keys, min_size=0, max_size=9))
    return {key: draw(suite_values[key]) for key in sorted(keys)}


@PROPERTY
@given(suite_files())
def test_a_suite_file_loads_or_names_its_line(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "d.jsonl").write_text('{"id": "a", "input": "x", "answer": "y"}\n')
        path = Path(folder) / "s.yaml"
        path.write_text(yaml.safe_dump(spec))
        try:
            suite = load_suite_yaml(path)
        except (SuiteError, DatasetError) as exc:
            assert str(path) in str(exc) or "d.jsonl" in str(exc) or "missing.jsonl" in str(exc), exc
            return
        assert set(suite.gate.metrics) <= set(suite.metric_names) and suite.scorers
