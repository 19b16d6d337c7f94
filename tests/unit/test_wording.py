"""How changes and comparisons are worded: every sentence the book builds from a number.

The year-on-year verdicts are checked on real results of analysis.stats.compare, so the
wording and the numbers it reads stay in step; ranks use plain stand-ins for a Benchmark.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from analysis.present import wording
from analysis.stats import compare
from analysis.vocabulary import SYMBOLS

RANKED = dict(area_name="Camden", rank=104, ranked=153, polarity="neutral", symbol="", not_ranked=[],
              time_period=2025, period_type="reporting_year", value=18.25, unit="percentage", decimals=1,
              quartile=3)


def benchmark(**changes) -> SimpleNamespace:
    return SimpleNamespace(**{**RANKED, **changes})


# ---------------------------------------------------------------- changes between two values
def test_percent_change_both_directions_and_unchanged():
    assert wording.percent_change(45, 26) == "down 42.2%"
    assert wording.percent_change(100, 105) == "up 5.0%"
    assert wording.percent_change(10, 10) == "unchanged"
    assert wording.percent_change(10000, 10000.4) == "unchanged"  # 0.004% rounds to 0.0
    assert wording.percent_change(0, 5) == "not comparable (previous value was zero)"


def test_points_change_agrees_in_number():
    assert wording.points_change(17.0, 18.0, 0) == "up 1 percentage point"
    assert wording.points_change(18.0, 17.0, 0) == "down 1 percentage point"
    assert wording.points_change(17.0, 18.5) == "up 1.5 percentage points"
    assert wording.points_change(18.0, 18.04) == "unchanged"


def test_describe_change_between_editions():
    assert wording.describe_change(8583, 8995, "count", 0) == "up 412 (4.8%)"
    assert wording.describe_change(8995, 8583, "count", 0) == "down 412 (4.6%)"
    assert wording.describe_change(79.4, 81.0, "percentage", 1) == "up 1.6 percentage points"
    assert wording.describe_change(5, 5, "count", 0) == "unchanged"
    assert wording.describe_change(0, 3, "count", 0) == "up 3"  # no percentage change from zero


def test_national_gap_in_points_or_units_rounded_half_up():
    assert wording.national_gap(8, "percentage", 0) == "The national figure is 8 percentage points higher"
    assert wording.national_gap(-1, "percentage", 0) == "The national figure is 1 percentage point lower"
    assert wording.national_gap(-23.599999999999994, "percentage", 1) == \
        "The national figure is 23.6 percentage points lower"
    assert wording.national_gap(0.25, "percentage", 1) == "The national figure is 0.3 percentage points higher"
    assert wording.national_gap(-8724, "count", 0) == "The national figure is 8,724 lower"
    assert wording.national_gap(0.04, "percentage", 1) == "The same value"
    assert wording.national_gap(0, "count", 0) == "The same value"


# ---------------------------------------------------------------- year on year
def test_significant_change_with_its_assessment():
    worse = compare.year_on_year(100, 200, "count", polarity="up_bad")
    assert wording.year_on_year_verdict(worse) == \
        "Increased from 100 to 200 (statistically significant at 95%); a deterioration"
    better = compare.year_on_year(320, 219, "proportion", previous_denominator=1000, current_denominator=1000,
                                  polarity="up_bad")
    assert wording.year_on_year_verdict(better) == \
        "Decreased from 32.0% to 21.9% (statistically significant at 95%); an improvement"
    neutral = compare.year_on_year(100, 200, "count")
    assert wording.year_on_year_verdict(neutral) == "Increased from 100 to 200 (statistically significant at 95%)"


def test_a_change_within_normal_variation_rises_or_falls():
    assert wording.year_on_year_verdict(compare.year_on_year(100, 104, "count")) == (
        "Rose slightly from 100 to 104; the change is within the range expected from "
        "year-to-year variation (not statistically significant at 95%)")
    assert wording.year_on_year_verdict(compare.year_on_year(100, 80, "count"), subject="referrals").startswith(
        "Referrals fell from 100 to 80; the change is within the range expected")
    level = compare.year_on_year(100, 96, "count", confidence=0.9)
    assert wording.year_on_year_verdict(level).endswith("(not statistically significant at 90%)")
    assert wording.year_on_year_verdict(level).startswith("Fell slightly from 100 to 96;")


def test_a_rate_names_its_unit_once_and_shows_the_published_figures():
    # 2,241 of 36,040 children -> 621.8 per 10,000; 2,086 of 35,276 -> 591.3: down 4.9%
    rate = compare.year_on_year(2241, 2086, "rate", previous_denominator=36040, current_denominator=35276)
    assert wording.year_on_year_verdict(rate).startswith("Fell slightly from 621.8 to 591.3 per 10,000 children; ")
    whole = compare.year_on_year(2241, 2086, "rate", previous_denominator=36040, current_denominator=35276,
                                 published=(622, 591), published_decimals=0)
    assert wording.year_on_year_verdict(whole).startswith("Fell slightly from 622 to 591 per 10,000 children; ")


def test_unchanged_says_the_figure_once():
    assert wording.year_on_year_verdict(compare.year_on_year(50, 50, "count")) == \
        "Stayed the same (50); no statistically significant change at 95%"
    same = compare.year_on_year(592, 588, "rate", previous_denominator=100000, current_denominator=100000,
                                published=(59.0, 59.0), published_decimals=0)
    assert wording.year_on_year_verdict(same, subject="the rate") == \
        "The rate stayed the same (59 per 10,000 children); no statistically significant change at 95%"


def test_whether_a_change_is_real_comes_from_the_test_not_the_rounding():
    # 2.04 and 2.00 incidents a child, both published as 2: a significant fall is still a fall
    rounded = compare.year_on_year(2040000, 2000000, "rate", previous_denominator=1e6, current_denominator=1e6,
                                   per=1, published=(2.0, 2.0), published_decimals=0, polarity="up_bad")
    assert wording.year_on_year_verdict(rounded) == ("Decreased although both years show as 2 once rounded "
                                                     "(statistically significant at 95%); an improvement")
    # the same figures, varying 10,000 times as much as the plain test assumes: not significant
    quasi = compare.year_on_year(2040000, 2000000, "rate", previous_denominator=1e6, current_denominator=1e6,
                                 per=1, published=(2.0, 2.0), published_decimals=0, dispersion=10000)
    assert wording.year_on_year_verdict(quasi) == "Stayed the same (2); no statistically significant change at 95%"
    # a clear rise in the figures that the over-dispersed test does not find significant only rose
    rose = compare.year_on_year(100, 150, "count", dispersion=10.0)
    assert wording.year_on_year_verdict(rose).startswith("Rose from 100 to 150; the change is within the range")


def test_an_estimate_is_shown_but_not_tested():
    estimate = compare.year_on_year(41200, 40900, "count", not_tested="an estimate")
    assert wording.year_on_year_verdict(estimate) == \
        "Fell slightly from 41,200 to 40,900 (an estimate: not tested for statistical significance)"
    flat = compare.year_on_year(41200, 41200, "count", not_tested="an estimate")
    assert wording.year_on_year_verdict(flat, subject="the population") == \
        "The population was unchanged at 41,200 (an estimate: not tested for statistical significance)"


def test_not_comparable_says_why():
    missing = compare.year_on_year(10, float("nan"), "count")
    assert wording.year_on_year_verdict(missing) == \
        "The two years cannot be compared because a figure or its denominator is not available"
    assert wording.year_on_year_verdict(missing, subject="referrals") == \
        "Referrals cannot be compared between the two years because a figure or its denominator is not available"
    suppressed = SimpleNamespace(direction="not comparable", missing_year=2024, missing_symbol="c",
                                 period_type="snapshot_31_march")
    assert wording.year_on_year_verdict(suppressed) == ("The 31 March 2024 figure is suppressed to protect "
                                                        "confidentiality (small number) (c), so the two years "
                                                        "cannot be compared")
    no_figure = SimpleNamespace(direction="not comparable", missing_year=2024, missing_symbol="",
                                period_type="reporting_year")
    assert wording.year_on_year_verdict(no_figure) == "No figure for 2023-24, so the two years cannot be compared"


def _change(significant, direction):
    return SimpleNamespace(significant=significant, direction=direction)


def test_trend_chart_title_only_as_strong_as_the_test():
    assert wording.trend_chart_title("Camden", "Referrals per 10,000", "2024-25", _change(True, "up")) == \
        "Camden: referrals per 10,000 increased in 2024-25"
    assert wording.trend_chart_title("Camden", "Referrals", "2024-25", _change(True, "down")) == \
        "Camden: referrals decreased in 2024-25"
    assert wording.trend_chart_title("Camden", "Referrals", "2024-25", _change(False, "up")) == \
        "Camden: the change in referrals in 2024-25 was within the range of normal year-to-year variation"
    assert wording.trend_chart_title("Camden", "Referrals", "2024-25", _change(None, "not comparable")) == \
        "Camden: referrals, 2024-25 against earlier years"
    assert wording.trend_chart_title("Camden", "Referrals", "2024-25") == \
        "Camden: referrals, 2024-25 against earlier years"


def test_trend_chart_title_leads_with_the_level_when_far_from_england():
    # Camden's looked-after children going missing: 22% against England's 11% in 2024-25.
    title = wording.trend_chart_title("Camden", "Children looked after who went missing (%)", "2024-25",
                                      _change(False, "up"), area_value=22, england_value=11,
                                      unit="percentage", decimals=0)
    assert title == ("Camden: children looked after who went missing (%) was about twice England's in 2024-25 "
                     "(22% against 11%)")
    significant = wording.trend_chart_title("Camden", "Rate", "2024-25", _change(True, "down"), area_value=30,
                                            england_value=60, unit="rate_per_10000", decimals=0)
    assert significant.endswith("(30 per 10,000 children against 60 per 10,000 children) "
                                "and decreased significantly on the year before")
    assert "about half England's" in significant


def test_trend_chart_title_leads_with_the_trend_when_close_to_england():
    # Within a quarter of England's figure either way, the change on the year is the story.
    for area in (76, 124):
        assert wording.trend_chart_title("Camden", "Rate", "2024-25", _change(True, "up"), area_value=area,
                                         england_value=100, unit="rate_per_10000") == "Camden: rate increased in 2024-25"
    assert "England" in wording.trend_chart_title("Camden", "Rate", "2024-25", _change(True, "up"), area_value=125,
                                                  england_value=100, unit="rate_per_10000")


@pytest.mark.parametrize("area, words", [
    (300, "about 3 times England's"), (250, "about 2.5 times England's"), (200, "about twice England's"),
    (175, "about twice England's"), (174, "above England's"), (125, "above England's"),
    (124, "close to England's"), (100, "close to England's"), (76, "close to England's"),
    (75, "below England's"), (61, "below England's"), (60, "about half England's"),
    (40, "about half England's"), (39, "less than half England's"),
])
def test_against_england_in_words(area, words):
    assert wording.against_england(area, 100) == words


def test_against_england_needs_a_positive_england_figure():
    with pytest.raises(ValueError, match="positive"):
        wording.against_england(10, 0)


# ---------------------------------------------------------------- ranks and quartiles
@pytest.mark.parametrize("polarity, labels", [
    ("up_good", ["best quartile", "second quartile", "third quartile", "worst quartile"]),
    ("up_bad", ["best quartile", "second quartile", "third quartile", "worst quartile"]),
    ("neutral", ["lowest quartile", "second lowest quartile", "second highest quartile", "highest quartile"]),
])
def test_quartile_labels_by_polarity(polarity, labels):
    assert [wording.quartile_label(band, polarity) for band in (1, 2, 3, 4)] == labels
    assert wording.quartile_label(None, polarity) == "not ranked"


def test_quartile_label_refuses_a_band_or_polarity_it_does_not_know():
    with pytest.raises(ValueError, match="polarity"):
        wording.quartile_label(1, "higher")
    with pytest.raises(ValueError, match="band"):
        wording.quartile_label(5, "neutral")


def test_rank_wording_says_which_end_is_first():
    assert wording.rank_wording(104, 153, "neutral") == \
        "104th of 153 local authorities with a published value (1 = lowest)"
    assert wording.rank_wording(1, 94, "up_bad") == \
        "1st of 94 local authorities with a published value (1 = lowest, lower is better)"
    assert wording.rank_wording(22, 150, "up_good") == \
        "22nd of 150 local authorities with a published value (1 = highest, higher is better)"


def test_not_ranked_wording_agrees_in_number():
    assert wording.not_ranked_wording(2) == "2 authorities with a suppressed or unavailable value are not ranked"
    assert wording.not_ranked_wording(1) == "1 authority with a suppressed or unavailable value is not ranked"


def test_rank_note():
    assert wording.rank_note(benchmark()) == "104th of 153 local authorities with a published value (1 = lowest)"
    assert wording.rank_note(benchmark(not_ranked=["A", "B"])) == (
        "104th of 153 local authorities with a published value (1 = lowest); "
        "2 authorities with a suppressed or unavailable value are not ranked")
    unranked = benchmark(rank=None, quartile=None, symbol="c", not_ranked=["Camden"])
    assert wording.rank_note(unranked).startswith(
        "Camden is not ranked because its value is suppressed to protect confidentiality (small number); 1 authorit")
    assert wording.rank_note(benchmark(rank=None, symbol="")) == "Camden is not ranked because its value is not available"


def test_benchmark_summary():
    assert wording.benchmark_summary(benchmark()) == (
        "In 2024-25, Camden's figure was 18.3%: 104th of 153 local authorities with a published value "
        "(1 = lowest), in the second highest quartile.")
    assert wording.benchmark_summary(benchmark(rank=None, quartile=None, symbol="c", value=float("nan"))) == (
        "In 2024-25, Camden is not ranked because its value is suppressed to protect confidentiality "
        "(small number).")


def test_england_comparison():
    assert wording.england_comparison("22.6%", 2, "up_bad") == "England 22.6%; second quartile of local authorities"
    assert wording.england_comparison("40.6 per 10,000 children", 3, "neutral") == \
        "England 40.6 per 10,000 children; second highest quartile of local authorities"
    assert wording.england_comparison("22.6%", None, "up_bad") == "England 22.6%"
    assert wording.england_comparison("", 1, "up_good") == "England not available; best quartile of local authorities"


def test_symbol_meaning():
    assert wording.symbol_meaning("c") == "suppressed to protect confidentiality (small number)"
    assert wording.symbol_meaning("z") == "not applicable"
    assert wording.symbol_meaning("") == "not available"


def test_a_change_from_an_approximate_figure_is_about_and_whole():
    # The report says referrals rose by 5%: the earlier year (8,583 / 1.05) is derived from
    # a whole percentage, so the change cannot be shown finer than 'about 5%'.
    assert wording.percent_change(8583 / 1.05, 8583, approximate=True) == "up about 5%"
    assert wording.percent_change(8583 / 1.05, 8583) == "up 5.0%"
    assert wording.percent_change(1000, 1004, approximate=True) == "unchanged"  # 0.4% is 0 when whole


def _figure(value, unit="count", decimals=0, qualifier="", derived=False):
    return SimpleNamespace(value=value, unit=unit, decimals=decimals, qualifier=qualifier, is_derived=derived)


def test_figure_change_is_no_finer_than_the_figures():
    assert wording.figure_change(_figure(8583 / 1.05, derived=True), _figure(8583)) == "up about 5%"
    assert wording.figure_change(_figure(40000, qualifier="about"), _figure(44000, qualifier="about")) == "up about 10%"
    assert wording.figure_change(_figure(45), _figure(26)) == "down 42.2%"
    # Whole-number percentages move in whole points; one-decimal ones in tenths.
    assert wording.figure_change(_figure(85, "percentage"), _figure(88, "percentage")) == "up 3 percentage points"
    assert wording.figure_change(_figure(85, "percentage"), _figure(79.4, "percentage", 1)) == "down 6 percentage points"
    assert wording.figure_change(_figure(78.2, "percentage", 1), _figure(79.4, "percentage", 1)) == "up 1.2 percentage points"


def test_when_says_on_for_a_date_and_in_for_a_year():
    assert wording.when("31 March 2025") == "on 31 March 2025"
    assert wording.when("2024-25") == "in 2024-25"
    assert wording.when("2024/25") == "in 2024/25"
    assert wording.when(2024) == "in 2024"


def test_a_split_sentence_is_joined_back_together():
    assert (wording.continued_sentence("Address disproportionality", "In safeguarding responses.")
            == "Address disproportionality in safeguarding responses.")
    assert wording.continued_sentence("Support for children with SEND", "SEND reviews.") == "Support for children with SEND SEND reviews."
    assert wording.continued_sentence("Mental health in the family", "") == "Mental health in the family"
    assert (wording.continued_sentence("Re-engaging children in education", "Including SEND")
            == "Re-engaging children in education, including SEND")


def test_symbol_meanings_read_after_is():
    # 'The 2024 figure is <meaning>' must be English: no verb or bare adjective phrase first.
    for symbol, meaning in SYMBOLS.items():
        assert not meaning.split()[0] in {"rounds", "low", "is"}, (symbol, meaning)


# ---------------------------------------------------------------- periods, neighbours, reorganisation
def test_a_period_older_than_the_edition_says_so():
    assert wording.latest_published_period("2022-23") == "2022-23 (latest published)"
    assert wording.latest_published_period("31 March 2023") == "31 March 2023 (latest published)"


def test_the_neighbour_cell_says_how_many_neighbours_had_a_value():
    assert wording.neighbour_average_cell("17.2", 9, 10, True) == "17.2 (average of 9 of 10)"
    assert wording.neighbour_average_cell("17.2", 3, 10, False) == "too few (3 of 10)"
    assert "at least 5 of them" in wording.neighbour_minimum_sentence(5)


def test_a_joined_series_names_the_predecessor_and_the_dfe_code():
    note = wording.joined_series_note("North Yorkshire", "E10000023", date(2023, 4, 1), "815")
    assert note == ("Before 1 April 2023: North Yorkshire (E10000023), the authority replaced on that date, "
                    "published by DfE under the same authority code 815.")


def test_a_series_that_cannot_be_joined_says_where_it_starts():
    note = wording.series_start_note("Cumberland", "Cumbria", "E10000006", date(2023, 4, 1), "31 March 2024")
    assert note.startswith("Cumberland replaced part of Cumbria (E10000006) on 1 April 2023;")
    assert note.endswith("so the series starts at 31 March 2024, the first figure published for Cumberland.")
    whole = wording.series_start_note("New", "Old", "E10000999", date(2021, 4, 1), "2021-22", in_part=False)
    assert whole.startswith("New replaced Old (E10000999) on 1 April 2021;")
