"""Report years: the form of a year parameter and the periods it stands for."""
import pytest

from analysis.errors import ParameterError
from analysis.periods import ReportYear, expected_period, previous_expected_period


def test_year_parses_and_knows_its_periods():
    year = ReportYear.parse("2024-25")
    assert year.label == "2024-25"
    assert year.dfe_time_period == 2025
    assert year.population_year == 2024
    assert str(year.first_day) == "2024-04-01"
    assert str(year.last_day) == "2025-03-31"
    assert year.previous().label == "2023-24"


def test_century_boundary():
    assert ReportYear.parse("1999-00").end == 2000
    assert ReportYear.parse("2099-00").previous().label == "2098-99"


@pytest.mark.parametrize("text", ["2024", "2024-2025", "24-25", "2024/25", "", "abcd-ef"])
def test_year_in_wrong_form_is_refused(text):
    with pytest.raises(ParameterError, match="not in the form YYYY-YY"):
        ReportYear.parse(text)


def test_year_that_is_not_consecutive_is_refused():
    with pytest.raises(ParameterError, match="does not name two consecutive years.*write 2024-25"):
        ReportYear.parse("2024-26")


@pytest.mark.parametrize("period_type, expected, previous", [
    ("financial_year", "2025-26", "2024-25"),
    ("calendar_year", "2025", "2024"),
    ("academic_year", "2025/26", "2024/25"),
    ("snapshot_31_march", "2025-26", "2024-25"),
    ("reporting_year", "2026", "2025"),
    ("mid_year", "2025", "2024"),
])
def test_expected_period_by_period_type(period_type, expected, previous):
    assert expected_period(period_type, "2025-26") == expected
    assert previous_expected_period(period_type, "2025-26") == previous


def test_academic_year_across_a_century():
    assert expected_period("academic_year", "2099-00") == "2099/00"
