"""95% confidence intervals for an area's published rates and percentages, from the numerator
and denominator DfE publishes with them.

A percentage gets the Wilson score interval of its numerator over its denominator; a rate per
10,000 children the exact (Garwood) Poisson interval of its count over the population. Both are
the methods of the OHID technical guide on confidence intervals. They show the uncertainty from
random variation in the numbers counted; counts and ratios get none here.
"""
from __future__ import annotations

import math

from analysis.stats.significance import Interval, garwood_interval, wilson_interval

CONFIDENCE = 0.95
UNITS_WITH_INTERVALS = ("percentage", "rate_per_10000")


def published_interval(unit: str, numerator, denominator, confidence: float = CONFIDENCE) -> Interval | None:
    """The interval of a published rate or percentage in its own units (per cent, per 10,000);
    None for other units, or when the numerator or denominator is not published."""
    if unit not in UNITS_WITH_INTERVALS:
        return None
    try:
        numerator, denominator = float(numerator), float(denominator)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator <= 0 or numerator < 0:
        return None
    if unit == "percentage":
        if numerator > denominator:
            return None
        lower, upper = wilson_interval(numerator, denominator, confidence)
        return Interval(lower * 100, upper * 100)
    return garwood_interval(numerator, confidence, population=denominator)
