"""Intervals for published rates and percentages, checked against scipy."""
import pytest
from scipy import stats as st

from analysis.stats.intervals import published_interval


def test_a_percentage_gets_the_wilson_interval_in_per_cent():
    lower, upper = published_interval("percentage", 1110, 5735)
    expected = st.binomtest(1110, 5735).proportion_ci(confidence_level=0.95, method="wilson")
    assert lower == pytest.approx(expected[0] * 100, abs=1e-9) and upper == pytest.approx(expected[1] * 100, abs=1e-9)


def test_a_rate_per_10000_gets_the_exact_poisson_interval_of_its_count():
    lower, upper = published_interval("rate_per_10000", 5735, 141959)
    assert lower == pytest.approx(st.chi2.ppf(0.025, 2 * 5735) / 2 / 141959 * 10000)
    assert upper == pytest.approx(st.chi2.ppf(0.975, 2 * 5736) / 2 / 141959 * 10000)
    assert lower < 5735 / 141959 * 10000 < upper


@pytest.mark.parametrize("unit, numerator, denominator", [
    ("count", 5735, None), ("ratio", 300, 100), ("percentage", None, 100), ("percentage", 5, float("nan")),
    ("rate_per_10000", 10, 0), ("percentage", 120, 100),
])
def test_no_interval_without_the_numbers_or_for_counts_and_ratios(unit, numerator, denominator):
    assert published_interval(unit, numerator, denominator) is None
