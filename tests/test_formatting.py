import math

import pytest

from analysis.formatting import decimals_in, format_change, format_number, format_value
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


def test_format_change():
    assert format_change(45, 26) == "down 42.2%"
    assert format_change(100, 105) == "up 5.0%"
    assert format_change(10, 10) == "unchanged"
    assert format_number(1234567.891, 2) == "1,234,567.89"
