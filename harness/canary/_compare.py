"""One comparison per metric between two independent samples, oriented so that a positive ``worse`` is worse.

- proportions (error rates): Newcombe's hybrid score interval of the difference, from Wilson intervals;
- the latency p95: a seeded bootstrap resampling each version on its own (percentile interval), each
  resample's p95 drawn exactly from the uniform order statistics (``stats.bootstrap_quantile``);
- means (cost per request, steps and tool calls per run, eval scores): Welch's t.

Each side of an interval has level alpha. An interval is never narrower than what the smaller sample can
rule out (the gate's rule-of-three floor, scaled by the baseline's value), so a version whose calls all
cost the same does not make any difference conclusive.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from evals._gate import stats


@dataclass(frozen=True, slots=True)
class Interval:
    test: str
    baseline: float
    canary: float
    low: float  # one-sided (1 - alpha) bounds of canary - baseline, in the metric's units
    high: float
    p_worse: float  # one-sided p-value of H0 "worse by at most the margin"

    @property
    def delta(self) -> float:
        return self.canary - self.baseline


def _floor_se(scale: float, n: int, alpha: float) -> float:
    return abs(scale) * math.sqrt(stats.clopper_pearson_upper(0, n, alpha) / n)


def proportions(x_canary: int, n_canary: int, x_base: int, n_base: int, alpha: float, margin: float) -> Interval:
    """``x`` failures out of ``n`` on each side."""
    low, high = stats.newcombe_interval(x_canary, n_canary, x_base, n_base, alpha)
    return Interval(
        test="newcombe_score",
        baseline=x_base / n_base,
        canary=x_canary / n_canary,
        low=low,
        high=high,
        p_worse=stats.newcombe_p_above(x_canary, n_canary, x_base, n_base, margin),
    )


def means(
    canary: Sequence[float], base: Sequence[float], alpha: float, margin: float, *, higher_is_better: bool
) -> Interval:
    result = stats.welch(canary, base)
    base_mean = sum(base) / len(base)
    scale = 1.0 if higher_is_better else base_mean  # scores are on their own scale; cost and steps relative
    se = max(result.se, _floor_se(scale, min(len(canary), len(base)), alpha))
    df = max(result.df, 1.0)
    t = stats.t_quantile(1.0 - alpha, df)
    worse = -result.delta if higher_is_better else result.delta
    p = stats.t_sf((worse - margin) / se, df) if se > 0 else float(worse <= margin)
    return Interval(
        test="welch_t",
        baseline=base_mean,
        canary=base_mean + result.delta,
        low=result.delta - t * se,
        high=result.delta + t * se,
        p_worse=p,
    )


def quantile(
    canary: Sequence[float], base: Sequence[float], q: float, alpha: float, margin: float, *, resamples: int, seed: int
) -> Interval:
    deltas = stats.independent_quantile_bootstrap(canary, base, q, resamples=resamples, seed=seed)
    base_q, canary_q = stats.percentile(base, q), stats.percentile(canary, q)
    observed = canary_q - base_q
    floor = _floor_se(base_q, min(len(canary), len(base)), alpha)
    z = stats.z_quantile(1.0 - alpha)
    p_boot = (sum(d <= margin for d in deltas) + 1) / (resamples + 1)
    p_floor = 1.0 - stats.normal_cdf((observed - margin) / floor) if floor > 0 else float(observed <= margin)
    return Interval(
        test="bootstrap_p95",
        baseline=base_q,
        canary=canary_q,
        low=min(stats.percentile(deltas, alpha), observed - z * floor),
        high=max(stats.percentile(deltas, 1.0 - alpha), observed + z * floor),
        p_worse=max(p_boot, p_floor),
    )
