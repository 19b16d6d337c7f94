"""The words that state a finding follow the figures, and say so when the figures cannot tell."""
import math

import pytest

from analysis.present.headlines import (
    article_for, compared_with_earlier_years, counted, funnel_headline, longer_trend, mid_sentence, noun_for, sentence_case,
    share_of, since_previous,
)


def test_share_words():
    assert [share_of(v) for v in (100, 99, 85, 50, 20, 0)] == ["All", "Nearly all", "Most", "About half",
                                                                "A minority", "None"]
    assert [share_of(v) for v in (90, 55.1, 55, 45, 44.9)] == ["Nearly all", "Most", "About half", "About half",
                                                               "A minority"]


def test_share_of_a_group_reads_as_english():
    assert share_of(79.4, "episodes") == "Most episodes"
    assert share_of(50, "episodes") == "About half of episodes"
    assert share_of(30, "episodes") == "A minority of episodes"
    assert share_of(0, "episodes") == "No episodes"
    assert share_of(None, "episodes") == "An unknown share of episodes"
    # on its own, mid-sentence, before "of those who did"
    assert [share_of(v, sentence_start=False) for v in (61, 50, 100, 0, None)] == [
        "most", "about half", "all", "none", "an unknown share"]


def test_sentence_case_and_mid_sentence():
    assert sentence_case("about 20%") == "About 20%"
    assert sentence_case("") == ""
    assert mid_sentence("Children aged 0 to 17 (ONS mid-year estimate)") == "children aged 0 to 17 (ONS mid-year estimate)"
    assert mid_sentence("LCSPRs started") == "LCSPRs started"


def test_counts_take_the_right_noun():
    assert counted(1, "new practice review") == "1 new practice review"
    assert counted(2, "new practice review") == "2 new practice reviews"
    assert counted(1200, "child", "children") == "1,200 children"
    assert noun_for(None, "review") == "reviews"
    assert noun_for(0, "review") == "reviews"


def test_funnel_headline():
    assert funnel_headline([6, 5, 1], ["notification", "rapid review", "new practice review"]) == \
        "6 notifications led to 5 rapid reviews and 1 new practice review"
    assert funnel_headline([4, 4, 2], ["notification", "rapid review", "new practice review"]) == \
        "4 notifications led to 4 rapid reviews and 2 new practice reviews"


@pytest.mark.parametrize("text, expected", [
    ("5% increase", "a"),
    ("8% increase", "an"),
    ("11% decrease", "an"),
    ("18.5% increase", "an"),
    ("80% increase", "an"),
    ("110% increase", "a"),
    ("8,583", "an"),
    ("1,100", "a"),
    ("no change", ""),
    ("about 5% increase", ""),
])
def test_article_follows_how_the_number_is_read(text, expected):
    assert article_for(text) == expected


def test_since_previous_follows_the_data():
    assert since_previous(80, 70, "70%", "2023-24") == "up from 70% in 2023-24"
    assert since_previous(75, 78, "78%", "2024-25") == "down from 78% in 2024-25"
    assert since_previous(78.04, 78.0, "78.0%", "2023-24", decimals=1) == "the same as in 2023-24"
    assert since_previous(78.06, 78.0, "78.0%", "2023-24", decimals=1) == "up from 78.0% in 2023-24"
    assert since_previous(78, None) == "with no earlier figure to compare it with"
    assert since_previous(None, 78, "78%", "2023-24") == "so it cannot be compared with earlier years"


def test_longer_trend_needs_three_periods():
    assert longer_trend(["2023", "2024"], [45, 26]) == "for which the figures go back only to 2023"
    assert longer_trend(["2024"], [26]) == "for which the figures go back only to 2024"
    assert longer_trend([], []) == "for which there are no figures"
    assert longer_trend(["2023", "2024", "2025"], [45, 26, 22]) == "which has fallen every year since 2023"
    assert longer_trend(["2023", "2024", "2025"], [20, 26, 30]) == "which has risen every year since 2023"
    assert longer_trend(["2023", "2024", "2025"], [45, 26, 30]) == "which has not moved in one direction since 2023"
    assert longer_trend(["2023", "2024", "2025"], [20, 30, 25]) == "which has not moved in one direction since 2023"
    assert longer_trend(["2023", "2024", "2025"], [45, 26, 26]) == "which has not moved in one direction since 2023"


def test_compared_with_earlier_years():
    subject = "children became looked after"
    # Camden's children starting to be looked after, 2021 to 2025: below each of the three years before
    assert compared_with_earlier_years([106, 140, 131, 135, 109], subject) == \
        "Fewer children became looked after than in previous years"
    assert compared_with_earlier_years([100, 135, 109], subject) == \
        "Fewer children became looked after than in the previous year"
    assert compared_with_earlier_years([150, 140, 160], subject) == \
        "More children became looked after than in previous years"
    assert compared_with_earlier_years([170, 140, 160], subject) == \
        "More children became looked after than in the previous year"
    assert compared_with_earlier_years([140, 160, 160], subject) == \
        "As many children became looked after as in the previous year"


@pytest.mark.parametrize("values", [[109], [], [135, math.nan], [math.nan, 109], [135, None]])
def test_compared_with_earlier_years_says_when_it_cannot_tell(values):
    assert compared_with_earlier_years(values, "children became looked after") == \
        "It is not known whether fewer or more children became looked after than in earlier years"


def test_a_missing_year_ends_the_run():
    assert compared_with_earlier_years([140, math.nan, 131, 109], "children became looked after") == \
        "Fewer children became looked after than in the previous year"
