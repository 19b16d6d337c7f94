"""How the book words a change between two values: one home for every phrasing.

* :func:`percent_change`: 'up 5.0%', 'down 42.2%', 'unchanged';
* :func:`points_change`: for percentages, 'up 1.5 percentage points';
* :func:`describe_change`: between two editions, 'up 412 (4.8%)' or in points;
* :func:`trend_headline`: 'Referrals rose on the previous period'.
"""
from __future__ import annotations

from analysis.present.formatting import format_number
from analysis.rounding import round_half_up


def direction(difference: float, up: str = "up", down: str = "down", same: str = "unchanged") -> str:
    """The word for the sign of a difference."""
    return up if difference > 0 else down if difference < 0 else same


def percent_change(old: float, new: float, decimals: int = 1) -> str:
    """Plain-English percentage change: 'up 5.0%' / 'down 42.2%' / 'unchanged'."""
    if old == 0:
        return "not comparable (previous value was zero)"
    change = (new - old) / old * 100
    if round_half_up(change, decimals) == 0:
        return "unchanged"
    return f"{direction(change)} {format_number(abs(change), decimals)}%"


def points_change(old: float, new: float, decimals: int = 1) -> str:
    """A change in a percentage, in percentage points: 'up 1.5 percentage points'."""
    difference = new - old
    if round_half_up(abs(difference), decimals) == 0:
        return "unchanged"
    size = format_number(abs(difference), decimals)
    return f"{direction(difference)} {size} percentage point{'' if size == '1' else 's'}"


def describe_change(old_value: float, new_value: float, unit: str, decimals: int) -> str:
    """How an indicator moved between two editions, in words.

    Percentages (and percentage changes) move in percentage points; counts and rates by
    the difference and the percentage change ('up 412 (4.8%)').
    """
    if unit in ("percentage", "percentage_change"):
        return points_change(old_value, new_value, decimals)
    difference = new_value - old_value
    if round_half_up(abs(difference), decimals) == 0:
        return "unchanged"
    relative = percent_change(old_value, new_value)
    size = format_number(abs(difference), decimals)
    if relative.startswith(("up ", "down ")):
        return f"{direction(difference)} {size} ({relative.split(' ', 1)[1]})"
    return f"{direction(difference)} {size}"


def trend_headline(subject: str, earlier: float, latest: float, rose: str = "rose", fell: str = "fell") -> str:
    """'Referrals rose on the previous period' or 'fell', or 'were unchanged'."""
    verb = direction(latest - earlier, rose, fell, "were unchanged")
    return f"{subject} {verb} on the previous period"
