"""The page helpers that glue names chosen by the notebook, and the words that state a finding,
each registered with the figures behind it (Camden 2024-25 figures and the national extract)."""
from dataclasses import replace

import pandas as pd
import pytest

from analysis.pages.changes import glue_changes
from analysis.pages.methods import convention_values, glue_conventions
from analysis.pages.page import Page, how_obtained, period_with_status, yearly_values


@pytest.fixture
def page(tmp_path):
    return Page("05_children_looked_after", "2024-25", "E09000007", "", str(tmp_path / "out"))


@pytest.fixture
def other_area(tmp_path):
    """An area without partnership figures: every partnership figure is not supplied."""
    return Page("05_children_looked_after", "2024-25", "E09000019", "", str(tmp_path / "other"))


def register(page: Page) -> pd.DataFrame:
    return pd.read_csv(page.register_path, dtype=str, keep_default_na=False).set_index("name")


def test_label_is_glued_under_the_name_given(page):
    page.glue_figure("near", "cla_placed_within_20_miles", label_name="near_title")
    rows = register(page)
    assert rows.at["near_title", "text"] == "children looked after placed within 20 miles"
    assert rows.at["near_title", "source_kind"] == "catalogue"
    assert "near_label" not in rows.index


def test_label_name_defaults_to_the_figure_name(page):
    page.glue_figure("near", "cla_placed_within_20_miles")
    assert "near_label" in register(page).index


def test_latest_two_glue_every_name_given(page):
    earlier, latest = page.glue_latest_two("knife_crime_victims_10_24", latest="now", latest_label="what",
                                           latest_period="when", previous="then", previous_period="then_when",
                                           change="moved")
    rows = register(page)["text"]
    assert (earlier.value, latest.value) == (45, 26)
    assert [rows[n] for n in ("now", "then", "when", "then_when", "moved")] == ["26", "45", "2024", "2023", "down 42.2%"]
    assert rows["what"] == "victims of knife crime with injury aged 10-24"


def test_list_period(page, other_area):
    page.glue_list_period("current", "priorities_current")
    other_area.glue_list_period("current", "priorities_current")
    assert register(page).at["current", "text"] == "2023-25"
    assert register(other_area).at["current", "text"] == "not supplied"


def test_how_obtained_and_period_with_status(page):
    derived = page.figure("front_door_referrals", "2023-24")
    published = page.figure("front_door_referrals", "2024-25")
    words = {"derived": "worked out", "published": "as published"}
    assert how_obtained(derived, **words) == "worked out"
    assert how_obtained(published, **words) == "as published"
    assert how_obtained(None, **words) == "not in the partnership's figures"
    assert period_with_status(derived) == "2023-24 (derived, approximate)"
    assert period_with_status(replace(derived, qualifier="")) == "2023-24 (derived)"
    assert period_with_status(published) == "2024-25"


def test_how_obtained_is_registered_with_the_figures_source(page):
    page.glue_how_obtained("how", page.figure("front_door_referrals", "2023-24"), derived="worked out",
                           published="as published")
    row = register(page).loc["how"]
    assert row["text"] == "worked out" and row["source_kind"] == "derived" and "8,583 / 1.05" in row["source"]


def test_share_words_are_registered_with_their_figure(page, other_area):
    page.glue_share_words("older_share", page.figure("cla_starters_aged_13_plus"), sentence_start=False)
    page.glue_share_words("near_share", page.figure("cla_placed_within_20_miles"), "children")
    rows = register(page)
    assert rows.at["older_share", "text"] == "most" and rows.at["near_share", "text"] == "Most children"
    assert rows.at["older_share", "raw_value"] == "61" and rows.at["older_share", "source_kind"] == "derived"
    assert rows.at["older_share", "source"].startswith("61% (2024-25): the share in words (")
    other_area.glue_share_words("near_share", other_area.figure("cla_placed_within_20_miles"), "children")
    assert register(other_area).loc["near_share", ["text", "source_kind"]].tolist() == [
        "An unknown share of children", "not supplied"]


def test_share_words_need_a_percentage(page):
    with pytest.raises(ValueError, match="not a percentage"):
        page.glue_share_words("count_share", page.figure("missing_episodes"))


def test_since_previous_compares_with_the_period_before(page, other_area):
    page.glue_since_previous("knife_since", page.figure("knife_crime_victims_10_24"))
    page.glue_since_previous("return_since", page.figure("return_home_conversations"))
    other_area.glue_since_previous("return_since", other_area.figure("return_home_conversations"))
    rows = register(page)
    assert rows.at["knife_since", "text"] == "down from 45 in 2023"
    assert "compared with 45 (2023)" in rows.at["knife_since", "source"]
    assert rows.at["return_since", "text"] == "with no earlier figure to compare it with"
    assert register(other_area).at["return_since", "text"] == "so it cannot be compared with earlier years"


def test_longer_trend_of_a_partnership_series(page, other_area):
    page.glue_longer_trend("knife_trend", "knife_crime_victims_10_24")
    other_area.glue_longer_trend("knife_trend", "knife_crime_victims_10_24")
    row = register(page).loc["knife_trend"]
    assert row["text"] == "for which the figures go back only to 2023"
    assert row["source"].endswith("(2023: 45, 2024: 26)")
    assert register(other_area).loc["knife_trend", ["text", "source_kind"]].tolist() == [
        "for which there are no figures", "not supplied"]


def test_count_compared_with_earlier_years_from_the_national_statistics(page):
    national = page.national()
    values = yearly_values(national, "cla_started")
    assert values.loc[2022:2025].tolist() == [140, 131, 135, 109]
    page.glue_compared_with_earlier_years("became", national, "cla_started", subject="children became looked after")
    row = register(page).loc["became"]
    assert row["text"] == "Fewer children became looked after than in previous years"
    assert row["period"] == "2025" and row["raw_value"] == "109" and row["source_kind"] == "national"
    assert "2024: 135" in row["source"]


def test_count_compared_with_earlier_years_stops_at_the_editions_year(tmp_path):
    earlier_edition = Page("05_children_looked_after", "2023-24", "E09000007", "", str(tmp_path))
    national = earlier_edition.national()
    assert yearly_values(national, "cla_started").index[-1] == 2024
    earlier_edition.glue_compared_with_earlier_years("became", national, "cla_started",
                                                     subject="children became looked after")
    assert register(earlier_edition).at["became", "text"] == (
        "More children became looked after than in the previous year")  # 135 in 2024, 131 in 2023, 140 in 2022


def test_count_compared_with_earlier_years_before_the_statistics_are_published(tmp_path):
    later = Page("05_children_looked_after", "2025-26", "E09000007", "", str(tmp_path))
    national = later.national()
    assert pd.isna(yearly_values(national, "cla_started").iloc[-1])
    later.glue_compared_with_earlier_years("became", national, "cla_started", subject="children became looked after")
    assert register(later).at["became", "text"] == (
        "It is not known whether fewer or more children became looked after than in earlier years")


def test_ratio_nouns_and_articles(page, other_area):
    page.glue_ratio("per_person", page.figure("missing_episodes"), page.figure("missing_young_people"),
                    numerator_words="missing episodes", denominator_words="young people reported missing")
    page.glue_noun("lcsprs_noun", page.figure("new_lcsprs"), "review")
    page.glue_noun("rapid_noun", page.figure("rapid_reviews"), "review")
    page.glue_article("change_article", page.figure("front_door_referrals_change"))
    rows = register(page)["text"]
    assert (rows["per_person"], rows["lcsprs_noun"], rows["rapid_noun"]) == ("6.9", "review", "reviews")
    assert rows["change_article"] == "a"
    other_area.glue_ratio("per_person", None, None, numerator_words="episodes", denominator_words="people")
    assert register(other_area).at["per_person", "text"] == "not available"


def test_conventions_are_glued_by_the_names_given(page):
    glue_conventions(page, ["rate_base", "small_counts"])
    rows = register(page)
    assert rows["text"].to_dict() == {"rate_base": "10,000", "small_counts": "1 to 5"}
    assert set(convention_values()) == {"confidence_level", "rate_base", "small_counts", "rounding_example",
                                        "python_rounding", "chart_minimum", "level_story", "neighbour_minimum"}
    assert (convention_values()["chart_minimum"]["text"], convention_values()["level_story"]["text"]) == ("3", "25%")
    with pytest.raises(KeyError, match="no convention called rate"):
        glue_conventions(page, ["rate"])


def test_changes_sentences_are_glued_by_the_names_given(tmp_path):
    changes_page = Page("91_changes", "2024-25", "E09000007", "", str(tmp_path))
    changes = glue_changes(changes_page, summary_name="compared", methods_name="methods")
    rows = register(changes_page)["text"]
    assert rows["compared"] == changes.summary and rows["methods"] == changes.methods


def test_a_list_split_mid_sentence_is_shown_as_whole_sentences(page):
    import csv
    import re

    from analysis.config import DataPaths

    with open(DataPaths(partnership_id="camden").year("2024-25") / "lists.csv", newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["list_id"] == "priorities_next"]
    html = page.list_table("priorities_next", "Priority", detail_continues=True).data
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert len(cells) == len(rows)  # one column: each priority is one sentence
    for cell, row in zip(cells, rows):
        detail = row["detail"]
        assert cell.startswith(row["item"] + " ") and cell.endswith(detail[1:].replace("&", "&amp;"))
        assert cell[len(row["item"]) + 1] == detail[0].lower()  # 'In safeguarding ...' continues as 'in'


def test_the_sources_table_writes_each_period_without_brackets_in_brackets(page, monkeypatch):
    import analysis.pages.page as page_module

    shown = []
    monkeypatch.setattr(page_module, "display", lambda output: shown.append(output.data))
    page.glue_figure("near", "cla_placed_within_20_miles")
    page.sources_table()
    html = shown[-1]
    assert "2024-25 (financial year, 1 April to 31 March)" in html
    assert "((" not in html and "))" not in html
