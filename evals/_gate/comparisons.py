"""Per-metric paired comparisons: the interval, the p-value against the margin, and the detectable drop.

Every function works in units oriented so that positive is better, and returns a ``Comparison``:

- ``low`` / ``high``: one-sided (1 - alpha) bounds of the difference (together a 1 - 2 alpha interval);
- ``p_value``: one-sided p-value of H0 "the candidate is worse by at most the margin" (difference >= -margin),
  computed from the same interval, so ``p_value < alpha`` exactly when ``high < -margin``;
- ``detectable``: the smallest true drop the suite detects with the requested power at one-sided alpha.

An interval is never narrower than what ``n`` items can rule out: when a sample shows (almost) no
variation, its spread is taken to be at least that of a per-item difference rate the sample cannot
rule out (the rule of three), so two identical items do not make a certain pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evals._gate import stats


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    test: str
    n: int
    delta: float  # mean (or statistic) difference, positive is better
    low: float  # one-sided (1 - alpha) lower bound of delta
    high: float  # one-sided (1 - alpha) upper bound of delta
    p_value: float  # one-sided p-value of H0 "delta >= -margin"
    detectable: float  # minimum detectable drop at the requested power


def _unseen_rate(n: int, alpha: float) -> float:
    """The largest per-item difference rate that n items showing none cannot rule out (rule of three)."""
    return stats.clopper_pearson_upper(0, n, alpha)


def _floor_se(scale: float, n: int, alpha: float) -> float:
    """The smallest standard error of a mean difference over n items that the gate will assume."""
    return abs(scale) * math.sqrt(_unseen_rate(n, alpha) / n)


def tango(base: Sequence[bool], cand: Sequence[bool], alpha: float, power: float, margin: float) -> Comparison:
    """Paired pass/fail items: Tango's score interval and the p-value against the margin that inverts it."""
    worse = sum(b and not c for b, c in zip(base, cand, strict=True))
    better = sum(c and not b for b, c in zip(base, cand, strict=True))
    n = len(base)
    low, high = stats.tango_interval(better, worse, n, alpha)
    discordance = stats.clopper_pearson_upper(worse + better, n, alpha)
    detectable = (stats.z_quantile(1 - alpha) + stats.z_quantile(power)) * math.sqrt(discordance / n)
    return Comparison(
        test="tango_score",
        n=n,
        delta=(better - worse) / n,
        low=low,
        high=high,
        p_value=stats.tango_p_below(better, worse, n, -margin),
        detectable=detectable,
    )


def paired_t(diffs: Sequence[float], alpha: float, power: float, scale: float, margin: float) -> Comparison:
    """Paired t; ``scale`` is the metric's unit for the spread floor (1 for scores, the baseline mean otherwise)."""
    n = len(diffs)
    result = stats.paired_t(diffs)
    df = max(n - 1, 1)
    se = max(result.se, _floor_se(scale, n, alpha))
    t_alpha = stats.t_quantile(1 - alpha, df)
    detectable = (t_alpha + stats.t_quantile(power, df)) * se
    # P(T <= t) under H0 at the margin; se is 0 only when the metric is zero throughout (a zero scale)
    p_value = stats.t_sf(-(result.mean + margin) / se, df) if se > 0 else float(result.mean >= -margin)
    return Comparison(
        test="paired_t",
        n=n,
        delta=result.mean,
        low=result.mean - t_alpha * se,
        high=result.mean + t_alpha * se,
        p_value=p_value,
        detectable=detectable,
    )


def bootstrap(
    base: Sequence[float],
    cand: Sequence[float],
    statistic: Callable[[list[float]], float],
    sign: float,
    *,
    alpha: float,
    power: float,
    scale: float,
    margin: float,
    resamples: int,
    seed: int,
) -> Comparison:
    """Paired bootstrap of ``sign * (statistic(cand) - statistic(base))`` over items (percentile interval)."""
    n = len(base)
    deltas = [sign * d for d in stats.paired_bootstrap(base, cand, statistic, resamples=resamples, seed=seed)]
    observed = sign * (statistic(list(cand)) - statistic(list(base)))
    mean = sum(deltas) / resamples
    spread = math.sqrt(sum((d - mean) ** 2 for d in deltas) / (resamples - 1))
    floor = _floor_se(scale, n, alpha)
    z = stats.z_quantile(1 - alpha)
    low = min(stats.percentile(deltas, alpha), observed - z * floor)
    high = max(stats.percentile(deltas, 1 - alpha), observed + z * floor)
    p_boot = sum(d >= -margin for d in deltas) / resamples  # the share of the resamples within the margin
    p_floor = stats.normal_cdf((observed + margin) / floor) if floor > 0 else float(observed >= -margin)
    detectable = (z + stats.z_quantile(power)) * max(spread, floor)
    return Comparison(
        test="paired_bootstrap",
        n=n,
        delta=observed,
        low=low,
        high=high,
        p_value=max(p_boot, p_floor),
        detectable=detectable,
    )
