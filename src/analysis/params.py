"""Edition parameters: the report year and the area, checked before anything runs."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DEFAULT_YEAR = "2024-25"
DEFAULT_AREA = "E09000007"  # Camden

_YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class ParameterError(ValueError):
    """A parameter given on the command line or to a notebook is not acceptable."""


@dataclass(frozen=True)
class ReportYear:
    """A partnership (financial) year such as 2024-25: 1 April 2024 to 31 March 2025."""

    start: int

    @classmethod
    def parse(cls, text: str) -> "ReportYear":
        match = _YEAR_PATTERN.match(str(text).strip())
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
    def dfe_time_period(self) -> int:
        """DfE 'Reporting year' for the year ending 31 March: 2024-25 is 2025."""
        return self.end

    @property
    def population_year(self) -> int:
        """ONS mid-year estimate DfE uses for rates: mid-2024 for the year ending March 2025."""
        return self.start

    def previous(self) -> "ReportYear":
        return ReportYear(self.start - 1)

    def __str__(self) -> str:
        return self.label
