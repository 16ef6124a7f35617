"""The gate: is the candidate run worse than its approved baseline by more than the margin?

Per gated metric, a paired comparison on the same items (Tango's score interval for single-repeat
pass/fail, paired t for means, paired bootstrap for latency percentiles) gives an interval
``[low, high]`` of the difference (positive is better, one-sided level alpha each side) and a p-value
against the margin. Each metric's verdict agrees with the interval the gate prints:

- ``pass`` when ``low > -margin``: the candidate is not worse by the margin (non-inferiority);
- ``regression`` when ``high < -margin`` and the Holm-adjusted p-value (across the gated metrics) is
  below alpha: the whole interval lies beyond the margin;
- ``inconclusive`` otherwise; the note says whether the suite is underpowered (its smallest detectable
  drop exceeds the margin) or the interval simply straddles ``-margin``.

Slices (``policy.slices``): for each labelled dimension (a case's ``slices``, e.g. ``language``), every
value is a slice compared on its own items with its own margin, reported as ``pass[language=fr]``. The
slices' comparisons join the gated metrics' family: Holm's adjustment runs across all of them, and each
is judged by the rule above, so a slice that regresses past its margin blocks the release.

The run's decision: ``regression`` when any metric regressed or any candidate item is missing, errored
or duplicated (fail closed); ``inconclusive`` when any metric is, when the candidate has items the
baseline lacks, or when a required judge is not calibrated; ``pass`` only when every metric passes
(an intersection-union test, so no multiplicity correction is needed for passing). A baseline with
missing, errored or duplicated items cannot judge anyone: the gate raises ``BaselineError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from evals._gate import comparisons, stats
from evals._gate.pairing import Defects, Paired, pair
from evals._gate.policy import (
    BUILTIN_METRICS,
    LATENCY_P50,
    LATENCY_P95,
    LOWER_IS_BETTER,
    PASS,
    GatePolicy,
    MetricRule,
    slice_name,
)
from evals._run.results import RunResult
from evals.errors import BaselineError, IncomparableError
from instrumentation import semconv

EXIT_CODES = {semconv.GATE_PASS: 0, semconv.GATE_REGRESSION: 1, semconv.GATE_INCONCLUSIVE: 2}
UNTESTED = "none"  # the test of a metric too few items have a value for


@dataclass(slots=True, kw_only=True)
class MetricResult:
    name: str
    test: str
    n: int
    baseline: float
    candidate: float
    delta: float  # candidate - baseline in the metric's own units
    low: float  # the interval of delta, in the metric's own units
    high: float
    p_value: float  # one-sided, of H0 "not worse than the margin"
    p_adjusted: float  # Holm across the gated metrics
    margin: float  # absolute, in the metric's units
    detectable: float  # smallest drop the suite detects with the policy's power
    verdict: str = semconv.GATE_INCONCLUSIVE
    note: str = ""
    lower_is_better: bool = False  # cost, latency, steps: a worse candidate has a positive delta

    @property
    def threshold(self) -> float:
        """The delta at which the candidate is worse by exactly the margin: -margin, or +margin if lower is better."""
        return self.margin if self.lower_is_better else -self.margin


@dataclass(slots=True)
class GateResult:
    decision: str
    suite: str
    candidate_run: str
    baseline_run: str
    alpha: float
    metrics: list[MetricResult] = field(default_factory=list)
    paired: Paired = field(default_factory=Paired)
    reasons: list[str] = field(default_factory=list)
    system: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.decision]


def check_comparable(base: RunResult, cand: RunResult) -> None:
    problems = []
    if base.suite != cand.suite:
        problems.append(f"suite {cand.suite!r} vs baseline {base.suite!r}")
    if base.dataset_hash != cand.dataset_hash:
        problems.append(f"dataset {cand.dataset_hash} vs baseline {base.dataset_hash} (the dataset changed)")
    if base.judges != cand.judges:
        problems.append(f"judges {cand.judges} vs baseline {base.judges} (a judge model or prompt changed)")
    if problems:
        raise IncomparableError(
            f"run {cand.run_id} cannot be compared with baseline {base.run_id}: "
            + "; ".join(problems)
            + ". Run the baseline candidate on the current suite and approve it (harness eval approve RUN_ID)."
        )


def gate(base: RunResult, cand: RunResult, policy: GatePolicy, *, calibration_note: str | None = None) -> GateResult:
    check_comparable(base, cand)
    gated = {*policy.metrics, *(m for rule in policy.slices.values() for m in rule.metrics)}
    unknown = sorted(m for m in gated if not _known(m, base))
    if unknown:
        raise IncomparableError(f"gated metric(s) {unknown} are neither scorers of suite {base.suite!r} nor built-ins")
    metrics = {name: base.scorers.get(name, False) for name in sorted(gated)}
    metrics[PASS] = True
    paired = pair(base, cand, metrics)
    if paired.baseline:
        raise BaselineError(_baseline_problem(base.run_id, paired.baseline))
    result = GateResult(
        semconv.GATE_PASS, cand.suite, cand.run_id, base.run_id, policy.alpha, paired=paired, system=cand.system
    )
    single = base.repeats == 1 and cand.repeats == 1
    whole = {name: (paired.base.get(name, []), paired.cand.get(name, [])) for name in metrics}
    oriented = [_compare(n, n, metrics[n] and single, whole[n], rule, policy) for n, rule in policy.metrics.items()]
    oriented += _slices(base, paired, policy, metrics, single, result.reasons)
    result.metrics = [metric for metric, _ in oriented]
    _adjust(result.metrics)
    for metric, comparison in oriented:
        _judge_metric(metric, comparison, policy.alpha, len(result.metrics))
    _decide(result, calibration_note)
    return result


def _known(metric: str, run: RunResult) -> bool:
    return metric in BUILTIN_METRICS or metric in run.scorers


def _baseline_problem(run_id: str, defects: Defects) -> str:
    parts = []
    if defects.errored:
        first = "; ".join(f"{case}: {message}" for case, message in list(defects.errored.items())[:3])
        parts.append(f"{len(defects.errored)} errored item(s) ({first})")
    if defects.missing:
        parts.append(f"{len(defects.missing)} missing item(s) ({', '.join(defects.missing[:5])})")
    if defects.duplicated:
        parts.append(f"{len(defects.duplicated)} item(s) with more than one result per repeat")
    return (
        f"baseline run {run_id} has {' and '.join(parts)}, so it cannot judge a candidate (the candidate is not "
        "at fault). Run the baseline version again and approve a complete run: harness eval approve RUN_ID"
    )


Values = tuple[list[float | None], list[float | None]]  # per paired item: the baseline's and the candidate's


def _slices(
    base: RunResult, paired: Paired, policy: GatePolicy, metrics: dict[str, bool], single: bool, reasons: list[str]
) -> list[tuple[MetricResult, comparisons.Comparison | None]]:
    """One comparison per slice (a value of a dimension ``policy.slices`` names) and metric, on its items alone."""
    found: list[tuple[MetricResult, comparisons.Comparison | None]] = []
    for dimension, rule in policy.slices.items():
        labels = [base.case_slices.get(case_id, {}).get(dimension) for case_id in paired.case_ids]
        values = sorted({label for label in labels if label is not None})
        if not values:
            reasons.append(f"slice dimension {dimension!r}: no paired item carries it, so no slice is compared")
            found.append((_untested(slice_name(PASS, dimension, "(none)"), 0, 0.0), None))
        for value in values:
            index = [i for i, label in enumerate(labels) if label == value]
            for metric in rule.metrics:
                pairs = ([paired.base[metric][i] for i in index], [paired.cand[metric][i] for i in index])
                name, binary = slice_name(metric, dimension, value), metrics[metric] and single
                found.append(_compare(name, metric, binary, pairs, rule.rule(value, metric), policy))
    return found


def _compare(
    name: str, metric: str, binary: bool, values: Values, rule: MetricRule, policy: GatePolicy
) -> tuple[MetricResult, comparisons.Comparison | None]:
    """``name`` is what the comparison is reported as (a slice's ``pass[language=fr]``); ``metric`` what it compares."""
    rows = [(b, c) for b, c in zip(*values, strict=True) if b is not None and c is not None]
    if len(rows) < 2:
        return _untested(name, len(rows), rule.margin), None
    base, cand = [b for b, _ in rows], [c for _, c in rows]
    sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
    statistic = _statistic(metric)
    base_stat, cand_stat = statistic(base), statistic(cand)
    scale = abs(base_stat) if (rule.relative or metric in LOWER_IS_BETTER) else 1.0
    margin = rule.margin * (abs(base_stat) if rule.relative else 1.0)
    alpha, power = policy.alpha, policy.power
    if binary:
        cmp = comparisons.tango([b >= 0.5 for b in base], [c >= 0.5 for c in cand], alpha, power, margin)
    elif metric in (LATENCY_P50, LATENCY_P95):
        cmp = comparisons.bootstrap(
            base, cand, statistic, sign, alpha=alpha, power=power, scale=scale, margin=margin,
            resamples=policy.bootstrap_resamples, seed=policy.seed,
        )  # fmt: skip
    else:
        cmp = comparisons.paired_t([sign * (c - b) for b, c in rows], alpha, power, scale, margin)
    low, high = (cmp.low, cmp.high) if sign > 0 else (-cmp.high, -cmp.low)
    result = MetricResult(
        name=name,
        test=cmp.test,
        n=cmp.n,
        baseline=base_stat,
        candidate=cand_stat,
        delta=cand_stat - base_stat,
        low=low,
        high=high,
        p_value=cmp.p_value,
        p_adjusted=cmp.p_value,
        margin=margin,
        detectable=cmp.detectable,
        lower_is_better=sign < 0,
    )
    return result, cmp


def _statistic(name: str) -> Callable[[list[float]], float]:
    if name == LATENCY_P95:
        return lambda xs: stats.percentile(xs, 0.95)
    if name == LATENCY_P50:
        return lambda xs: stats.percentile(xs, 0.50)
    return lambda xs: sum(xs) / len(xs)


def _untested(name: str, n: int, margin: float) -> MetricResult:
    nan = float("nan")
    return MetricResult(
        name=name, test=UNTESTED, n=n, baseline=nan, candidate=nan, delta=nan, low=nan, high=nan,
        p_value=1.0, p_adjusted=1.0, margin=margin, detectable=nan,
        note=f"only {n} paired items have a value for {name}; cannot test",
    )  # fmt: skip


def _adjust(metrics: list[MetricResult]) -> None:
    testable = [m for m in metrics if m.test != UNTESTED]
    for metric, adjusted in zip(testable, stats.holm([m.p_value for m in testable]), strict=True):
        metric.p_adjusted = adjusted


def _judge_metric(m: MetricResult, cmp: comparisons.Comparison | None, alpha: float, gated: int) -> None:
    """The metric's verdict from its oriented comparison (positive is better); it agrees with the interval."""
    if cmp is None:
        return
    stats = (cmp.delta, cmp.low, cmp.high, m.p_value, m.p_adjusted, m.detectable, m.margin)
    interval, edge = f"[{_g(m.low)}, {_g(m.high)}]", f"{m.threshold:+.4g}"
    beyond = "above" if m.lower_is_better else "below"
    if not all(math.isfinite(x) for x in stats):
        m.verdict, m.note = semconv.GATE_INCONCLUSIVE, "a statistic is not a finite number; cannot decide"
    elif cmp.high < -m.margin and m.p_adjusted < alpha:
        m.verdict = semconv.GATE_REGRESSION
        m.note = f"worse by more than the margin: the interval {interval} lies {beyond} {edge}"
        m.note += f" (Holm-adjusted p = {m.p_adjusted:.4g})" if gated > 1 else f" (p = {m.p_value:.4g})"
    elif cmp.low > -m.margin:
        m.verdict = semconv.GATE_PASS
    elif cmp.high < -m.margin:
        m.verdict = semconv.GATE_INCONCLUSIVE
        m.note = (
            f"the interval {interval} lies {beyond} {edge}, but not after Holm's adjustment across "
            f"{gated} gated metrics (adjusted p = {m.p_adjusted:.4g})"
        )
    elif m.detectable > m.margin:
        m.verdict = semconv.GATE_INCONCLUSIVE
        m.note = (
            f"underpowered: smallest detectable drop {_g(m.detectable)} > margin {_g(m.margin)}; "
            f"the interval {interval} includes {edge}"
        )
    else:
        m.verdict = semconv.GATE_INCONCLUSIVE
        m.note = f"the interval {interval} includes {edge}: neither within the margin nor beyond it"


def _g(x: float) -> str:
    return f"{x:.4g}"


def _decide(result: GateResult, calibration_note: str | None) -> None:
    result.reasons += [f"{m.name}: {m.note}" for m in result.metrics if m.verdict != semconv.GATE_PASS]
    paired, defects = result.paired, result.paired.candidate
    if defects.missing:
        result.reasons.append(f"{len(defects.missing)} missing item(s) fail closed: {', '.join(defects.missing[:10])}")
    if defects.errored:
        shown = "; ".join(f"{case} ({message[:120]})" for case, message in list(defects.errored.items())[:5])
        result.reasons.append(f"{len(defects.errored)} errored item(s) fail closed: {shown}")
    if defects.duplicated:
        result.reasons.append(
            f"{len(defects.duplicated)} item(s) have more than one result for one repeat (the run is malformed) "
            f"and fail closed: {', '.join(defects.duplicated[:10])}"
        )
    if paired.extra:
        result.reasons.append(
            f"{len(paired.extra)} candidate item(s) not in the baseline are not compared: "
            + ", ".join(paired.extra[:10])
        )
    if paired.replayed:
        result.reasons.append(f"{len(paired.replayed)} item(s) replayed from the baseline are not evidence")
    if calibration_note:
        result.reasons.append(calibration_note)
    verdicts = {m.verdict for m in result.metrics}
    if semconv.GATE_REGRESSION in verdicts or defects:
        result.decision = semconv.GATE_REGRESSION
    elif semconv.GATE_INCONCLUSIVE in verdicts or calibration_note or paired.extra:
        result.decision = semconv.GATE_INCONCLUSIVE
    else:
        result.decision = semconv.GATE_PASS
