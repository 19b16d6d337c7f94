"""The words the indicator catalogues use, and how the book writes each.

One home for the lists that the partnership catalogue, the national catalogue, the
comparisons and the pages all check against or display.
"""
from __future__ import annotations

UNITS = ("count", "percentage", "percentage_change", "rate_per_10000", "ratio")
UNIT_LABELS = {
    "count": "count", "percentage": "percentage (0 to 100)", "percentage_change": "percentage change",
    "rate_per_10000": "rate per 10,000 children", "ratio": "ratio",
}

PERIOD_TYPES = (
    "financial_year", "academic_year", "calendar_year", "snapshot_31_march", "reporting_year", "mid_year",
)
# No brackets: the pages write a label inside brackets after a period, '2024-25 (financial year, ...)'.
PERIOD_TYPE_LABELS = {
    "financial_year": "financial year, 1 April to 31 March",
    "academic_year": "academic year, September to August",
    "calendar_year": "calendar year, January to December",
    "snapshot_31_march": "snapshot on 31 March",
    "reporting_year": "DfE reporting year, ending 31 March",
    "mid_year": "ONS mid-year estimate, 30 June",
}

POLARITIES = ("up_good", "up_bad", "neutral")
POLARITY_LABELS = {"up_good": "higher is better", "up_bad": "lower is better",
                   "neutral": "neither higher nor lower is better"}

# Which way a figure moved between two periods, as the comparisons report it (SAME: equal as shown).
UP, DOWN, SAME, NOT_COMPARABLE = "up", "down", "same", "not comparable"

# DfE's symbols for a value that is not published, and what each means.
# Each meaning reads after "is": 'The 2024 figure is suppressed to protect confidentiality'.
SYMBOLS: dict[str, str] = {
    "c": "suppressed to protect confidentiality (small number)",
    "k": "too small to show: it rounds to zero but is not zero",
    "low": "too small to show: it rounds to zero but is not zero",
    "u": "of low reliability",
    "x": "not available",
    "z": "not applicable",
    ":": "not available (older symbol)",
}

# Counts from 1 to 5 about identifiable groups of children are not published from
# record-level data (the privacy scan enforces it; the Methods page states it).
SMALL_COUNT_RANGE = (1, 5)

# The two kinds of edition (analysis.build.edition_kind): a partnership's annual report, or
# a profile of an area's national statistics when it has no partnership figures.
ANNUAL_REPORT = "annual_report"
STATISTICS_PROFILE = "statistics_profile"
EDITION_KINDS = (ANNUAL_REPORT, STATISTICS_PROFILE)
EDITION_KIND_LABELS = {ANNUAL_REPORT: "annual report", STATISTICS_PROFILE: "statistics profile"}
