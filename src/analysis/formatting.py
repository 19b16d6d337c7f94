"""How numbers are written in the book: thousands separators, half-up rounding, units."""
from __future__ import annotations

import math

from analysis.rounding import round_half_up

# Units in the indicator catalogue and the decimals each is shown with by default.
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


def format_number(value: float, decimals: int = 0) -> str:
    """1234.5 -> '1,234.5' with half-up rounding."""
    rounded = round_half_up(value, decimals)
    return f"{rounded:,.{decimals}f}"


def format_value(
    value: float | None,
    unit: str,
    decimals: int | None = None,
    qualifier: str = "",
    symbol: str = "",
) -> str:
    """Write a value with its unit, e.g. '8,583', '79.4%', 'about 44,000', '32.1 per 10,000'.

    A missing value is shown as its DfE symbol (for example 'c') or 'not available'.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
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


def format_change(old: float, new: float, decimals: int = 1) -> str:
    """Plain-English percentage change: 'up 5.0%' / 'down 42.2%' / 'unchanged'."""
    if old == 0:
        return "not comparable (previous value was zero)"
    change = (new - old) / old * 100
    if round_half_up(change, decimals) == 0:
        return "unchanged"
    direction = "up" if change > 0 else "down"
    return f"{direction} {format_number(abs(change), decimals)}%"
