"""The page helper glues text and records every glued value in the register."""
import pandas as pd
import pytest

from analysis.config import DataPaths
from analysis.pages.findings import key_findings_table
from analysis.pages.page import REGISTER_COLUMNS, Page


@pytest.fixture
def page(tmp_path):
    return Page("02_front_door", "2024-25", "E09000007", "", str(tmp_path / "out"))


def test_glued_figures_are_registered_with_their_source(page):
    figure = page.glue_figure("referrals", "front_door_referrals")
    register = pd.read_csv(page.register_path, dtype=str, keep_default_na=False)
    assert list(register.columns) == REGISTER_COLUMNS
    row = register[register["name"] == "referrals"].iloc[0]
    assert row["text"] == "8,583" and row["period"] == "2024-25" and row["source_kind"] == "partnership"
    assert row["source"] == f"data/partnerships/camden/2024-25/figures.csv row {figure.source_row}"
    label = register[register["name"] == "referrals_label"].iloc[0]
    assert label["text"] == "referrals to the children's front door" and label["source_kind"] == "catalogue"


def test_derived_previous_year_is_registered_as_derived(page):
    page.glue_figure("previous", "front_door_referrals", "2023-24")
    register = pd.read_csv(page.register_path, dtype=str, keep_default_na=False)
    row = register[register["name"] == "previous"].iloc[0]
    assert row["text"] == "about 8,174" and row["source_kind"] == "derived" and "8,583 / 1.05" in row["source"]


def test_figure_not_supplied_for_another_area(tmp_path):
    other = Page("02_front_door", "2024-25", "E09000019", "", str(tmp_path))
    assert other.glue_figure("referrals", "front_door_referrals") is None
    register = pd.read_csv(other.register_path, dtype=str, keep_default_na=False)
    assert register.set_index("name").at["referrals", "text"] == "not supplied"


def test_period_span(page):
    assert page.period_span() == "1 April 2024 to 31 March 2025"


def test_key_findings_link_to_sections_and_show_change(tmp_path):
    page = Page("00_key_findings", "2024-25", "E09000007", "", str(tmp_path))
    table = key_findings_table(page).set_index("Finding")
    listed = pd.read_csv(DataPaths().reference / "key_findings.csv", dtype=str)
    assert list(table.index) == list(listed.sort_values("position", key=lambda p: p.astype(int))["headline"])
    knife = table.loc["Young victims of knife crime with injury"]
    assert knife["Figure"] == "26" and knife["Period"] == "2024"
    assert knife["Change on the previous period"] == "down 42.2% from 45 in 2023"
    assert table.loc["Referrals to the children's front door", "notebook"] == "02_front_door"
    assert table.loc["Missing episodes of young people", "Change on the previous period"] == "no earlier figure"
    rereferrals = table.loc["Re-referrals to children's social care within 12 months"]
    assert rereferrals["Figure"] == "18.3%" and rereferrals["Period"] == "2024-25"
    assert rereferrals["Compared with England"].startswith("England 22.6%")
