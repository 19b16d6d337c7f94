"""How numbers are written in the book: the one formatter.

Thousands separators, half-up rounding, units, and never more decimals than the
source published.
"""
from __future__ import annotations

import math

from analysis.rounding import round_half_up

# Units in the indicator catalogues and the decimals each is shown with by default.
DEFAULT_DECIMALS = {
    "count": 0,
    "percentage": 1,
    "percentage_change": 1,
    "rate_per_10000": 1,
    "ratio": 1,
}


def decimals_in(text: str) -> int:
    """Number of decimal places a figure was given with: '79.4' -> 1, '86' -> 0."""
    text = str(text).strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def typed_decimals(text: str, unit: str) -> int:
    """Decimals to show a typed figure with: as typed, but never finer than its unit is
    published ('8,912.0' referrals -> 0; '83.33333333333334' per cent, pasted from a formula -> 1)."""
    return min(decimals_in(text), DEFAULT_DECIMALS.get(unit, 1))


def display_decimals(unit: str, source_decimals: int | None = None) -> int:
    """Decimals to show for a published statistic: none for a count; otherwise one, or
    fewer when the source publishes fewer (DfE's whole-number percentages)."""
    if unit == "count":
        return 0
    return 1 if source_decimals is None else min(1, int(source_decimals))


def format_number(value: float, decimals: int = 0) -> str:
    """1234.5 -> '1,234.5' with half-up rounding."""
    rounded = round_half_up(value, decimals)
    return f"{rounded:,.{decimals}f}"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(
    value: float | None,
    unit: str,
    decimals: int | None = None,
    qualifier: str = "",
    symbol: str = "",
) -> str:
    """Write a value with its unit, e.g. '8,583', '79.4%', 'about 44,000', '32.1 per 10,000 children'.

    ``decimals`` is how many decimal places to show (the unit's default when None). A
    value with a DfE symbol, or a missing value, is shown as the symbol (for example
    'c') or 'not available'.
    """
    if symbol or is_missing(value):
        return symbol if symbol else "not available"
    if decimals is None:
        decimals = DEFAULT_DECIMALS.get(unit, 1)
    number = format_number(abs(value) if unit == "percentage_change" else value, decimals)
    if unit == "percentage":
        text = f"{number}%"
    elif unit == "percentage_change":
        direction = "increase" if value > 0 else "decrease"
        text = f"{number}% {direction}" if value != 0 else "no change"
    elif unit == "rate_per_10000":
        text = f"{number} per 10,000 children"
    else:
        text = number
    return f"{qualifier} {text}" if qualifier else text


def format_statistic(value: float | None, unit: str, symbol: str = "", source_decimals: int | None = None) -> str:
    """A published statistic as the book shows it: '2,086', '18.3%', '591.3 per 10,000
    children', or its DfE symbol; never more decimals than the source published."""
    if symbol or is_missing(value):
        return format_value(None, unit, symbol=symbol)
    return format_value(float(value), unit, display_decimals(unit, source_decimals))


def format_pair(first: float, second: float, unit: str, decimals: int | None = None) -> tuple[str, str]:
    """Two figures of one measure for 'from ... to ...': a rate's unit is written once, after
    the second ('46.1', '42.8 per 10,000 children'); other units on both ('18.6%', '18.3%')."""
    first_unit = "ratio" if unit == "rate_per_10000" else unit
    return format_value(first, first_unit, decimals), format_value(second, unit, decimals)


def comparator_figures(benchmark) -> dict[str, str]:
    """Each comparator's figure as the book shows it, by role: area, neighbours, region, england.

    ``benchmark`` is a :class:`analysis.stats.compare.Benchmark` (or anything with its table,
    unit and decimals). Every figure keeps the area's published decimals; the first region
    listed is DfE's own for the area (e.g. Inner London).
    """
    first_of_each = benchmark.table.drop_duplicates("role")
    return {row.role: format_statistic(row.value, benchmark.unit, row.symbol, benchmark.decimals)
            for row in first_of_each.itertuples()}


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
