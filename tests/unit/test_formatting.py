"""The one formatter: half-up rounding, units, symbols and the source's decimals."""
import math
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.present.formatting import (comparator_figures, decimals_in, display_decimals, format_number,
                                         format_pair, format_statistic, format_value, ordinal)
from analysis.rounding import round_half_up


@pytest.mark.parametrize("value, decimals, expected", [
    (2.5, 0, 3.0), (3.5, 0, 4.0), (0.125, 2, 0.13), (2.675, 2, 2.68), (-2.5, 0, -3.0), (79.45, 1, 79.5),
])
def test_round_half_up_rounds_halves_away_from_zero(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


def test_round_half_up_differs_from_python_round():
    # Python rounds half to even: round(2.5) == 2. Official statistics round it to 3.
    assert round(2.5) == 2
    assert round_half_up(2.5) == 3


def test_format_value_units_and_qualifiers():
    assert format_value(8583, "count") == "8,583"
    assert format_value(79.4, "percentage", 1) == "79.4%"
    assert format_value(86, "percentage", 0) == "86%"
    assert format_value(44000, "count", qualifier="about") == "about 44,000"
    assert format_value(33.45, "rate_per_10000") == "33.5 per 10,000 children"
    assert format_value(5, "percentage_change", 0) == "5% increase"
    assert format_value(-3.25, "percentage_change") == "3.3% decrease"


def test_missing_values_show_their_symbol_not_zero():
    assert format_value(math.nan, "count", symbol="c") == "c"
    assert format_value(None, "percentage") == "not available"


def test_decimals_in_keeps_the_source_precision():
    assert decimals_in("79.4") == 1
    assert decimals_in("86") == 0
    assert decimals_in("8,583") == 0


def test_format_number():
    assert format_number(1234567.891, 2) == "1,234,567.89"
    assert format_number(0.25, 1) == "0.3"  # Python's f"{0.25:.1f}" gives "0.2"
    assert format_number(2.5) == "3"


def test_a_published_statistic_never_shows_more_decimals_than_its_source():
    assert display_decimals("count", 2) == 0
    assert display_decimals("percentage", 0) == 0
    assert display_decimals("percentage", 3) == 1
    assert display_decimals("rate_per_10000") == 1
    assert format_statistic(2086, "count") == "2,086"
    assert format_statistic(18.25, "percentage", source_decimals=1) == "18.3%"  # half up
    assert format_statistic(21, "percentage", source_decimals=0) == "21%"  # DfE whole numbers stay whole
    assert format_statistic(591.34, "rate_per_10000", source_decimals=2) == "591.3 per 10,000 children"
    assert format_statistic(math.nan, "percentage", "c") == "c"
    assert format_statistic(math.nan, "percentage") == "not available"


def test_format_pair_writes_a_rates_unit_once():
    assert format_pair(46.1, 42.8, "rate_per_10000", 1) == ("46.1", "42.8 per 10,000 children")
    assert format_pair(18.6, 18.3, "percentage", 1) == ("18.6%", "18.3%")
    assert format_pair(8174, 8583, "count", 0) == ("8,174", "8,583")


def test_ordinal():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "112th"]


def test_comparator_figures_keep_the_areas_decimals_and_dfes_own_region():
    table = pd.DataFrame({
        "role": ["area", "neighbours", "region", "region", "england"],
        "value": [21.0, 18.25, 19.04, 20.0, math.nan],
        "symbol": ["", "", "", "", "x"],
    })
    figures = comparator_figures(SimpleNamespace(table=table, unit="percentage", decimals=0))
    assert figures == {"area": "21%", "neighbours": "18%", "region": "19%", "england": "x"}
    assert comparator_figures(SimpleNamespace(table=table, unit="percentage", decimals=1))["neighbours"] == "18.3%"


@pytest.mark.parametrize("text, unit, decimals, shown", [
    ("8,912.0", "count", 0, "8,912"),
    ("83.33333333333334", "percentage", 1, "83.3%"),
    ("79.4", "percentage", 1, "79.4%"),
    ("86", "percentage", 0, "86%"),
    ("591.25", "rate_per_10000", 1, "591.3 per 10,000 children"),
])
def test_a_typed_figure_is_never_shown_finer_than_its_unit_is_published(text, unit, decimals, shown):
    from analysis.present.formatting import typed_decimals

    assert typed_decimals(text, unit) == decimals
    assert format_value(float(text.replace(",", "")), unit, typed_decimals(text, unit)) == shown
