"""Editions compared: the methods changelog and the year-on-year change table, with the real
2024-25 figures and a SYNTHETIC second year (tests/fixtures/synthetic_2025_26: invented values)."""
from __future__ import annotations

import pytest

from analysis.inputs.catalogue import load_catalogue
from analysis.inputs.edition import PartnershipData
from analysis.pages.changes import (
    ChangelogError, change_summary, change_table, changelog_html, load_changelog, methods_summary, parse_changelog,
)
from analysis.present.wording import describe_change

AREA = "E09000007"

CHANGELOG = """# Methods changelog

Text before the first edition is ignored.

- not a change

## 2025-26 — second edition

Returns now come from partners directly.

- `missing_episodes`: now counts episodes of children placed in the area by other
  authorities.
- `cla_health_dental_checks` and `cla_under5_development_checks`: health's new system.
- Charts show the previous edition.

## 2024-25 — first edition

- First edition.
"""


# --------------------------------------------------------------------------
# The methods changelog
# --------------------------------------------------------------------------


def test_changelog_is_parsed_into_entries_and_changes():
    entries = parse_changelog(CHANGELOG)
    assert [(e.year, e.title) for e in entries] == [("2025-26", "second edition"), ("2024-25", "first edition")]
    second = entries[0]
    assert second.intro == "Returns now come from partners directly."
    assert [c.indicator_ids for c in second.changes] == [
        ["missing_episodes"], ["cla_health_dental_checks", "cla_under5_development_checks"], []]
    assert second.changes[0].text.endswith("placed in the area by other authorities.")


def test_changelog_html_lists_entries_up_to_the_edition_latest_first():
    entries = parse_changelog(CHANGELOG)
    text = changelog_html(entries, "2025-26")
    assert text.index("2025-26: second edition") < text.index("2024-25: first edition")
    assert '<code style="color:#0b0c0c;background:#f3f4f5">missing_episodes</code>' in text
    assert "second edition" not in changelog_html(entries, "2024-25")
    assert methods_summary(entries, "2025-26").startswith(
        "The methods changelog records 3 changes of definition or method for 2025-26")
    assert methods_summary(entries, "2024-25").startswith(
        "The methods changelog starts with this edition (2024-25)")
    assert "records no change of definition or method for 2026-27" in methods_summary(entries, "2026-27")


@pytest.mark.parametrize("text, message", [
    ("## 2025/26\n- x\n", "line 1: a section heading must name an edition year"),
    ("## 2025-26\n- x\n## 2025-26\n", "line 3: 2025-26 has two sections"),
])
def test_changelog_errors_name_the_line(text, message):
    with pytest.raises(ChangelogError, match=message):
        parse_changelog(text)


def test_project_changelog_starts_with_the_first_edition():
    entries = load_changelog()
    assert entries[-1].year == "2024-25" and entries[-1].title == "first edition"
    assert entries[-1].changes


# --------------------------------------------------------------------------
# Year-on-year changes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, unit, decimals, expected", [
    (8583, 9012, "count", 0, "up 429 (5.0%)"),
    (26, 22, "count", 0, "down 4 (15.4%)"),
    (5, 5, "count", 0, "unchanged"),
    (0, 3, "count", 0, "up 3"),
    (89, 90.0, "percentage", 1, "up 1.0 percentage points"),
    (99, 98, "percentage", 0, "down 1 percentage point"),
    (79.4, 79.4, "percentage", 1, "unchanged"),
])
def test_describe_change(old, new, unit, decimals, expected):
    assert describe_change(old, new, unit, decimals) == expected


def test_previous_edition_figures_are_used_automatically(second_year_data):
    partnership = PartnershipData("2025-26", AREA, second_year_data)
    previous = partnership.previous_figure("front_door_referrals")
    assert (previous.value, previous.period, previous.edition) == (8583, "2024-25", "2024-25")
    assert previous.source_file.endswith("partnerships/camden/2024-25/figures.csv") and previous.source_row == 5
    assert partnership.previous_figure("knife_crime_victims_10_24").period == "2024"
    assert partnership.previous_figure("ehe_register").period == "2024/25"
    # asking for last year's period falls back to the previous edition; no period never does
    assert partnership.figure("front_door_referrals", "2024-25").value == 8583
    assert partnership.figure("youth_work_apprentices") is None
    assert partnership.figure("youth_work_apprentices", "2024-25").value == 4
    assert [f.period for f in partnership.series("knife_crime_victims_10_24")] == ["2023", "2024", "2025"]
    assert [f.period for f in partnership.series("front_door_referrals")] == ["2023-24", "2024-25", "2025-26"]
    assert partnership.series("youth_work_apprentices") == []
    first = PartnershipData("2024-25", AREA, second_year_data)
    assert first.previous_edition is None and first.previous_figure("front_door_referrals") is None


def test_change_table_compares_each_indicator(second_year_data):
    partnership = PartnershipData("2025-26", AREA, second_year_data)
    entries = parse_changelog(CHANGELOG)
    table = change_table(partnership, entries).set_index("indicator_id")
    assert len(table) == len(load_catalogue(second_year_data))
    assert table.loc["front_door_referrals", ["Previous edition", "This edition", "Change"]].tolist() == [
        "8,583 (2024-25)", "9,012 (2025-26)", "up 429 (5.0%)"]
    assert table.loc["knife_crime_victims_10_24", "Change"] == "down 4 (15.4%)"
    assert table.loc["cla_health_dental_checks", "Change"] == "up 1.0 percentage points"
    assert table.loc["cla_health_dental_checks", "Note"] == "health's new system."
    assert table.loc["missing_episodes", "Note"].startswith("now counts episodes")
    assert table.loc["youth_work_apprentices", ["This edition", "Change"]].tolist() == [
        "not supplied", "not supplied in this edition"]
    assert table.loc["children_population", "Note"] == "approximate: at least one value is rounded"
    summary = change_summary(partnership, change_table(partnership, entries))
    assert summary.startswith("This edition (2025-26) is compared with the previous edition (2024-25). "
                              "Of the 28 figures given in both, 16 went up, 10 went down and 2 were unchanged.")
    assert "3 figures of the previous edition are not supplied in this one." in summary


def test_first_edition_has_nothing_to_compare():
    partnership = PartnershipData("2024-25", AREA)
    assert change_table(partnership).empty
    assert change_summary(partnership) == (
        "There is no previous edition to compare with: this edition (2024-25) is the first, as there are no "
        "partnership figures for 2023-24. The next edition will list here how each figure changed.")


def test_a_profile_glues_no_sentence_about_partnership_figures(tmp_path):
    from analysis.pages.changes import glue_changes
    from analysis.pages.page import Page

    page = Page("91_changes", "2024-25", "E08000035", "", str(tmp_path))
    glue_changes(page, summary_name=None, methods_name="methods")
    assert [row["name"] for row in page._register_rows] == ["methods"]
