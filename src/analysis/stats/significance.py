"""Rates, confidence intervals and tests for change, as used in official statistics.

Every function states its formula and where it comes from. Intervals are returned as
:class:`Interval` (lower, upper); tests for change as :class:`ChangeTest`. Year-on-year
comparisons always put the earlier year first and report the later year relative to it
(rate ratio = later / earlier; difference = later - earlier).

References
----------
* Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
  inference. Journal of the American Statistical Association 22, 209-212.
* Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28,
  437-442.
* Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
  comparison of seven methods. Statistics in Medicine 17, 857-872; and Interval
  estimation for the difference between independent proportions: comparison of eleven
  methods. Statistics in Medicine 17, 873-890.
* Public Health England (2018, now OHID). Technical guide: confidence intervals
  (Fingertips); and ONS, "Uncertainty and how we measure it for our surveys".
* Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing samples
  from Poisson series. Biometrika 31, 313-323 (the conditional binomial test for two
  Poisson counts, as in R's ``poisson.test``).
* Fisher, R. A. (1935). The logic of inductive inference. JRSS 98, 39-82 (exact test).
* Wedderburn, R. W. M. (1974). Quasi-likelihood functions, generalized linear models, and
  the Gauss-Newton method. Biometrika 61, 439-447; McCullagh, P. and Nelder, J. A. (1989).
  Generalized Linear Models, 2nd edition, section 9.2 (over-dispersion: the variance
  multiplied by a dispersion estimated as the Pearson chi-square over its degrees of freedom).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


def _scipy_stats():
    """scipy.stats, imported the first time a test needs it: the import takes half a second in
    every notebook's kernel, and many pages never test anything."""
    from scipy import stats

    return stats


class Interval(NamedTuple):
    """A confidence interval (lower, upper), in the same units as its estimate."""

    lower: float
    upper: float


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, such as 0.95; got {confidence!r}")
    return float(_scipy_stats().norm.ppf(1 - (1 - confidence) / 2))


def _check_count(name: str, value: float) -> None:
    if value is None or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number; got {value!r}")


def rate_per_10000(count, population):
    """Rate per 10,000: ``count / population * 10000``.

    DfE convention for children's social care: children aged 0 to 17 from the ONS
    mid-year estimate for the mid-year before the year end (mid-2024 for the year
    ending 31 March 2025). Works on numbers, NumPy arrays and pandas Series; a
    population of zero or less gives NaN (no rate), not infinity.
    """
    count_arr = np.asarray(count, dtype=float)
    population_arr = np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(population_arr > 0, count_arr / population_arr * 10000, np.nan)
    if hasattr(count, "index") and not np.isscalar(count):
        import pandas as pd

        return pd.Series(rate, index=count.index)
    return float(rate) if np.ndim(rate) == 0 else rate


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a proportion (Wilson 1927), as a proportion between 0 and 1.

    With p = successes / n and z the standard normal quantile for the confidence level::

        centre    = (p + z^2 / (2n)) / (1 + z^2 / n)
        half-width = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))

    This is the interval recommended for proportions in the PHE/OHID technical guide on
    confidence intervals and by Newcombe (1998, method 3). It stays within [0, 1] and
    behaves well for 0 or n successes. Multiply by 100 for a percentage.
    """
    _check_count("successes", successes)
    _check_count("n", n)
    if n == 0:
        raise ValueError("n must be greater than zero for a proportion")
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(lower, upper)


def garwood_interval(count: float, confidence: float = 0.95, population: float | None = None,
                     per: float = 10000) -> Interval:
    """Exact (Garwood 1936) confidence interval for a Poisson count, or for a rate.

    With x the observed count and alpha = 1 - confidence, using the chi-square
    distribution::

        lower = chi2.ppf(alpha / 2, 2x) / 2          (0 when x = 0)
        upper = chi2.ppf(1 - alpha / 2, 2x + 2) / 2

    These are the exact limits given in the PHE/OHID technical guide on confidence
    intervals (which also gives Byar's approximation to them). When ``population`` is
    given the limits are for the rate ``count / population * per`` (per 10,000 by
    default), treating the population as fixed.
    """
    _check_count("count", count)
    alpha = 1 - confidence
    _z(confidence)  # validates the confidence level
    lower = 0.0 if count == 0 else float(_scipy_stats().chi2.ppf(alpha / 2, 2 * count) / 2)
    upper = float(_scipy_stats().chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    if population is not None:
        if not population > 0:
            raise ValueError(f"population must be greater than zero; got {population!r}")
        return Interval(lower / population * per, upper / population * per)
    return Interval(lower, upper)


@dataclass(frozen=True)
class ChangeTest:
    """A test for change between two periods.

    ``estimate`` is the later period relative to the earlier: a rate ratio (later /
    earlier) for counts and rates, a difference in proportions (later - earlier) for
    proportions; ``lower`` and ``upper`` are its confidence interval; ``p_value`` is
    two-sided.
    """

    method: str
    measure: str
    estimate: float
    lower: float
    upper: float
    p_value: float
    confidence: float = 0.95

    @property
    def significant(self) -> bool:
        """True when the p-value is below 1 - confidence (0.05 for 95%)."""
        return bool(self.p_value < 1 - self.confidence)

    @property
    def interval(self) -> Interval:
        return Interval(self.lower, self.upper)


def compare_counts(count1: float, count2: float, population1: float | None = None,
                   population2: float | None = None, confidence: float = 0.95) -> ChangeTest:
    """Exact conditional test for a change between two Poisson counts (or rates).

    Given the total n = x1 + x2, under "no change in the underlying rate" the later
    count x2 is binomial with n trials and probability pi0 = t2 / (t1 + t2), where t1
    and t2 are the populations (exposures; equal when not given). The two-sided
    p-value is the exact binomial test of x2 against pi0 (Przyborowski and Wilenski
    1940; identical to R's ``poisson.test(c(x2, x1), c(t2, t1))``). The rate ratio
    (x2 / t2) / (x1 / t1) has the confidence interval obtained from the Clopper-Pearson
    interval (pL, pU) for pi as ``p / (1 - p) * t1 / t2``.
    """
    for name, value in (("count1", count1), ("count2", count2)):
        _check_count(name, value)
        if float(value) != int(value):
            raise ValueError(f"{name} must be a whole number for a Poisson test; got {value!r}")
    t1 = 1.0 if population1 is None else float(population1)
    t2 = 1.0 if population2 is None else float(population2)
    if (population1 is None) != (population2 is None):
        raise ValueError("give both populations or neither")
    if not (t1 > 0 and t2 > 0):
        raise ValueError("populations must be greater than zero")
    x1, x2 = int(count1), int(count2)
    n = x1 + x2
    method = "exact conditional binomial test for two Poisson counts" + (" with populations" if population1 else "")
    if n == 0:
        return ChangeTest(method, "rate ratio", float("nan"), 0.0, float("inf"), 1.0, confidence)
    pi0 = t2 / (t1 + t2)
    result = _scipy_stats().binomtest(x2, n, pi0)
    ci = result.proportion_ci(confidence_level=confidence, method="exact")

    def ratio(p: float) -> float:
        return float("inf") if p >= 1 else p / (1 - p) * t1 / t2

    estimate = float("inf") if x1 == 0 else (x2 / t2) / (x1 / t1)
    return ChangeTest(method, "rate ratio", estimate, ratio(ci.low), ratio(ci.high), float(result.pvalue),
                      confidence)


def newcombe_difference_interval(successes1: float, n1: float, successes2: float, n2: float,
                                 confidence: float = 0.95) -> Interval:
    """Newcombe's hybrid score interval for p2 - p1 (Newcombe 1998, method 10).

    With (l1, u1) and (l2, u2) the Wilson intervals of p1 and p2 and d = p2 - p1::

        lower = d - sqrt((p2 - l2)^2 + (u1 - p1)^2)
        upper = d + sqrt((u2 - p2)^2 + (p1 - l1)^2)
    """
    l1, u1 = wilson_interval(successes1, n1, confidence)
    l2, u2 = wilson_interval(successes2, n2, confidence)
    p1, p2 = successes1 / n1, successes2 / n2
    d = p2 - p1
    return Interval(d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2))


def _check_proportions(successes1: float, n1: float, successes2: float, n2: float) -> None:
    """Two proportions' numbers must be counts, with each numerator at most its denominator."""
    for name, value in (("successes1", successes1), ("n1", n1), ("successes2", successes2), ("n2", n2)):
        _check_count(name, value)
    if n1 == 0 or n2 == 0:
        raise ValueError("both denominators must be greater than zero")
    if successes1 > n1 or successes2 > n2:
        raise ValueError("successes cannot exceed the denominator")


def compare_proportions(successes1: float, n1: float, successes2: float, n2: float,
                        confidence: float = 0.95, method: str = "auto") -> ChangeTest:
    """Test for a change between two independent proportions (earlier 1, later 2).

    * ``"z"``: two-proportion z-test with the pooled proportion
      p = (x1 + x2) / (n1 + n2):  z = (p2 - p1) / sqrt(p (1 - p) (1/n1 + 1/n2)),
      two-sided p-value 2 (1 - Phi(|z|)) (equivalent to the chi-square test without
      continuity correction);
    * ``"fisher"``: Fisher's exact test of the 2x2 table (Fisher 1935), two-sided;
    * ``"auto"`` (default): Fisher when any expected cell count is below 5 (Cochran's
      rule), otherwise the z-test.

    The estimate is the difference p2 - p1 with Newcombe's hybrid score interval.
    """
    _check_proportions(successes1, n1, successes2, n2)
    pooled = (successes1 + successes2) / (n1 + n2)
    expected = [n * p for n in (n1, n2) for p in (pooled, 1 - pooled)]
    if method == "auto":
        method = "fisher" if min(expected) < 5 else "z"
    p1, p2 = successes1 / n1, successes2 / n2
    if method == "z":
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        p_value = 1.0 if se == 0 else float(2 * _scipy_stats().norm.sf(abs(p2 - p1) / se))
        name = "two-proportion z-test"
    elif method == "fisher":
        table = [[int(successes2), int(n2 - successes2)], [int(successes1), int(n1 - successes1)]]
        p_value = float(_scipy_stats().fisher_exact(table).pvalue)
        name = "Fisher's exact test"
    else:
        raise ValueError(f"method must be 'auto', 'z' or 'fisher'; got {method!r}")
    lower, upper = newcombe_difference_interval(successes1, n1, successes2, n2, confidence)
    return ChangeTest(name, "difference in proportions", p2 - p1, lower, upper, min(1.0, p_value), confidence)


# --------------------------------------------------------------------------------------
# Over-dispersed (quasi-Poisson, quasi-binomial) tests
# --------------------------------------------------------------------------------------
def _check_dispersion(dispersion: float) -> float:
    if dispersion is None or not np.isfinite(dispersion) or dispersion < 1:
        raise ValueError(f"dispersion must be a number of at least 1; got {dispersion!r}")
    return float(dispersion)


def compare_counts_overdispersed(count1: float, count2: float, dispersion: float,
                                 population1: float | None = None, population2: float | None = None,
                                 confidence: float = 0.95) -> ChangeTest:
    """Quasi-Poisson test for a change between two counts (or rates) that vary ``dispersion``
    times as much as Poisson counts (McCullagh and Nelder 1989, section 9.2; Wedderburn 1974).

    The score test of :func:`compare_counts` in its normal form, with the variance
    multiplied by the dispersion phi. Given n = x1 + x2 and p0 = t2 / (t1 + t2)::

        z = (x2 - n p0) / sqrt(phi n p0 (1 - p0)),   p = 2 (1 - Phi(|z|))

    which is the plain test applied to the counts divided by phi. With phi = 1 it is the
    Pearson chi-square test of the two counts against expected counts in proportion to the
    populations. The rate ratio's interval is the Wilson interval of x2 / n with the counts
    divided by phi, turned into a ratio as in :func:`compare_counts`.
    """
    phi = _check_dispersion(dispersion)
    for name, value in (("count1", count1), ("count2", count2)):
        _check_count(name, value)
    if (population1 is None) != (population2 is None):
        raise ValueError("give both populations or neither")
    t1 = 1.0 if population1 is None else float(population1)
    t2 = 1.0 if population2 is None else float(population2)
    if not (t1 > 0 and t2 > 0):
        raise ValueError("populations must be greater than zero")
    x1, x2 = float(count1), float(count2)
    n = x1 + x2
    method = f"quasi-Poisson score test (variance x {phi:.2f}, the dispersion)" + (
        " with populations" if population1 is not None else "")
    if n == 0:
        return ChangeTest(method, "rate ratio", float("nan"), 0.0, float("inf"), 1.0, confidence)
    p0 = t2 / (t1 + t2)
    z = (x2 - n * p0) / math.sqrt(phi * n * p0 * (1 - p0))
    p_value = float(2 * _scipy_stats().norm.sf(abs(z)))
    low, high = wilson_interval(x2 / phi, n / phi, confidence)

    def ratio(p: float) -> float:
        return float("inf") if p >= 1 else p / (1 - p) * t1 / t2

    estimate = float("inf") if x1 == 0 else (x2 / t2) / (x1 / t1)
    return ChangeTest(method, "rate ratio", estimate, ratio(low), ratio(high), min(1.0, p_value), confidence)


def compare_proportions_overdispersed(successes1: float, n1: float, successes2: float, n2: float,
                                      dispersion: float, confidence: float = 0.95) -> ChangeTest:
    """Quasi-binomial test for a change between two proportions that vary ``dispersion``
    times as much as binomial proportions.

    The two-proportion z-test of :func:`compare_proportions` with the variance multiplied by
    the dispersion phi::

        z = (p2 - p1) / sqrt(phi p (1 - p) (1/n1 + 1/n2)),   p the pooled proportion

    the same as the z-test on the numbers divided by phi; with phi = 1 it is the z-test
    (the chi-square test without continuity correction). The difference's interval is
    Newcombe's with the numbers divided by phi.
    """
    phi = _check_dispersion(dispersion)
    _check_proportions(successes1, n1, successes2, n2)
    pooled = (successes1 + successes2) / (n1 + n2)
    p1, p2 = successes1 / n1, successes2 / n2
    se = math.sqrt(phi * pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = 1.0 if se == 0 else float(2 * _scipy_stats().norm.sf(abs(p2 - p1) / se))
    lower, upper = newcombe_difference_interval(successes1 / phi, n1 / phi, successes2 / phi, n2 / phi, confidence)
    return ChangeTest(f"quasi-binomial z-test (variance x {phi:.2f}, the dispersion)", "difference in proportions",
                      p2 - p1, lower, upper, min(1.0, p_value), confidence)
