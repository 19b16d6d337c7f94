"""Periods: the partnership's report year, and the period each kind of figure covers.

Conventions (the Methods page states them): partnership year ``2024-25`` = 1 April 2024
to 31 March 2025; DfE ``time_period`` 2025 ("Reporting year") = year ending 31 March
2025; the ONS mid-year estimate for mid-2024 is the population for rates in the year
ending March 2025; police figures may be calendar years (2024), education figures
academic years (2024/25).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from analysis.errors import ParameterError

YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class ReportYear:
    """A partnership (financial) year such as 2024-25: 1 April 2024 to 31 March 2025."""

    start: int

    @classmethod
    def parse(cls, text: str) -> "ReportYear":
        match = YEAR_PATTERN.match(str(text).strip())
        if not match:
            raise ParameterError(
                f"year {text!r} is not in the form YYYY-YY, for example 2024-25"
            )
        start = int(match.group(1))
        end_suffix = int(match.group(2))
        if (start + 1) % 100 != end_suffix:
            raise ParameterError(
                f"year {text!r} does not name two consecutive years: "
                f"after {start} comes {(start + 1) % 100:02d}, so write {start}-{(start + 1) % 100:02d}"
            )
        return cls(start)

    @property
    def end(self) -> int:
        return self.start + 1

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.start, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.end, 3, 31)

    @property
    def span(self) -> str:
        """'1 April 2024 to 31 March 2025'."""
        return f"{self.first_day.day} April {self.start} to {self.last_day.day} March {self.end}"

    @property
    def dfe_time_period(self) -> int:
        """DfE 'Reporting year' for the year ending 31 March: 2024-25 is 2025."""
        return self.end

    @property
    def population_year(self) -> int:
        """ONS mid-year estimate DfE uses for rates: mid-2024 for the year ending March 2025."""
        return self.start

    def previous(self) -> "ReportYear":
        return ReportYear(self.start - 1)

    def next(self) -> "ReportYear":
        return ReportYear(self.start + 1)

    def __str__(self) -> str:
        return self.label


def expected_period(period_type: str, year: str | ReportYear) -> str:
    """The period an indicator's value covers in the edition for ``year``.

    financial_year and snapshot_31_march: '2025-26'; calendar_year: '2025' (the calendar
    year in which the financial year starts); academic_year: '2025/26'; reporting_year
    (DfE, year ending 31 March): '2026'; mid_year: '2025'.
    """
    report_year = year if isinstance(year, ReportYear) else ReportYear.parse(year)
    if period_type == "calendar_year" or period_type == "mid_year":
        return str(report_year.start)
    if period_type == "academic_year":
        return f"{report_year.start}/{report_year.end % 100:02d}"
    if period_type == "reporting_year":
        return str(report_year.end)
    return report_year.label


def previous_expected_period(period_type: str, year: str | ReportYear) -> str:
    """The period of the same indicator in the edition before ``year``."""
    report_year = year if isinstance(year, ReportYear) else ReportYear.parse(year)
    return expected_period(period_type, report_year.previous())


def period_label(time_period: int, period_type: str = "reporting_year") -> str:
    """How a national statistic's period is written in the book.

    reporting_year 2025 -> "2024-25" (year ending 31 March 2025);
    snapshot_31_march 2025 -> "31 March 2025"; mid_year 2024 -> "mid-2024".
    """
    year = int(time_period)
    if period_type == "snapshot_31_march":
        return f"31 March {year}"
    if period_type == "mid_year":
        return f"mid-{year}"
    return f"{year - 1}-{year % 100:02d}"
