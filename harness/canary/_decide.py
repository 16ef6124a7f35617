"""The canary's decision from its metrics, with the gate's rule turned to two independent samples.

Per metric the interval of canary - baseline (each side at level alpha) is compared with the metric's
margin, oriented so that worse is positive:

- ``within`` when the whole interval lies within the margin (worse by less than it: non-inferior);
- ``worse`` when the whole interval lies beyond the margin and the Holm-adjusted p-value (across the
  metrics compared) is below alpha;
- ``inconclusive`` otherwise; ``too_few`` when either version has fewer than the minimum samples.

The decision: ``rollback`` when any metric is worse; ``promote`` when every metric compared is within
its margin; ``hold`` otherwise (the reasons name each metric that is not within, and why).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime

from evals._gate import stats
from harness.canary import _compare
from harness.canary._evidence import Side
from harness.canary._policy import (
    AGENT_ERROR_RATE,
    COST_PER_REQUEST,
    ERROR_RATE,
    EVAL_PREFIX,
    LATENCY_P95,
    STEPS_PER_RUN,
    TOOL_CALLS_PER_RUN,
    CanaryPolicy,
)
from instrumentation import semconv

WITHIN, WORSE, INCONCLUSIVE, TOO_FEW = "within", "worse", "inconclusive", "too_few"
EXIT_CODES = {semconv.CANARY_PROMOTE: 0, semconv.CANARY_ROLLBACK: 1, semconv.CANARY_HOLD: 2}


@dataclass(slots=True, kw_only=True)
class CanaryMetric:
    name: str
    test: str
    n_baseline: int
    n_canary: int
    baseline: float | None
    canary: float | None
    low: float | None  # the interval of canary - baseline, in the metric's units
    high: float | None
    margin: float | None  # absolute, in the metric's units
    higher_is_better: bool = False
    p_value: float = 1.0  # one-sided, of H0 "worse by at most the margin"
    p_adjusted: float = 1.0  # Holm across the metrics compared
    verdict: str = INCONCLUSIVE
    note: str = ""

    @property
    def delta(self) -> float | None:
        return None if self.canary is None or self.baseline is None else self.canary - self.baseline

    def worse_bounds(self) -> tuple[float, float]:
        """The interval of how much worse the canary is (positive is worse)."""
        assert self.low is not None and self.high is not None
        return (-self.high, -self.low) if self.higher_is_better else (self.low, self.high)


@dataclass(slots=True)
class CanaryDecision:
    """What ``harness canary`` decided, and why; ``exit_code`` is the command's."""

    decision: str
    system: str
    baseline_version: str
    canary_version: str
    since: datetime
    until: datetime
    alpha: float
    min_samples: int
    metrics: list[CanaryMetric] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    kind: str = semconv.SYSTEM_KIND_LLM  # of the system: llm or classical

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.decision]

    def metrics_json(self) -> str:
        """The metrics as JSON (what the decision's span records); a number that is not finite is null."""
        rows = [{k: _finite(v) for k, v in {**asdict(m), "delta": m.delta}.items()} for m in self.metrics]
        return json.dumps(rows, allow_nan=False)

    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "every metric is within its margin"


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def compare(base: Side, canary: Side, policy: CanaryPolicy) -> list[CanaryMetric]:
    """Every metric either version has evidence for, each with its interval and (not yet adjusted) p-value."""
    metrics = []
    if base.calls or canary.calls:
        metrics.append(_rate(ERROR_RATE, canary.failed_calls, canary.calls, base.failed_calls, base.calls, policy))
        metrics.append(_latency(base, canary, policy))
    if base.request_costs or canary.request_costs:
        metrics.append(_mean(COST_PER_REQUEST, canary.request_costs, base.request_costs, policy))
    if base.runs or canary.runs:
        metrics.append(_rate(AGENT_ERROR_RATE, canary.failed_runs, canary.runs, base.failed_runs, base.runs, policy))
    if base.steps or canary.steps:
        metrics.append(_mean(STEPS_PER_RUN, canary.steps, base.steps, policy))
    if base.tool_calls or canary.tool_calls:
        metrics.append(_mean(TOOL_CALLS_PER_RUN, canary.tool_calls, base.tool_calls, policy))
    for name in sorted(set(base.scores) | set(canary.scores)):
        metric = f"{EVAL_PREFIX}{name}"
        metrics.append(_mean(metric, canary.scores.get(name, []), base.scores.get(name, []), policy, higher=True))
    return metrics


def _shell(name: str, n_canary: int, n_base: int, policy: CanaryPolicy, higher: bool = False) -> CanaryMetric | None:
    """A too_few metric when either side is below the minimum, else None (the metric can be tested)."""
    if min(n_canary, n_base) >= policy.min_samples:
        return None
    short = [f"{n} {who}" for n, who in ((n_base, "baseline"), (n_canary, "canary")) if n < policy.min_samples]
    return CanaryMetric(
        name=name, test="none", n_baseline=n_base, n_canary=n_canary, baseline=None, canary=None, low=None,
        high=None, margin=None, higher_is_better=higher, verdict=TOO_FEW,
        note=f"only {' and '.join(short)} samples (the minimum is {policy.min_samples} per version)",
    )  # fmt: skip


def _filled(name: str, interval: _compare.Interval, n_c: int, n_b: int, margin: float, higher: bool) -> CanaryMetric:
    return CanaryMetric(
        name=name, test=interval.test, n_baseline=n_b, n_canary=n_c, baseline=interval.baseline,
        canary=interval.canary, low=interval.low, high=interval.high, margin=margin, higher_is_better=higher,
        p_value=interval.p_worse, p_adjusted=interval.p_worse,
    )  # fmt: skip


def _rate(name: str, x_c: int, n_c: int, x_b: int, n_b: int, policy: CanaryPolicy) -> CanaryMetric:
    shell = _shell(name, n_c, n_b, policy)
    if shell is not None:
        return shell
    margin = policy.margin_of(name).absolute(x_b / n_b)
    return _filled(name, _compare.proportions(x_c, n_c, x_b, n_b, policy.alpha, margin), n_c, n_b, margin, False)


def _latency(base: Side, canary: Side, policy: CanaryPolicy) -> CanaryMetric:
    shell = _shell(LATENCY_P95, canary.calls, base.calls, policy)
    if shell is not None:
        return shell
    margin = policy.margin_of(LATENCY_P95).absolute(stats.percentile(base.latencies, 0.95))
    interval = _compare.quantile(
        canary.latencies, base.latencies, 0.95, policy.alpha, margin,
        resamples=policy.bootstrap_resamples, seed=policy.seed,
    )  # fmt: skip
    return _filled(LATENCY_P95, interval, canary.calls, base.calls, margin, False)


def _mean(name: str, cand: list[float], base: list[float], policy: CanaryPolicy, higher: bool = False) -> CanaryMetric:
    shell = _shell(name, len(cand), len(base), policy, higher)
    if shell is not None:
        return shell
    margin = policy.margin_of(name).absolute(sum(base) / len(base))
    interval = _compare.means(cand, base, policy.alpha, margin, higher_is_better=higher)
    return _filled(name, interval, len(cand), len(base), margin, higher)


def judge(metrics: list[CanaryMetric], alpha: float) -> None:
    """Holm across the tested metrics, then each metric's verdict (it agrees with its printed interval)."""
    tested = [m for m in metrics if m.verdict != TOO_FEW]
    for metric, adjusted in zip(tested, stats.holm([m.p_value for m in tested]), strict=True):
        metric.p_adjusted = adjusted
    for metric in tested:
        _verdict(metric, alpha, len(tested))


def _verdict(m: CanaryMetric, alpha: float, tested: int) -> None:
    low, high = m.worse_bounds()
    assert m.margin is not None
    interval = f"[{_g(m.low)}, {_g(m.high)}]"
    edge = f"{-m.margin if m.higher_is_better else m.margin:+.4g}"
    if not all(math.isfinite(x) for x in (low, high, m.p_adjusted)):
        m.verdict, m.note = INCONCLUSIVE, "a statistic is not a finite number; cannot decide"
    elif low > m.margin and m.p_adjusted < alpha:
        m.verdict = WORSE
        m.note = f"worse beyond the margin: canary - baseline {interval} lies wholly beyond {edge}"
        m.note += f" (Holm-adjusted p = {m.p_adjusted:.4g})" if tested > 1 else f" (p = {m.p_value:.4g})"
    elif high < m.margin:
        m.verdict = WITHIN
    elif low > m.margin:
        m.verdict = INCONCLUSIVE
        m.note = (
            f"canary - baseline {interval} lies beyond {edge}, but not after Holm (adjusted p = {m.p_adjusted:.4g})"
        )
    else:
        m.verdict = INCONCLUSIVE
        m.note = f"canary - baseline {interval} includes {edge}: neither within the margin nor beyond it"


def _g(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def decide(metrics: list[CanaryMetric]) -> tuple[str, list[str]]:
    """The decision and its reasons: the worse metrics first, then the ones that hold it."""
    if not metrics:
        return semconv.CANARY_HOLD, ["no metric could be compared"]
    worse = [m for m in metrics if m.verdict == WORSE]
    holding = [m for m in metrics if m.verdict not in (WORSE, WITHIN)]
    reasons = [f"{m.name}: {m.note}" for m in (*worse, *holding)]
    if worse:
        return semconv.CANARY_ROLLBACK, reasons
    return (semconv.CANARY_HOLD if holding else semconv.CANARY_PROMOTE), reasons
