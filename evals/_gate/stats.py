"""The statistics the gate needs, in plain Python (no scipy at runtime).

Student's t through the regularised incomplete beta function, Tango's score interval for paired
pass rates, Clopper-Pearson bounds, a seeded paired bootstrap, Holm's step-down adjustment and
Cohen's kappa. Each function is small and checked against scipy in ``tests/evals``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()


def z_quantile(p: float) -> float:
    """The standard normal quantile."""
    return _NORMAL.inv_cdf(p)


def normal_cdf(x: float) -> float:
    return _NORMAL.cdf(x)


def betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (continued fraction, Lentz's method)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < eps:
            break
    return result


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1.0 - tail


def t_quantile(p: float, df: float) -> float:
    """The t quantile, by bisection on ``t_sf`` (monotone, so this always converges)."""
    hi = 1.0
    while t_sf(hi, df) > min(p, 1.0 - p):  # widen the bracket: with df = 1 a small alpha's quantile is in the 1000s
        hi *= 2.0
    lo = -hi
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if 1.0 - t_sf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def tango_z(better: int, worse: int, n: int, theta: float) -> float:
    """Tango's score statistic for the paired difference in pass rates, at ``theta`` (Tango 1998).

    ``better`` items pass only in the candidate and ``worse`` only in the baseline; the difference is
    ``(better - worse) / n``. The variance uses the restricted maximum-likelihood estimate of the
    discordant rate under ``difference = theta`` (a closed-form root), which keeps the test's level
    close to nominal at the margin where Wald or hybrid intervals run liberal.
    """
    a = 2.0 * n
    b = -better - worse + (2.0 * n - better + worse) * theta
    c = -worse * theta * (1.0 - theta)
    q = (-b + math.sqrt(max(b * b - 4.0 * a * c, 0.0))) / (2.0 * a)  # the worse-only rate under H0
    variance = n * (2.0 * q + theta - theta * theta)
    excess = better - worse - n * theta
    if variance <= 0.0:
        return 0.0 if excess == 0 else math.copysign(math.inf, excess)
    return excess / math.sqrt(variance)


def tango_interval(better: int, worse: int, n: int, alpha: float) -> tuple[float, float]:
    """One-sided (1 - alpha) bounds of the paired difference, inverting Tango's score test on each side."""
    z = z_quantile(1.0 - alpha)
    return _tango_root(better, worse, n, z), _tango_root(better, worse, n, -z)


def tango_p_below(better: int, worse: int, n: int, theta: float) -> float:
    """One-sided p-value of H0 "difference >= theta" against "below theta": ``p < alpha`` exactly when the
    (1 - alpha) upper bound of ``tango_interval`` lies below ``theta``."""
    return _NORMAL.cdf(tango_z(better, worse, n, theta))


def _tango_root(better: int, worse: int, n: int, z: float) -> float:
    """The theta in [-1, 1] where Tango's statistic (decreasing in theta) equals ``z``."""
    lo, hi = -1.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if tango_z(better, worse, n, mid) > z:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def clopper_pearson_upper(successes: int, n: int, alpha: float) -> float:
    """One-sided upper (1 - alpha) bound for a binomial proportion (exact)."""
    if successes >= n:
        return 1.0
    if successes == 0:
        return 1.0 - float(alpha ** (1.0 / n))
    lo, hi = successes / n, 1.0
    while hi - lo > 1e-13:  # P(X <= k | p) = 1 - I_p(k+1, n-k) is decreasing in p
        mid = (lo + hi) / 2.0
        if 1.0 - betainc(successes + 1, n - successes, mid) > alpha:
            lo = mid
        else:
            hi = mid
    return hi


@dataclass(frozen=True, slots=True)
class PairedT:
    mean: float
    se: float
    df: int
    p_worse: float  # one-sided p-value of H0 mean >= 0 against H1 mean < 0


def paired_t(diffs: Sequence[float]) -> PairedT:
    """Paired t on per-item differences (positive is better)."""
    n = len(diffs)
    mean = sum(diffs) / n
    var = sum((d - mean) ** 2 for d in diffs) / (n - 1) if n > 1 else 0.0
    se = math.sqrt(var / n)
    if se == 0.0:
        return PairedT(mean, 0.0, n - 1, 1.0 if mean >= 0 else 0.0)
    return PairedT(mean, se, n - 1, t_sf(-mean / se, n - 1))  # P(T <= t) by symmetry, exact far in the tail


def paired_bootstrap(
    base: Sequence[float],
    cand: Sequence[float],
    statistic: Callable[[list[float]], float],
    *,
    resamples: int,
    seed: int,
) -> list[float]:
    """Bootstrap distribution of statistic(cand) - statistic(base), resampling items in pairs."""
    rng = random.Random(seed)
    n = len(base)
    index = range(n)
    out = []
    for _ in range(resamples):
        picks = rng.choices(index, k=n)
        out.append(statistic([cand[i] for i in picks]) - statistic([base[i] for i in picks]))
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method), q in [0, 1]."""
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the input order.

    A p-value that is not a finite number in [0, 1] counts as 1 (no evidence), so the result never
    depends on the order the p-values come in.
    """
    clean = [p if math.isfinite(p) and 0.0 <= p <= 1.0 else 1.0 for p in pvalues]
    m = len(clean)
    order = sorted(range(m), key=lambda i: (clean[i], i))
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * clean[i]))
        adjusted[i] = running
    return adjusted


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa between two raters' labels on the same items; None when undefined.

    Kappa is undefined when chance agreement is certain (both raters used one and the same label
    throughout): agreement then says nothing about the raters.
    """
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    expected = sum((first.count(label) / n) * (second.count(label) / n) for label in labels)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1.0 - expected)


# --- two independent samples (the canary: its traffic against the baseline's) --------------------------


def wilson_interval(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson's score bounds for a binomial proportion at standard-normal quantile ``z`` (one side each)."""
    p = successes / n
    scale = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / scale
    half = z / scale * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(x1: int, n1: int, x0: int, n0: int, alpha: float) -> tuple[float, float]:
    """One-sided (1 - alpha) bounds of p1 - p0 for independent proportions: Newcombe's hybrid score
    interval (Newcombe 1998, method 10), built from each arm's Wilson interval."""
    return _newcombe(x1, n1, x0, n0, z_quantile(1.0 - alpha))


def _newcombe(x1: int, n1: int, x0: int, n0: int, z: float) -> tuple[float, float]:
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson_interval(x1, n1, z)
    l0, u0 = wilson_interval(x0, n0, z)
    d = p1 - p0
    return d - math.hypot(p1 - l1, u0 - p0), d + math.hypot(u1 - p1, p0 - l0)


def newcombe_p_above(x1: int, n1: int, x0: int, n0: int, theta: float) -> float:
    """One-sided p-value of H0 "p1 - p0 <= theta" against "above theta", by inverting Newcombe's lower bound:
    the alpha at which the bound reaches ``theta`` (so ``p < alpha`` exactly when the lower bound clears it).
    Where the observed difference is not above ``theta`` at all, the p-value is at least 0.5 and given as 0.5.
    """
    if _newcombe(x1, n1, x0, n0, 0.0)[0] <= theta:
        return 0.5
    lo, hi = 0.0, 40.0  # z: the lower bound falls as z grows
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if _newcombe(x1, n1, x0, n0, mid)[0] > theta:
            lo = mid
        else:
            hi = mid
    return 1.0 - normal_cdf((lo + hi) / 2.0)


@dataclass(frozen=True, slots=True)
class Welch:
    delta: float  # mean1 - mean0
    se: float
    df: float


def welch(first: Sequence[float], second: Sequence[float]) -> Welch:
    """Welch's unequal-variance comparison of two independent means: mean(first) - mean(second)."""
    n1, n0 = len(first), len(second)
    m1, m0 = sum(first) / n1, sum(second) / n0
    v1 = sum((x - m1) ** 2 for x in first) / (n1 - 1)
    v0 = sum((x - m0) ** 2 for x in second) / (n0 - 1)
    a, b = v1 / n1, v0 / n0
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n0 - 1)) if a + b > 0 else float(n1 + n0 - 2)
    return Welch(m1 - m0, se, df)


def bootstrap_quantile(ordered: Sequence[float], q: float, rng: random.Random) -> float:
    """The q-quantile (linear interpolation, as ``percentile``) of one bootstrap resample of ``ordered``.

    Exact and O(1): a resample is F_n^-1 of n uniforms, so its j-th order statistic is F_n^-1 of the j-th
    uniform order statistic, U_(j) ~ Beta(j, n - j + 1), and the next one lies a Beta(1, n - j) share of the
    way from it to 1. ``ordered`` must be sorted.
    """
    n = len(ordered)
    pos = q * (n - 1)
    k = math.floor(pos)  # 0-based: the order statistics k + 1 and k + 2 of the resample
    u = rng.betavariate(k + 1, n - k)
    low = ordered[_rank(u, n)]
    if pos == k or k + 1 >= n:
        return low
    u_next = u + (1.0 - u) * rng.betavariate(1, n - k - 1)
    high = ordered[_rank(u_next, n)]
    return low + (high - low) * (pos - k)


def _rank(u: float, n: int) -> int:
    """The 0-based index of F_n^-1(u) in a sorted sample of n."""
    return min(max(math.ceil(u * n), 1), n) - 1


def independent_quantile_bootstrap(
    first: Sequence[float], second: Sequence[float], q: float, *, resamples: int, seed: int
) -> list[float]:
    """Bootstrap distribution of quantile(first) - quantile(second), resampling each sample on its own."""
    rng = random.Random(seed)
    a, b = sorted(first), sorted(second)
    return [bootstrap_quantile(a, q, rng) - bootstrap_quantile(b, q, rng) for _ in range(resamples)]
