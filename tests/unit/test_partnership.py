"""The partnership's 2024-25 figures against the published report, and the loader's checks."""
import re
import shutil

import pandas as pd
import pytest

from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.inputs.edition import PartnershipData
from tests.support.partnerships import write_synthetic_partnership

SEED_REPORT = (DataPaths(partnership_id="camden").year("2024-25") / "sources"
               / "camden-cscp-annual-report-2024-25-scrutiny-committee.txt")

# Ground truth: every figure the 2024-25 report states, as read from the report by a person.
REPORT_FIGURES = [
    ("children_population", "2024-25", 44000, "about"),
    ("children_share_of_population", "2024-25", 20, "about"),
    ("resident_population", "2024-25", 220000, "about"),
    ("front_door_referrals", "2024-25", 8583, ""),
    ("front_door_referrals_change", "2024-25", 5, ""),
    ("early_help_contacts", "2024-25", 2131, ""),
    ("family_group_conference_referrals", "2024-25", 260, ""),
    ("early_help_families_progressed", "2024-25", 86, ""),
    ("early_years_families_supported", "2024-25", 100, ""),
    ("child_protection_plans", "2024-25", 155, ""),
    ("assessments_domestic_violence", "2024-25", 32, ""),
    ("operation_encompass_schools", "2024-25", 56, ""),
    ("cla_starters_aged_13_plus", "2024-25", 61, ""),
    ("cla_placed_within_20_miles", "2024-25", 85, ""),
    ("cla_health_dental_checks", "2024-25", 89, ""),
    ("cla_under5_development_checks", "2024-25", 78, ""),
    ("cla_contributed_to_reviews", "2024-25", 100, ""),
    ("missing_young_people", "2024-25", 127, ""),
    ("missing_episodes", "2024-25", 870, ""),
    ("missing_episodes_24h_or_less", "2024-25", 79.4, ""),
    ("return_home_conversations", "2024-25", 78, ""),
    ("knife_crime_victims_10_24", "2024", 26, ""),
    ("knife_crime_victims_10_24", "2023", 45, ""),
    ("ehe_register", "2024/25", 350, ""),
    ("early_years_good_outstanding", "2024-25", 99, ""),
    ("schools_good_outstanding", "2024-25", 100, ""),
    ("serious_incident_notifications", "2024-25", 6, ""),
    ("rapid_reviews", "2024-25", 5, ""),
    ("new_lcsprs", "2024-25", 1, ""),
    ("youth_awards_participants", "2024-25", 3700, "more than"),
    ("youth_external_awards", "2024-25", 1000, "more than"),
    ("youth_work_apprentices", "2024-25", 4, ""),
]
NUMBER_WORDS = {1: "one", 4: "four", 5: "five", 6: "six"}


@pytest.fixture(scope="module")
def data():
    return PartnershipData("2024-25", "E09000007")


def test_every_report_figure_is_transcribed_with_its_value(data):
    for indicator, period, value, qualifier in REPORT_FIGURES:
        figure = data.figure(indicator, period)
        assert figure is not None, f"{indicator} {period} missing"
        assert figure.value == value, indicator
        assert figure.qualifier == qualifier, indicator
        assert figure.status == "reported"


def test_nothing_reported_that_the_report_does_not_state(data):
    reported = data.figures[data.figures["status"] == "reported"]
    assert sorted(zip(reported["indicator_id"], reported["period"])) == sorted((i, p) for i, p, _, _ in REPORT_FIGURES)


def test_quotes_are_verbatim_and_contain_the_value(data):
    report = SEED_REPORT.read_text(encoding="utf-8")
    for row in data.figures.itertuples():
        assert row.source_quote in report, f"row {row.source_row}: quote not found in the report"
        if row.status != "reported":
            continue
        value = float(row.value)
        spellings = {f"{value:,.0f}", f"{value:.0f}", row.value}
        if value in NUMBER_WORDS:
            spellings.add(NUMBER_WORDS[value])
        numbers_in_quote = set(re.findall(r"\d[\d,]*\.?\d*", row.source_quote)) | set(row.source_quote.lower().split())
        assert spellings & numbers_in_quote, f"row {row.source_row}: {row.value} not in {row.source_quote!r}"
    for row in data.lists.itertuples():
        assert row.source_quote in report, f"list {row.list_id} {row.position}: quote not found"


def test_derived_value_is_marked_and_explained(data):
    previous = data.figure("front_door_referrals", "2023-24")
    assert previous.is_derived and previous.qualifier == "about"
    assert previous.value == pytest.approx(8583 / 1.05, abs=1)
    assert "8,136" in previous.derivation and "8,213" in previous.derivation
    assert round(8583 / 1.055) == 8136 and round(8583 / 1.045) == 8213


def test_latest_period_is_the_default(data):
    assert data.figure("knife_crime_victims_10_24").period == "2024"
    assert data.figure("front_door_referrals").period == "2024-25"
    assert [f.period for f in data.series("knife_crime_victims_10_24")] == ["2023", "2024"]


def test_qualitative_lists(data):
    categories = data.items("child_protection_categories")["item"].tolist()
    assert categories == ["Emotional abuse", "Neglect", "Physical abuse", "Sexual abuse"]
    assert len(data.items("review_themes")) == 8
    assert data.list_period("priorities_current") == "2023-25"
    assert data.list_period("priorities_next") == "2025-26"
    assert len(data.items("priorities_next")) == 6


def test_other_area_has_no_partnership_figures():
    other = PartnershipData("2024-25", "E09000019")
    assert not other.available
    assert other.figure("front_door_referrals") is None


@pytest.fixture
def synthetic_data_dir(tmp_path):
    """A copy of the reference data with a synthetic year whose figures we can break."""
    shutil.copytree(DataPaths().reference, tmp_path / "reference")
    year_dir = write_synthetic_partnership(tmp_path) / "2030-31"
    year_dir.mkdir(parents=True)
    return tmp_path, year_dir


def _write_figures(year_dir, rows):
    columns = ["indicator_id", "period", "value", "qualifier", "status", "derivation", "document_id", "source_section", "source_quote"]
    pd.DataFrame(rows, columns=columns).to_csv(year_dir / "figures.csv", index=False)


def test_bad_figures_are_all_reported_with_row_and_column(synthetic_data_dir):
    data_dir, year_dir = synthetic_data_dir
    # No quotes: a quote needs its quote_number (tests/unit/test_reproduction_can_fail.py checks that rule).
    _write_figures(year_dir, [
        ["front_door_referrals", "2030-31", "100", "", "reported", "", "synthetic", "s", ""],
        ["no_such_indicator", "2030-31", "1", "", "reported", "", "synthetic", "s", ""],
        ["early_help_contacts", "2030-31", "many", "", "reported", "", "synthetic", "s", ""],
        ["missing_episodes", "2030-31", "-4", "", "reported", "", "synthetic", "s", ""],
        ["cla_health_dental_checks", "2030-31", "112", "", "reported", "", "synthetic", "s", ""],
        ["front_door_referrals", "2030-31", "101", "", "reported", "", "synthetic", "s", ""],
    ])
    with pytest.raises(InputError) as caught:
        PartnershipData("2030-31", "E09000007", data_dir)
    messages = [str(p) for p in caught.value.problems]
    file = str(year_dir / "figures.csv")
    assert f"{file}, row 3, column indicator_id: unknown indicator_id (not in data/reference/indicators.csv) (value: 'no_such_indicator')" in messages
    assert f"{file}, row 4, column value: value must be a number (value: 'many')" in messages
    assert f"{file}, row 5, column value: a count cannot be negative (value: '-4')" in messages
    assert f"{file}, row 6, column value: a percentage must be between 0 and 100 (value: '112')" in messages
    assert any(m.startswith(f"{file}, row 7, column indicator_id: the same indicator and period appear more than once") for m in messages)
    assert len(messages) == 5
