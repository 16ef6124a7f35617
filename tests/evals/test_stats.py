"""The runtime statistics agree with scipy (a dev-only dependency) and with hand computation."""

from __future__ import annotations

import math
import random

import pytest
from scipy import optimize, special, stats

from evals._gate import comparisons
from evals._gate import stats as gate_stats


@pytest.mark.parametrize(("a", "b", "x"), [(0.5, 0.5, 0.2), (2.5, 0.5, 0.3), (10, 3, 0.9), (50, 50, 0.45), (1, 1, 0.7)])
def test_incomplete_beta_matches_scipy(a: float, b: float, x: float) -> None:
    assert gate_stats.betainc(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-10)


@pytest.mark.parametrize(("t", "df"), [(1.7, 7), (-2.1, 3), (0.0, 12), (4.5, 40), (2.0, 1)])
def test_t_tail_and_quantile_match_scipy(t: float, df: int) -> None:
    assert gate_stats.t_sf(t, df) == pytest.approx(stats.t.sf(t, df), rel=1e-9)
    assert gate_stats.t_quantile(0.95, df) == pytest.approx(stats.t.ppf(0.95, df), rel=1e-8)


@pytest.mark.parametrize(("p", "df"), [(0.9999, 1), (0.0001, 1), (0.999999, 2), (0.5, 4)])
def test_t_quantile_far_in_the_tails_matches_scipy(p: float, df: int) -> None:
    assert gate_stats.t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-8, abs=1e-6)


def test_paired_t_matches_scipy() -> None:
    base = [0.9, 0.8, 0.75, 0.6, 0.95, 0.7, 0.85, 0.8]
    cand = [0.85, 0.7, 0.8, 0.5, 0.9, 0.6, 0.8, 0.82]
    diffs = [c - b for b, c in zip(base, cand, strict=True)]
    ours = gate_stats.paired_t(diffs)
    theirs = stats.ttest_rel(cand, base, alternative="less")
    assert ours.p_worse == pytest.approx(theirs.pvalue, rel=1e-9)


def test_paired_t_keeps_precision_far_in_the_lower_tail() -> None:
    diffs = [-1.0 + 0.01 * (i % 3) for i in range(30)]  # a large, consistent drop: t far below zero
    result = gate_stats.paired_t(diffs)
    expected = stats.t.cdf(result.mean / result.se, result.df)
    assert expected < 1e-30 and result.p_worse == pytest.approx(expected, rel=1e-9)


def test_clopper_pearson_matches_references() -> None:
    assert gate_stats.clopper_pearson_upper(3, 40, 0.05) == pytest.approx(stats.beta.ppf(0.95, 4, 37), rel=1e-8)
    assert gate_stats.clopper_pearson_upper(0, 30, 0.05) == pytest.approx(1 - 0.05 ** (1 / 30))


@pytest.mark.parametrize(
    ("better", "worse", "n", "theta"), [(12, 38, 500, -0.05), (0, 6, 20, -0.1), (5, 5, 90, 0.02), (30, 2, 60, 0.3)]
)
def test_tangos_restricted_estimate_maximises_the_likelihood(better: int, worse: int, n: int, theta: float) -> None:
    """The closed-form root against a numerical maximum of the multinomial likelihood under difference = theta."""

    def loglik(q: float) -> float:
        return worse * math.log(q) + better * math.log(q + theta) + (n - better - worse) * math.log(1 - 2 * q - theta)

    bounds = (max(0.0, -theta) + 1e-12, (1 - theta) / 2 - 1e-12)
    found = optimize.minimize_scalar(lambda q: -loglik(q), bounds=bounds, method="bounded", options={"xatol": 1e-12})
    expected = (better - worse - n * theta) / math.sqrt(n * (2 * found.x + theta - theta**2))
    assert gate_stats.tango_z(better, worse, n, theta) == pytest.approx(expected, rel=1e-6)


def test_tango_at_zero_is_mcnemars_score_and_zero_discordance_gives_the_rule_of_three() -> None:
    assert gate_stats.tango_z(9, 2, 50, 0.0) == pytest.approx(7 / math.sqrt(11))
    z = stats.norm.ppf(0.95)
    low, high = gate_stats.tango_interval(0, 0, 20, 0.05)  # 20 items, none differs: +-z^2/(n+z^2)
    assert (low, high) == pytest.approx((-(z**2) / (20 + z**2), z**2 / (20 + z**2)), abs=1e-9)


def test_holm_by_hand() -> None:
    assert gate_stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert gate_stats.holm([0.5]) == [0.5]


def test_cohen_kappa_matches_the_textbook_value() -> None:
    # 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> po 0.7, pe 0.5, kappa 0.4
    first = ["y"] * 25 + ["n"] * 25
    second = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert gate_stats.cohen_kappa(first, second) == pytest.approx(0.4)


def test_bootstrap_is_seeded_and_centred() -> None:
    base = [float(i % 7) for i in range(60)]
    cand = [b + 1.0 for b in base]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    first = gate_stats.paired_bootstrap(base, cand, mean, resamples=300, seed=3)
    assert first == gate_stats.paired_bootstrap(base, cand, mean, resamples=300, seed=3)
    assert all(math.isclose(d, 1.0) for d in first)


def test_detectable_effect_shrinks_with_n_and_never_reaches_zero() -> None:
    small = comparisons.tango([True] * 10, [True] * 10, 0.05, 0.8, 0.05)
    large = comparisons.tango([True] * 400, [True] * 400, 0.05, 0.8, 0.05)
    assert small.detectable > 0.3 > large.detectable > 0.0


@pytest.mark.parametrize(("better", "worse", "n"), [(12, 38, 500), (0, 6, 20), (5, 5, 90), (0, 0, 20), (20, 0, 20)])
def test_the_margin_p_value_inverts_tangos_interval(better: int, worse: int, n: int) -> None:
    for theta in (-0.2, -0.05, -0.029, 0.0):
        p = gate_stats.tango_p_below(better, worse, n, theta)
        for alpha in (0.01, 0.05, 0.1):
            high = gate_stats.tango_interval(better, worse, n, alpha)[1]
            if abs(high - theta) > 1e-9:
                assert (p < alpha) == (high < theta), (theta, alpha, p, high)


def test_paired_t_against_the_margin_matches_scipy() -> None:
    """Where the sample's own spread exceeds the floor, the interval and p-value are plain paired t."""
    diffs = [-0.35 + 0.1 * (i % 7) for i in range(200)]  # spread well above the floor 200 items set
    ours = comparisons.paired_t(diffs, 0.05, 0.8, 1.0, 0.05)
    theirs = stats.ttest_1samp(diffs, -0.05, alternative="less")
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9)
    low, high = stats.t.interval(0.90, 199, loc=ours.delta, scale=stats.sem(diffs))
    assert (ours.low, ours.high) == pytest.approx((low, high), rel=1e-9)


def test_newcombe_hybrid_score_interval_matches_the_published_example() -> None:
    # Newcombe (1998), Stat Med 17:873, table II example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339 (95%)
    low, high = gate_stats.newcombe_interval(56, 70, 48, 80, 0.025)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    wilson_low, wilson_high = gate_stats.wilson_interval(56, 70, gate_stats.z_quantile(0.975))
    reference = stats.binomtest(56, 70).proportion_ci(0.95, method="wilson")
    assert (wilson_low, wilson_high) == pytest.approx((reference.low, reference.high))


def test_newcombe_p_value_inverts_the_lower_bound() -> None:
    low, _ = gate_stats.newcombe_interval(80, 1000, 20, 1000, 0.05)
    assert gate_stats.newcombe_p_above(80, 1000, 20, 1000, low) == pytest.approx(0.05, abs=1e-6)
    assert gate_stats.newcombe_p_above(20, 1000, 20, 1000, 0.01) == 0.5  # not above at all


def test_welch_matches_scipy() -> None:
    rng = random.Random(3)
    a = [rng.gauss(1.0, 1.0) for _ in range(40)]
    b = [rng.gauss(0.5, 2.0) for _ in range(25)]
    result = gate_stats.welch(a, b)
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert result.delta / result.se == pytest.approx(reference.statistic)
    assert result.df == pytest.approx(reference.df)


def test_the_exact_order_statistic_draw_is_the_bootstrap_distribution_of_the_quantile() -> None:
    rng = random.Random(11)
    sample = sorted(rng.lognormvariate(0.0, 0.7) for _ in range(60))
    draws = 20_000
    exact = [gate_stats.bootstrap_quantile(sample, 0.95, rng) for _ in range(draws)]
    brute = [gate_stats.percentile(rng.choices(sample, k=len(sample)), 0.95) for _ in range(draws)]
    for q in (0.1, 0.5, 0.9):
        assert gate_stats.percentile(exact, q) == pytest.approx(gate_stats.percentile(brute, q), rel=0.03)
    assert sum(exact) / draws == pytest.approx(sum(brute) / draws, rel=0.01)
