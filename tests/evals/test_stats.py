"""The runtime statistics agree with scipy (a dev-only dependency) and with hand computation."""

from __future__ import annotations

import math

import pytest
from scipy import special, stats

from evals import _stats, _tests


@pytest.mark.parametrize(("a", "b", "x"), [(0.5, 0.5, 0.2), (2.5, 0.5, 0.3), (10, 3, 0.9), (50, 50, 0.45), (1, 1, 0.7)])
def test_incomplete_beta_matches_scipy(a: float, b: float, x: float) -> None:
    assert _stats.betainc(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-10)


@pytest.mark.parametrize(("t", "df"), [(1.7, 7), (-2.1, 3), (0.0, 12), (4.5, 40), (2.0, 1)])
def test_t_tail_and_quantile_match_scipy(t: float, df: int) -> None:
    assert _stats.t_sf(t, df) == pytest.approx(stats.t.sf(t, df), rel=1e-9)
    assert _stats.t_quantile(0.95, df) == pytest.approx(stats.t.ppf(0.95, df), rel=1e-8)


@pytest.mark.parametrize(("p", "df"), [(0.9999, 1), (0.0001, 1), (0.999999, 2), (0.5, 4)])
def test_t_quantile_far_in_the_tails_matches_scipy(p: float, df: int) -> None:
    assert _stats.t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-8, abs=1e-6)


def test_exact_mcnemar_by_hand_and_scipy() -> None:
    # 3 items got worse, 0 better: P(X >= 3 | Bin(3, 1/2)) = 1/8
    assert _stats.mcnemar_exact(3, 0) == 0.125
    assert _stats.mcnemar_exact(9, 2) == pytest.approx(stats.binomtest(9, 11, 0.5, alternative="greater").pvalue)
    assert _stats.mcnemar_exact(0, 0) == 1.0
    big = stats.binomtest(3000, 5900, 0.5, alternative="greater").pvalue  # a large suite's discordant items
    assert _stats.mcnemar_exact(3000, 2900) == pytest.approx(big, rel=1e-12)


def test_paired_t_matches_scipy() -> None:
    base = [0.9, 0.8, 0.75, 0.6, 0.95, 0.7, 0.85, 0.8]
    cand = [0.85, 0.7, 0.8, 0.5, 0.9, 0.6, 0.8, 0.82]
    diffs = [c - b for b, c in zip(base, cand, strict=True)]
    ours = _stats.paired_t(diffs)
    theirs = stats.ttest_rel(cand, base, alternative="less")
    assert ours.p_worse == pytest.approx(theirs.pvalue, rel=1e-9)


def test_paired_t_keeps_precision_far_in_the_lower_tail() -> None:
    diffs = [-1.0 + 0.01 * (i % 3) for i in range(30)]  # a large, consistent drop: t far below zero
    result = _stats.paired_t(diffs)
    expected = stats.t.cdf(result.mean / result.se, result.df)
    assert expected < 1e-30 and result.p_worse == pytest.approx(expected, rel=1e-9)


def test_wilson_and_clopper_pearson_match_references() -> None:
    low, high = _stats.wilson(7, 20, 0.025)
    ref = stats.binomtest(7, 20).proportion_ci(0.95, method="wilson")
    assert (low, high) == pytest.approx((ref.low, ref.high), rel=1e-9)
    assert _stats.clopper_pearson_upper(3, 40, 0.05) == pytest.approx(stats.beta.ppf(0.95, 4, 37), rel=1e-8)
    assert _stats.clopper_pearson_upper(0, 30, 0.05) == pytest.approx(1 - 0.05 ** (1 / 30))


def test_newcombe_paired_interval_by_hand() -> None:
    # a=12 both pass, b=5 only candidate, c=1 only baseline, d=2 neither (n=20), 95% two-sided:
    # Wilson 17/20 = (0.6396, 0.9476), 13/20 = (0.4329, 0.8188), phi = 19 / sqrt(17*3*13*7) = 0.2789,
    # L = 0.2 - sqrt(.2104^2 - 2*.2789*.2104*.1688 + .1688^2) = -0.0301, U = 0.2 + 0.2118 = 0.4118
    low, high = _stats.newcombe_paired(12, 5, 1, 2, 0.025)
    assert (round(low, 4), round(high, 4)) == (-0.0301, 0.4118)


def test_holm_by_hand() -> None:
    assert _stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert _stats.holm([0.5]) == [0.5]


def test_cohen_kappa_matches_the_textbook_value() -> None:
    # 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> po 0.7, pe 0.5, kappa 0.4
    first = ["y"] * 25 + ["n"] * 25
    second = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert _stats.cohen_kappa(first, second) == pytest.approx(0.4)


def test_bootstrap_is_seeded_and_centred() -> None:
    base = [float(i % 7) for i in range(60)]
    cand = [b + 1.0 for b in base]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    first = _stats.paired_bootstrap(base, cand, mean, resamples=300, seed=3)
    assert first == _stats.paired_bootstrap(base, cand, mean, resamples=300, seed=3)
    assert all(math.isclose(d, 1.0) for d in first)


def test_detectable_effect_shrinks_with_n_and_never_reaches_zero() -> None:
    small = _tests.newcombe([True] * 10, [True] * 10, 0.05, 0.8, 0.05)
    large = _tests.newcombe([True] * 400, [True] * 400, 0.05, 0.8, 0.05)
    assert small.detectable > 0.3 > large.detectable > 0.0


@pytest.mark.parametrize(
    ("both", "better", "worse", "neither"), [(400, 12, 38, 50), (10, 0, 6, 4), (90, 5, 5, 0), (0, 0, 0, 20)]
)
def test_the_margin_p_value_inverts_newcombes_interval(both: int, better: int, worse: int, neither: int) -> None:
    for theta in (-0.2, -0.05, -0.029, 0.0):
        p = _stats.newcombe_p_below(both, better, worse, neither, theta)
        for alpha in (0.01, 0.05, 0.1):
            high = _stats.newcombe_paired(both, better, worse, neither, alpha)[1]
            if abs(high - theta) > 1e-9:
                assert (p < alpha) == (high < theta), (theta, alpha, p, high)


def test_paired_t_against_the_margin_matches_scipy() -> None:
    """Where the sample's own spread exceeds the floor, the interval and p-value are plain paired t."""
    diffs = [-0.35 + 0.1 * (i % 7) for i in range(200)]  # spread well above the floor 200 items set
    ours = _tests.paired_t(diffs, 0.05, 0.8, 1.0, 0.05)
    theirs = stats.ttest_1samp(diffs, -0.05, alternative="less")
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9)
    low, high = stats.t.interval(0.90, 199, loc=ours.delta, scale=stats.sem(diffs))
    assert (ours.low, ours.high) == pytest.approx((low, high), rel=1e-9)
