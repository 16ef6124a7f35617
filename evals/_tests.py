"""Per-metric paired comparisons: the test, the interval, the p-value and the detectable effect.

Every function takes per-item differences already oriented so that positive is better, and
returns a ``Comparison`` in those units. ``detectable`` is the smallest true drop the suite would
detect with the requested power at one-sided ``alpha``; it never falls to zero just because this
sample showed no variation (the planning spread is at least what ``n`` items cannot rule out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evals import _stats


@dataclass(frozen=True, slots=True)
class Comparison:
    test: str
    n: int
    delta: float  # mean (or statistic) difference, positive is better
    low: float  # one-sided (1 - alpha) lower bound of delta
    high: float  # one-sided (1 - alpha) upper bound of delta
    p_worse: float  # one-sided p-value of H0 "not worse" (delta >= 0)
    detectable: float  # minimum detectable drop at the requested power


def _unseen_rate(n: int, alpha: float) -> float:
    """The largest per-item difference rate that n items showing none cannot rule out (rule of three)."""
    return _stats.clopper_pearson_upper(0, n, alpha)


def mcnemar(base: Sequence[bool], cand: Sequence[bool], alpha: float, power: float) -> Comparison:
    """Exact McNemar on paired pass/fail items, Newcombe's interval, power from the discordance rate."""
    both = sum(b and c for b, c in zip(base, cand, strict=True))
    worse = sum(b and not c for b, c in zip(base, cand, strict=True))
    better = sum(c and not b for b, c in zip(base, cand, strict=True))
    neither = len(base) - both - worse - better
    n = len(base)
    low, high = _stats.newcombe_paired(both, better, worse, neither, alpha)
    discordance = _stats.clopper_pearson_upper(worse + better, n, alpha)
    detectable = (_stats.z_quantile(1 - alpha) + _stats.z_quantile(power)) * math.sqrt(discordance / n)
    return Comparison(
        "mcnemar_exact", n, (better - worse) / n, low, high, _stats.mcnemar_exact(worse, better), detectable
    )


def paired_t(diffs: Sequence[float], alpha: float, power: float, scale: float) -> Comparison:
    """Paired t; ``scale`` is the metric's unit for the planning floor (1 for scores, the baseline mean otherwise)."""
    n = len(diffs)
    result = _stats.paired_t(diffs)
    df = max(n - 1, 1)
    t_alpha = _stats.t_quantile(1 - alpha, df)
    spread = max(result.se * math.sqrt(n), abs(scale) * math.sqrt(_unseen_rate(n, alpha)))
    detectable = (t_alpha + _stats.t_quantile(power, df)) * spread / math.sqrt(n)
    half = t_alpha * result.se
    return Comparison("paired_t", n, result.mean, result.mean - half, result.mean + half, result.p_worse, detectable)


def bootstrap(
    base: Sequence[float],
    cand: Sequence[float],
    statistic: Callable[[list[float]], float],
    sign: float,
    alpha: float,
    power: float,
    scale: float,
    *,
    resamples: int,
    seed: int,
) -> Comparison:
    """Paired bootstrap of ``sign * (statistic(cand) - statistic(base))`` over items (percentile interval)."""
    n = len(base)
    deltas = [sign * d for d in _stats.paired_bootstrap(base, cand, statistic, resamples=resamples, seed=seed)]
    observed = sign * (statistic(list(cand)) - statistic(list(base)))
    low, high = _stats.percentile(deltas, alpha), _stats.percentile(deltas, 1 - alpha)
    p_worse = (1 + sum(d >= 0 for d in deltas)) / (resamples + 1)
    mean = sum(deltas) / resamples
    se = math.sqrt(sum((d - mean) ** 2 for d in deltas) / (resamples - 1))
    spread = max(se, abs(scale) * math.sqrt(_unseen_rate(n, alpha) / n))
    detectable = (_stats.z_quantile(1 - alpha) + _stats.z_quantile(power)) * spread
    return Comparison("paired_bootstrap", n, observed, low, high, p_worse, detectable)
