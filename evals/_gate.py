"""The gate: is the candidate run worse than its approved baseline, with what confidence?

Per gated metric, a paired test on the same items (exact McNemar for single-repeat pass/fail,
paired t for means, paired bootstrap for latency percentiles). Decision, in order:

1. a metric whose drop is beyond its margin with Holm-adjusted p < alpha -> ``regression``;
2. any missing or errored item -> ``regression`` (fail closed);
3. a metric whose detectable drop exceeds its margin -> ``inconclusive`` (underpowered), as does
   a non-inferiority interval reaching below the margin, or a judge failing its calibration;
4. otherwise ``pass``: every metric's one-sided lower bound is above -margin. (Passing needs all
   metrics, an intersection-union test, so no multiplicity correction is needed there; Holm
   guards the "any metric regressed" union.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from evals import _stats, _tests
from evals._pairing import Paired, pair
from evals._policy import BUILTIN_METRICS, LATENCY_P50, LATENCY_P95, LOWER_IS_BETTER, PASS, GatePolicy
from evals._results import RunResult
from evals.errors import IncomparableError
from instrumentation import semconv

EXIT_CODES = {semconv.GATE_PASS: 0, semconv.GATE_REGRESSION: 1, semconv.GATE_INCONCLUSIVE: 2}


@dataclass(slots=True)
class MetricResult:
    name: str
    test: str
    n: int
    baseline: float
    candidate: float
    delta: float  # candidate - baseline in the metric's own units
    low: float
    high: float
    p_value: float  # one-sided, that the candidate is worse
    p_adjusted: float
    margin: float  # absolute, in the metric's units
    detectable: float
    verdict: str
    note: str = ""


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
    metrics = {name: name in base.scorers and base.scorers[name] for name in policy.metrics}
    metrics[PASS] = True
    unknown = [m for m in policy.metrics if not _known(m, base)]
    if unknown:
        raise IncomparableError(f"gated metric(s) {unknown} are neither scorers of suite {base.suite!r} nor built-ins")
    paired = pair(base, cand, metrics)
    result = GateResult(semconv.GATE_PASS, cand.suite, cand.run_id, base.run_id, policy.alpha, paired=paired)
    single = base.repeats == 1 and cand.repeats == 1
    oriented: list[_tests.Comparison | None] = []
    for name, rule in policy.metrics.items():
        metric, comparison = _compare(name, metrics[name] and single, paired, rule.margin, rule.relative, policy)
        result.metrics.append(metric)
        oriented.append(comparison)
    _adjust(result.metrics)
    for metric, comparison in zip(result.metrics, oriented, strict=True):
        _judge_metric(metric, comparison, policy.alpha)
    _decide(result, calibration_note)
    return result


def _known(metric: str, run: RunResult) -> bool:
    return metric in BUILTIN_METRICS or metric in run.scorers


def _compare(
    name: str, binary: bool, paired: Paired, margin: float, relative: bool, policy: GatePolicy
) -> tuple[MetricResult, _tests.Comparison | None]:
    pairs = zip(paired.base.get(name, []), paired.cand.get(name, []), strict=True)
    rows = [(b, c) for b, c in pairs if b is not None and c is not None]
    if len(rows) < 2:
        return _unavailable(name, len(rows), margin), None
    base, cand = [b for b, _ in rows], [c for _, c in rows]
    sign = -1.0 if name in LOWER_IS_BETTER else 1.0
    statistic = _statistic(name)
    base_stat, cand_stat = statistic(base), statistic(cand)
    scale = abs(base_stat) if (relative or name in LOWER_IS_BETTER) else 1.0
    absolute_margin = margin * (abs(base_stat) if relative else 1.0)
    alpha, power = policy.alpha, policy.power
    if binary:
        cmp = _tests.mcnemar([b >= 0.5 for b in base], [c >= 0.5 for c in cand], alpha, power)
    elif name in (LATENCY_P50, LATENCY_P95):
        cmp = _tests.bootstrap(
            base, cand, statistic, sign, alpha, power, scale, resamples=policy.bootstrap_resamples, seed=policy.seed
        )
    else:
        cmp = _tests.paired_t([sign * (c - b) for b, c in rows], alpha, power, scale)
    low, high = (cmp.low, cmp.high) if sign > 0 else (-cmp.high, -cmp.low)
    metric = MetricResult(
        name, cmp.test, cmp.n, base_stat, cand_stat, cand_stat - base_stat, low, high,
        cmp.p_worse, cmp.p_worse, absolute_margin, cmp.detectable, "",
    )  # fmt: skip
    return metric, cmp


def _statistic(name: str) -> Callable[[list[float]], float]:
    if name == LATENCY_P95:
        return lambda xs: _stats.percentile(xs, 0.95)
    if name == LATENCY_P50:
        return lambda xs: _stats.percentile(xs, 0.50)
    return lambda xs: sum(xs) / len(xs)


def _unavailable(name: str, n: int, margin: float) -> MetricResult:
    nan = float("nan")
    note = f"only {n} paired items have a value for {name}; cannot test"
    return MetricResult(
        name, "none", n, nan, nan, nan, nan, nan, 1.0, 1.0, margin, nan, semconv.GATE_INCONCLUSIVE, note
    )


def _adjust(metrics: list[MetricResult]) -> None:
    testable = [m for m in metrics if m.test != "none"]
    for metric, adjusted in zip(testable, _stats.holm([m.p_value for m in testable]), strict=True):
        metric.p_adjusted = adjusted


def _judge_metric(m: MetricResult, cmp: _tests.Comparison | None, alpha: float) -> None:
    """The metric's verdict from its oriented comparison (positive is better)."""
    if cmp is None:
        return
    if m.p_adjusted < alpha and cmp.delta < -m.margin:
        m.verdict = semconv.GATE_REGRESSION
        m.note = f"worse by more than the margin (Holm-adjusted p = {m.p_adjusted:.4g})"
    elif m.detectable > m.margin:
        m.verdict = semconv.GATE_INCONCLUSIVE
        m.note = f"underpowered: smallest detectable drop {m.detectable:.4g} > margin {m.margin:.4g}"
    elif cmp.low <= -m.margin:
        m.verdict = semconv.GATE_INCONCLUSIVE
        m.note = f"interval reaches below the margin (-{m.margin:.4g})"
    else:
        m.verdict = semconv.GATE_PASS


def _decide(result: GateResult, calibration_note: str | None) -> None:
    result.reasons += [f"{m.name}: {m.note}" for m in result.metrics if m.verdict != semconv.GATE_PASS]
    paired = result.paired
    for label, items in (("missing", paired.missing), ("errored", paired.errored)):
        if items:
            result.reasons.append(f"{len(items)} {label} item(s) fail closed: {', '.join(items[:10])}")
    if paired.replayed:
        result.reasons.append(f"{len(paired.replayed)} item(s) replayed from the baseline are not evidence")
    if calibration_note:
        result.reasons.append(calibration_note)
    verdicts = {m.verdict for m in result.metrics}
    if semconv.GATE_REGRESSION in verdicts or paired.missing or paired.errored:
        result.decision = semconv.GATE_REGRESSION
    elif semconv.GATE_INCONCLUSIVE in verdicts or calibration_note:
        result.decision = semconv.GATE_INCONCLUSIVE
    else:
        result.decision = semconv.GATE_PASS
