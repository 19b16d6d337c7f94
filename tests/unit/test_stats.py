"""Statistics against independently known values.

Each expected value names its source: a published worked example, the output R prints
for an example in its own documentation, a standard table, or a value computed here by
a different method than the one under test.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats as st

from analysis.stats import significance as stats


# ---------------------------------------------------------------- rate per 10,000
def test_rate_per_10000():
    # DfE children looked after, England, 31 March 2025: 81,770 children and the mid-2024
    # estimate of 12,183,016 children aged 0-17; DfE publishes 67 per 10,000 (whole numbers)
    # in cla_number_and_rate_per_10k_children.csv.
    assert round(stats.rate_per_10000(81770, 12183016)) == 67
    assert stats.rate_per_10000(1, 40000) == pytest.approx(0.25)
    assert math.isnan(stats.rate_per_10000(5, 0))
    series = stats.rate_per_10000(pd.Series([10, 20]), pd.Series([1000, 0]))
    assert series.iloc[0] == pytest.approx(100) and math.isnan(series.iloc[1])


# ---------------------------------------------------------------- Wilson
@pytest.mark.parametrize(
    "x, n, lower, upper",
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score):
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(x, n, lower, upper):
    interval = stats.wilson_interval(x, n)
    assert interval.lower == pytest.approx(lower, abs=5e-5)
    assert interval.upper == pytest.approx(upper, abs=5e-5)


def test_wilson_limits_solve_the_score_equation():
    # Independent method: the Wilson limits are the p where |p_hat - p| / sqrt(p(1-p)/n) = z;
    # solve that equation numerically with brentq.
    x, n, z = 37, 120, st.norm.ppf(0.975)
    p_hat = x / n

    def score(p):
        return abs(p_hat - p) / math.sqrt(p * (1 - p) / n) - z

    lower = optimize.brentq(score, 1e-9, p_hat)
    upper = optimize.brentq(score, p_hat, 1 - 1e-9)
    interval = stats.wilson_interval(x, n)
    assert interval.lower == pytest.approx(lower, abs=1e-9)
    assert interval.upper == pytest.approx(upper, abs=1e-9)


def test_wilson_rejects_impossible_input():
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 0)
    with pytest.raises(ValueError):
        stats.wilson_interval(6, 5)
    with pytest.raises(ValueError):
        stats.wilson_interval(1, 5, confidence=95)


# ---------------------------------------------------------------- Garwood
@pytest.mark.parametrize(
    "count, lower, upper",
    [
        # Standard exact Poisson limits (e.g. the table of 95% limits in the PHE technical
        # guide on confidence intervals, and Garwood 1936): 0 -> (0, 3.689), 1 -> (0.0253, 5.572),
        # 10 -> (4.795, 18.390).
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (10, 4.7954, 18.3904),
    ],
)
def test_garwood_matches_published_exact_limits(count, lower, upper):
    interval = stats.garwood_interval(count)
    assert interval.lower == pytest.approx(lower, abs=5e-4)
    assert interval.upper == pytest.approx(upper, abs=5e-4)


def test_garwood_for_a_rate_matches_r_poisson_test():
    # R documentation for poisson.test: poisson.test(137, 24.19893) prints
    # "95 percent confidence interval: 4.753125 6.692709".
    interval = stats.garwood_interval(137, population=24.19893, per=1)
    assert interval.lower == pytest.approx(4.753125, abs=1e-6)
    assert interval.upper == pytest.approx(6.692709, abs=1e-6)


def test_garwood_limits_solve_the_poisson_tail_equations():
    # Independent method: the exact limits are the means at which P(X >= x) and P(X <= x)
    # equal alpha / 2; solve with the Poisson cdf rather than the chi-square quantiles.
    x = 23
    lower = optimize.brentq(lambda m: st.poisson.sf(x - 1, m) - 0.025, 1e-6, x)
    upper = optimize.brentq(lambda m: st.poisson.cdf(x, m) - 0.025, x, 10 * x)
    interval = stats.garwood_interval(x)
    assert interval.lower == pytest.approx(lower, rel=1e-8)
    assert interval.upper == pytest.approx(upper, rel=1e-8)
    per_10000 = stats.garwood_interval(x, population=35276)
    assert per_10000.lower == pytest.approx(lower / 35276 * 10000, rel=1e-8)


# ---------------------------------------------------------------- counts: exact conditional test
def test_compare_counts_matches_r_poisson_test_two_sample_example():
    # R documentation for poisson.test, comparison of two rates:
    # poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) prints
    # p-value = 0.07967, 95 percent CI 0.8584264 4.2772659, rate ratio 1.971488.
    # Here the first (earlier) period is the 21 events in 3011, the later the 11 in 800.
    result = stats.compare_counts(21, 11, 1083 + 1050 + 878, 800)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert result.estimate == pytest.approx(1.971488, abs=1e-6)
    assert result.lower == pytest.approx(0.8584264, abs=1e-6)
    assert result.upper == pytest.approx(4.2772659, abs=1e-6)
    assert not result.significant


def test_compare_counts_equal_exposure_is_a_binomial_half_test():
    # Independent method: with equal populations, x2 | n ~ Binomial(n, 1/2); sum the
    # probabilities of outcomes no more likely than the observed one.
    x1, x2 = 40, 62
    n = x1 + x2
    pmf = st.binom.pmf(np.arange(n + 1), n, 0.5)
    expected = pmf[pmf <= pmf[x2] * (1 + 1e-7)].sum()
    result = stats.compare_counts(x1, x2)
    assert result.p_value == pytest.approx(expected, rel=1e-9)
    assert result.significant == (expected < 0.05)


def test_compare_counts_edge_cases():
    assert stats.compare_counts(0, 0).p_value == 1.0
    assert stats.compare_counts(0, 5).upper == math.inf
    with pytest.raises(ValueError):
        stats.compare_counts(1.5, 3)
    with pytest.raises(ValueError):
        stats.compare_counts(1, 3, population1=100)


# ---------------------------------------------------------------- proportions
@pytest.mark.parametrize(
    "earlier, later, lower, upper",
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score)
        # for p1 - p2 with p1 = 56/70 and p2 = 48/80: 0.0524 to 0.3339; 9/10 - 3/10: 0.1705 to 0.8090;
        # 6/7 - 2/7: 0.0582 to 0.8062; 5/56 - 0/29: -0.0381 to 0.1926.
        ((48, 80), (56, 70), 0.0524, 0.3339),
        ((3, 10), (9, 10), 0.1705, 0.8090),
        ((2, 7), (6, 7), 0.0582, 0.8062),
        ((0, 29), (5, 56), -0.0381, 0.1926),
    ],
)
def test_difference_interval_matches_newcombe_1998(earlier, later, lower, upper):
    result = stats.compare_proportions(*earlier, *later)
    assert result.lower == pytest.approx(lower, abs=5e-5)
    assert result.upper == pytest.approx(upper, abs=5e-5)
    assert result.estimate == pytest.approx(later[0] / later[1] - earlier[0] / earlier[1])


def test_z_test_equals_chi_square_without_continuity_correction():
    # Independent method: the two-sided two-proportion z-test equals Pearson's chi-square
    # test of the 2x2 table without Yates' correction.
    x1, n1, x2, n2 = 416, 2241, 381, 2086
    expected = st.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)[1]
    result = stats.compare_proportions(x1, n1, x2, n2)
    assert result.method == "two-proportion z-test"
    assert result.p_value == pytest.approx(expected, rel=1e-9)


def test_fisher_for_small_counts_matches_r_tea_tasting():
    # R documentation for fisher.test, "TeaTasting" (3, 1 / 1, 3): two-sided p-value 0.4857.
    result = stats.compare_proportions(1, 4, 3, 4)
    assert result.method == "Fisher's exact test"
    assert result.p_value == pytest.approx(0.4857, abs=5e-5)
    assert not result.significant


def test_proportions_reject_impossible_input():
    with pytest.raises(ValueError):
        stats.compare_proportions(5, 0, 1, 3)
    with pytest.raises(ValueError):
        stats.compare_proportions(5, 4, 1, 3)
    with pytest.raises(ValueError):
        stats.compare_proportions(1, 4, 3, 4, method="chi")


# ---------------------------------------------------------------- over-dispersed (quasi) tests
@pytest.mark.parametrize("dispersion", [1.0, 2.5, 18.4])
def test_quasi_poisson_test_is_the_chi_square_test_scaled_by_the_dispersion(dispersion):
    # 2,241 referrals of 36,040 children, then 2,086 of 35,276: scipy's chi-square goodness of fit
    # of the two counts against counts in proportion to the populations, divided by the dispersion
    x1, x2, t1, t2 = 2241, 2086, 36040, 35276
    n = x1 + x2
    chi_square = st.chisquare([x1, x2], [n * t1 / (t1 + t2), n * t2 / (t1 + t2)]).statistic
    result = stats.compare_counts_overdispersed(x1, x2, dispersion, t1, t2)
    assert result.p_value == pytest.approx(st.chi2.sf(chi_square / dispersion, 1))
    assert result.estimate == pytest.approx((x2 / t2) / (x1 / t1))
    assert result.lower < result.estimate < result.upper
    # the same as the plain normal test on the counts divided by the dispersion
    shrunk = stats.compare_counts_overdispersed(x1 / dispersion, x2 / dispersion, 1.0, t1, t2)
    assert result.p_value == pytest.approx(shrunk.p_value)
    assert (result.lower, result.upper) == pytest.approx((shrunk.lower, shrunk.upper))


def test_quasi_poisson_interval_widens_with_the_dispersion():
    plain = stats.compare_counts_overdispersed(100, 150, 1.0)
    wide = stats.compare_counts_overdispersed(100, 150, 9.0)
    assert plain.significant and not wide.significant
    # on the log scale the interval is about sqrt(9) = 3 times as wide
    ratio = math.log(wide.upper / wide.lower) / math.log(plain.upper / plain.lower)
    assert ratio == pytest.approx(3.0, rel=0.15)
    assert "quasi-Poisson" in wide.method


def test_quasi_poisson_matches_a_glm_with_a_fixed_scale_for_the_score_test():
    """The quasi-Poisson score test of 'no change' for two counts: with phi = 1 the score test
    of the Poisson GLM log(mu) = a + b x year is the Pearson chi-square of the two counts; a
    quasi-Poisson GLM divides it by the scale. Solved here by scipy's root finder for the
    restricted fit instead of the closed form."""
    x = np.array([100.0, 150.0])
    phi = 4.0
    a = optimize.brentq(lambda a: (x - np.exp(a)).sum(), 0, 10)  # restricted MLE: one mean
    mu = np.exp(a) * np.ones(2)
    score = ((x - mu) * np.array([0.0, 1.0])).sum()  # d loglik / d b at b = 0
    design = np.array([[1.0, 0.0], [1.0, 1.0]])
    info = design.T @ np.diag(mu) @ design * (1 / phi)
    statistic = (score / phi) ** 2 * np.linalg.inv(info)[1, 1]
    result = stats.compare_counts_overdispersed(100, 150, phi)
    assert result.p_value == pytest.approx(st.chi2.sf(statistic, 1))


@pytest.mark.parametrize("dispersion", [1.0, 3.0])
def test_quasi_binomial_test_is_the_chi_square_test_scaled_by_the_dispersion(dispersion):
    # 320 of 1,000, then 219 of 1,000: scipy's chi-square test of the 2x2 table without
    # continuity correction, divided by the dispersion
    chi_square = st.chi2_contingency([[320, 680], [219, 781]], correction=False)[0]
    result = stats.compare_proportions_overdispersed(320, 1000, 219, 1000, dispersion)
    assert result.p_value == pytest.approx(st.chi2.sf(chi_square / dispersion, 1))
    assert result.estimate == pytest.approx(-0.101)
    shrunk = stats.newcombe_difference_interval(320 / dispersion, 1000 / dispersion, 219 / dispersion,
                                                1000 / dispersion)
    assert (result.lower, result.upper) == pytest.approx(tuple(shrunk))
    if dispersion == 1.0:
        plain = stats.compare_proportions(320, 1000, 219, 1000, method="z")
        assert (result.p_value, result.lower, result.upper) == pytest.approx((plain.p_value, plain.lower, plain.upper))


def test_quasi_tests_reject_impossible_input():
    with pytest.raises(ValueError, match="dispersion"):
        stats.compare_counts_overdispersed(10, 12, 0.5)
    with pytest.raises(ValueError, match="dispersion"):
        stats.compare_proportions_overdispersed(1, 10, 2, 10, float("nan"))
    with pytest.raises(ValueError, match="both populations"):
        stats.compare_counts_overdispersed(10, 12, 2.0, population1=100)
    with pytest.raises(ValueError, match="exceed"):
        stats.compare_proportions_overdispersed(11, 10, 2, 10, 2.0)
    none = stats.compare_counts_overdispersed(0, 0, 2.0)
    assert none.p_value == 1.0 and not none.significant
