"""Trends, benchmarks and year-on-year changes, as numbers, on a small synthetic national frame.

Expected ranks, quartile bands, averages and test results are worked out by hand or by
another method in the comments.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats as st

from analysis.national.load import UnknownAreaError, UnknownIndicatorError
from analysis.stats import compare

NAN = float("nan")
CATALOGUE = pd.DataFrame(
    [
        {"indicator_id": "synthetic_pct", "unit": "percentage", "period_type": "reporting_year", "polarity": "up_bad"},
        {"indicator_id": "synthetic_count", "unit": "count", "period_type": "snapshot_31_march", "polarity": "neutral"},
        {"indicator_id": "synthetic_population", "unit": "count", "period_type": "mid_year", "polarity": "neutral"},
    ]
)


def with_polarity(indicator_id: str, polarity: str) -> pd.DataFrame:
    catalogue = CATALOGUE.copy()
    catalogue.loc[catalogue["indicator_id"] == indicator_id, "polarity"] = polarity
    return catalogue


def row(indicator, period, code, name, level, value, symbol="", numerator=NAN, denominator=NAN,
        region=("", ""), english=("", ""), decimals=1):
    return {
        "indicator_id": indicator, "time_period": period, "geographic_level": level, "area_code": code,
        "old_la_code": "", "area_name": name, "region_code": region[0], "region_name": region[1],
        "english_region_code": english[0], "english_region_name": english[1], "value": value, "symbol": symbol,
        "numerator": numerator, "denominator": denominator, "source_file": "synthetic.csv", "decimals": decimals,
    }


INNER = ("E13000001", "Inner London")
LONDON = ("E12000007", "London")
LA_VALUES = {  # synthetic_pct in 2025: seven values, two not published
    "E09000901": 10.0, "E09000902": 20.0, "E09000903": 30.0, "E09000904": 40.0,
    "E09000905": 50.0, "E09000906": 60.0, "E09000907": 70.0, "E09000908": "c", "E09000909": "x",
}


@pytest.fixture()
def national() -> pd.DataFrame:
    rows = []
    for code, v in LA_VALUES.items():
        name = f"Synthetic Borough {code[-1]}"
        if isinstance(v, str):
            rows.append(row("synthetic_pct", 2025, code, name, "Local authority", NAN, v, region=INNER, english=LONDON))
        else:
            rows.append(row("synthetic_pct", 2025, code, name, "Local authority", v, numerator=v, denominator=100,
                            region=INNER, english=LONDON))
    rows += [
        row("synthetic_pct", 2025, "E13000001", "Inner London", "Regional", 35.0, region=INNER, english=LONDON),
        row("synthetic_pct", 2025, "E12000007", "London", "Regional", 33.0, region=LONDON, english=LONDON),
        row("synthetic_pct", 2025, "E92000001", "England", "National", 45.0),
        row("synthetic_pct", 2024, "E09000903", "Synthetic Borough 3", "Local authority", 25.0, numerator=25,
            denominator=100, region=INNER, english=LONDON),
        row("synthetic_pct", 2023, "E09000903", "Synthetic Borough 3", "Local authority", NAN, "c",
            region=INNER, english=LONDON),
        row("synthetic_count", 2024, "E09000903", "Synthetic Borough 3", "Local authority", 100.0, decimals=0),
        row("synthetic_count", 2025, "E09000903", "Synthetic Borough 3", "Local authority", 200.0, decimals=0),
        row("synthetic_population", 2024, "E09000903", "Synthetic Borough 3", "Local authority", 35276.0, decimals=0),
    ]
    return pd.DataFrame(rows)


@pytest.fixture()
def neighbours() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": "2025", "area_code": "E09000903", "rank": [1, 2, 3],
            "neighbour_code": ["E09000902", "E09000904", "E09000908"],
            "neighbour_name": ["Synthetic Borough 2", "Synthetic Borough 4", "Synthetic Borough 8"],
            "closeness": ["Close", "Close", "Not close"],
        }
    )


# ---------------------------------------------------------------- trend
def test_trend_lists_every_year_oldest_first_with_symbols(national):
    table = compare.trend(national, "synthetic_pct", "E09000903", CATALOGUE)
    assert table["time_period"].tolist() == [2023, 2024, 2025]
    assert table["period"].tolist() == ["2022-23", "2023-24", "2024-25"]
    assert table["symbol"].tolist() == ["c", "", ""]
    assert math.isnan(table["value"].iloc[0]) and table["value"].tolist()[1:] == [25.0, 30.0]
    snapshot = compare.trend(national, "synthetic_count", "E09000903", CATALOGUE)
    assert snapshot["period"].tolist() == ["31 March 2024", "31 March 2025"]
    assert compare.trend(national, "synthetic_population", "E09000903", CATALOGUE)["period"].tolist() == ["mid-2024"]


def test_trend_errors(national):
    with pytest.raises(UnknownIndicatorError, match="synthetic_pct"):
        compare.trend(national, "synthetic_pc", "E09000903", CATALOGUE)
    with pytest.raises(UnknownAreaError, match="E09999999"):
        compare.trend(national, "synthetic_pct", "E09999999", CATALOGUE)


def test_the_catalogue_must_describe_the_indicator(national, neighbours):
    catalogue = CATALOGUE[CATALOGUE["indicator_id"] != "synthetic_pct"]
    with pytest.raises(UnknownIndicatorError, match="not in the catalogue"):
        compare.trend(national, "synthetic_pct", "E09000903", catalogue)
    with pytest.raises(UnknownIndicatorError, match="not in the catalogue"):
        compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, catalogue)
    with pytest.raises(UnknownIndicatorError, match="not in the catalogue"):
        compare.indicator_change(national, "synthetic_pct", "E09000903", 2025, catalogue)


# ---------------------------------------------------------------- benchmark
def test_benchmark_table_neighbours_regions_and_england(national, neighbours):
    result = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    table = result.table.set_index("role")
    assert (result.value, result.symbol, result.decimals, result.unit) == (30.0, "", 1, "percentage")
    assert table.loc["area", "value"] == 30.0
    # neighbours 20 and 40 have values, the third is suppressed: (20 + 40) / 2 = 30
    assert result.neighbour_average == pytest.approx(30.0)
    assert table.loc["neighbours", "value"] == pytest.approx(30.0)
    assert result.neighbours_with_value == 2 and len(result.neighbours) == 3
    assert result.neighbours["symbol"].tolist() == ["", "", "c"]
    assert result.neighbour_model == "2025"
    regions = result.table[result.table.role == "region"]
    assert regions["area_name"].tolist() == ["Inner London", "London"]
    assert table.loc["england", "value"] == 45.0


def test_neighbour_average_when_every_neighbour_is_suppressed(national, neighbours):
    only_suppressed = neighbours[neighbours["neighbour_code"] == "E09000908"]
    result = compare.benchmark(national, only_suppressed, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    assert result.neighbours_with_value == 0 and math.isnan(result.neighbour_average)
    assert result.table.set_index("role").loc["neighbours", "symbol"] == "x"


def test_a_neighbour_missing_from_the_extract_counts_as_not_available(national, neighbours):
    absent = neighbours.assign(neighbour_code=["E09000902", "E09000904", "E09000999"])
    result = compare.benchmark(national, absent, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    assert result.neighbours["symbol"].tolist() == ["", "", "x"]
    assert result.neighbours_with_value == 2 and result.neighbour_average == pytest.approx(30.0)


@pytest.mark.parametrize(
    "polarity, rank, band",
    [
        # up_bad: lowest first 10, 20, 30 -> 3rd of 7; ceil(4 x 3 / 7) = 2
        ("up_bad", 3, 2),
        # up_good: highest first 70, 60, 50, 40, 30 -> 5th of 7; ceil(20 / 7) = 3
        ("up_good", 5, 3),
        # neutral: lowest first -> 3rd of 7, band 2
        ("neutral", 3, 2),
    ],
)
def test_benchmark_rank_and_quartile_respect_polarity(national, neighbours, polarity, rank, band):
    result = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025,
                               with_polarity("synthetic_pct", polarity))
    assert (result.polarity, result.rank, result.ranked, result.quartile) == (polarity, rank, 7, band)
    assert result.not_ranked == ["Synthetic Borough 8", "Synthetic Borough 9"]


def test_suppressed_area_is_not_ranked(national, neighbours):
    result = compare.benchmark(national, neighbours.assign(area_code="E09000908"), "synthetic_pct", "E09000908",
                               2025, CATALOGUE)
    assert result.rank is None and result.quartile is None
    assert result.symbol == "c" and math.isnan(result.value)
    assert result.ranked == 7 and len(result.not_ranked) == 2


def test_quartile_bands_at_the_boundaries():
    assert compare.quartile_band(1, 4) == 1
    assert compare.quartile_band(4, 4) == 4
    assert compare.quartile_band(37, 150) == 1  # 4 x 37 / 150 = 0.99
    assert compare.quartile_band(38, 150) == 2  # 1.01
    assert compare.quartile_band(75, 150) == 2  # exactly 2
    assert compare.quartile_band(76, 150) == 3
    assert compare.quartile_band(150, 150) == 4
    with pytest.raises(ValueError, match="rank must be between"):
        compare.quartile_band(151, 150)
    with pytest.raises(ValueError, match="rank must be between"):
        compare.quartile_band(0, 150)


def test_ties_share_the_better_rank():
    values = pd.Series([10.0, 20.0, 20.0, 40.0], index=list("abcd"))
    assert compare.rank_values(values, "up_bad").tolist() == [1, 2, 2, 4]
    assert compare.rank_values(values, "neutral").tolist() == [1, 2, 2, 4]
    assert compare.rank_values(values, "up_good").tolist() == [4, 2, 2, 1]
    with pytest.raises(ValueError, match="polarity"):
        compare.rank_values(values, "higher")


def test_benchmark_refuses_another_areas_neighbours(national, neighbours):
    with pytest.raises(ValueError, match="not E09000904"):
        compare.benchmark(national, neighbours, "synthetic_pct", "E09000904", 2025, CATALOGUE)


# ---------------------------------------------------------------- year on year
def test_significant_increase():
    result = compare.year_on_year(100, 200, "count", polarity="up_bad")
    # exact conditional test: 200 of 300 events in the later year against 1/2
    assert result.test.p_value == pytest.approx(st.binomtest(200, 300, 0.5).pvalue)
    assert result.significant and result.direction == compare.UP
    assert result.test.estimate == pytest.approx(2.0)  # rate ratio 200 / 100
    assert result.test.lower > 1 and result.test.upper > 2
    assert result.assessment == "worse"
    assert (result.change, result.relative_change) == (100, 1.0)


def test_a_significant_change_is_better_or_worse_by_polarity():
    assert compare.year_on_year(200, 100, "count", polarity="up_bad").assessment == "better"
    assert compare.year_on_year(200, 100, "count", polarity="up_good").assessment == "worse"
    assert compare.year_on_year(100, 200, "count", polarity="up_good").assessment == "better"
    assert compare.year_on_year(100, 200, "count", polarity="neutral").assessment == ""


def test_small_change_is_not_significant():
    result = compare.year_on_year(100, 104, "count", polarity="up_bad")
    assert result.significant is False and result.direction == compare.UP
    assert result.relative_change == pytest.approx(0.04)
    assert result.assessment == ""  # not significant: neither better nor worse


def test_larger_but_not_significant_fall():
    # 100 -> 80: exact binomial test of 80 out of 180 at 1/2, computed independently here
    p = st.binomtest(80, 180, 0.5).pvalue
    assert p > 0.05
    result = compare.year_on_year(100, 80, "count")
    assert result.direction == compare.DOWN and not result.significant
    assert result.test.p_value == pytest.approx(p)


def test_proportions_and_rates():
    result = compare.year_on_year(30, 60, "proportion", previous_denominator=100, current_denominator=100,
                                  polarity="up_good")
    assert result.significant and result.direction == compare.UP and result.assessment == "better"
    assert (result.unit, result.decimals, result.previous, result.current) == ("percentage", 1, 30.0, 60.0)
    assert result.test.estimate == pytest.approx(0.30)  # difference in proportions 0.6 - 0.3
    rate = compare.year_on_year(2241, 2086, "rate", previous_denominator=36040, current_denominator=35276)
    assert not rate.significant and rate.direction == compare.DOWN
    assert rate.previous == pytest.approx(2241 / 36040 * 10000)
    assert rate.unit == "rate_per_10000"
    ratio = compare.year_on_year(50, 60, "rate", previous_denominator=10, current_denominator=10, per=1)
    assert ratio.unit == "ratio" and ratio.current == pytest.approx(6.0)


def test_the_direction_is_the_tested_change_never_the_rounding():
    assert compare.year_on_year(50, 50, "count").direction == compare.SAME
    # 59.2 and 58.8 published as whole numbers both show as 59: the change is still down, and
    # whether it is real is the test's to say (not significant), not the rounding's
    same = compare.year_on_year(592, 588, "rate", previous_denominator=100000, current_denominator=100000,
                                published=(59.0, 59.0), published_decimals=0)
    assert same.direction == compare.DOWN and same.change < 0 and same.shown_equal
    assert same.significant is False
    assert (same.shown_previous, same.shown_current, same.decimals) == (59.0, 59.0, 0)
    moved = compare.year_on_year(592, 588, "rate", previous_denominator=100000, current_denominator=100000,
                                 published=(59.2, 58.8), published_decimals=1)
    assert moved.direction == compare.DOWN and not moved.shown_equal
    # a significant change whose figures round to the same as shown is still a significant change
    large = compare.year_on_year(5920000, 5880000, "rate", previous_denominator=1e8, current_denominator=1e8,
                                 published=(592.0, 588.0), published_decimals=0, polarity="up_bad")
    # 2.04 and 2.00 incidents a child, both published as 2
    rounded = compare.year_on_year(2040000, 2000000, "rate", previous_denominator=1e6, current_denominator=1e6,
                                   per=1, published=(2.0, 2.0), published_decimals=0)
    assert large.significant and large.direction == compare.DOWN and large.assessment == "better"
    assert rounded.significant and rounded.direction == compare.DOWN and rounded.shown_equal


def test_an_over_dispersed_test_is_the_plain_normal_test_with_its_variance_scaled():
    plain = compare.year_on_year(100, 150, "count")
    quasi = compare.year_on_year(100, 150, "count", dispersion=10.0)
    assert plain.significant and not quasi.significant
    assert (plain.method, quasi.method, quasi.dispersion) == ("plain", "over-dispersed", 10.0)
    # chi-square of the two counts against equal expected counts, divided by the dispersion
    assert quasi.test.p_value == pytest.approx(st.chi2.sf(st.chisquare([100, 150]).statistic / 10, 1))
    # a dispersion of 1 or less (or None) is the plain test
    assert compare.year_on_year(100, 150, "count", dispersion=1.0).test == plain.test
    untested = compare.year_on_year(100, 150, "count", not_tested="an estimate")
    assert untested.test is None and untested.method == "not tested" and untested.direction == compare.UP


def test_missing_figures_cannot_be_compared():
    result = compare.year_on_year(10, NAN, "count")
    assert result.direction == compare.NOT_COMPARABLE and result.test is None and result.significant is None
    assert result.missing_year is None
    result = compare.year_on_year(10, 12, "proportion", previous_denominator=None, current_denominator=50)
    assert result.direction == compare.NOT_COMPARABLE


def test_year_on_year_checks_its_arguments():
    with pytest.raises(ValueError, match="kind"):
        compare.year_on_year(1, 2, "share")
    with pytest.raises(ValueError, match="polarity"):
        compare.year_on_year(1, 2, "count", polarity="higher")


def test_indicator_change_uses_published_figures(national):
    change = compare.indicator_change(national, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    # 25/100 -> 30/100: z-test p = chi-square without correction, computed independently
    p = st.chi2_contingency([[25, 75], [30, 70]], correction=False)[1]
    assert change.test.p_value == pytest.approx(p) and not change.significant
    assert change.direction == compare.UP and change.kind == "proportion"
    assert (change.shown_previous, change.shown_current, change.unit, change.decimals) == (25.0, 30.0, "percentage", 1)
    counts = compare.indicator_change(national, "synthetic_count", "E09000903", 2025, CATALOGUE)
    assert counts.significant and counts.direction == compare.UP and counts.decimals == 0
    assert counts.assessment == ""  # neutral in the catalogue


def test_indicator_change_takes_the_polarity_from_the_catalogue(national):
    worse = compare.indicator_change(national, "synthetic_count", "E09000903", 2025,
                                     with_polarity("synthetic_count", "up_bad"))
    assert worse.assessment == "worse"
    better = compare.indicator_change(national, "synthetic_count", "E09000903", 2025,
                                      with_polarity("synthetic_count", "up_good"))
    assert better.assessment == "better"


def test_indicator_change_says_which_year_cannot_be_compared(national):
    suppressed = compare.indicator_change(national, "synthetic_pct", "E09000903", 2024, CATALOGUE)
    assert suppressed.direction == compare.NOT_COMPARABLE
    assert (suppressed.missing_year, suppressed.missing_symbol, suppressed.period_type) == (2023, "c", "reporting_year")
    first_year = compare.indicator_change(national, "synthetic_count", "E09000903", 2024, CATALOGUE)
    assert first_year.direction == compare.NOT_COMPARABLE
    assert (first_year.missing_year, first_year.missing_symbol) == (2023, "")
    assert first_year.period_type == "snapshot_31_march"


# ---------------------------------------------------------------- reorganisation
def _reorganised(old_code_of_successor: str) -> pd.DataFrame:
    """A county replaced by a unitary on 1 April 2023: the county's rows up to 2023, the
    unitary's from 2022 (DfE published both for 2022-23 in some tables)."""
    rows = []
    for period, value in ((2021, 11.0), (2022, 12.0), (2023, 13.0)):
        rows.append(dict(row("synthetic_pct", period, "E10000901", "Synthetic County", "Local authority", value),
                         old_la_code="901"))
    for period, value in ((2023, 23.0), (2024, 24.0), (2025, 25.0)):
        rows.append(dict(row("synthetic_pct", period, "E06000901", "Synthetic Unitary", "Local authority", value),
                         old_la_code=old_code_of_successor))
    return pd.DataFrame(rows)


def test_a_successor_published_under_the_same_dfe_code_continues_its_predecessors_series():
    national = _reorganised("901")
    table = compare.trend(national, "synthetic_pct", "E06000901", CATALOGUE, predecessors=["E10000901"])
    assert table["time_period"].tolist() == [2021, 2022, 2023, 2024, 2025]
    # the successor's own row wins for a year both have; joined rows keep the predecessor's code
    assert table["value"].tolist() == [11.0, 12.0, 23.0, 24.0, 25.0]
    assert table["area_code"].tolist() == ["E10000901"] * 2 + ["E06000901"] * 3
    assert compare.joined_predecessors(national, "E06000901", ["E10000901"]) == ["E10000901"]


def test_a_successor_with_its_own_dfe_code_starts_its_own_series():
    national = _reorganised("942")  # a county split in two: each part has a new authority code
    table = compare.trend(national, "synthetic_pct", "E06000901", CATALOGUE, predecessors=["E10000901"])
    assert table["time_period"].tolist() == [2023, 2024, 2025]
    assert compare.joined_predecessors(national, "E06000901", ["E10000901"]) == []
    unjoined = compare.trend(national, "synthetic_pct", "E06000901", CATALOGUE)
    assert unjoined["time_period"].tolist() == [2023, 2024, 2025]


def test_an_abolished_authority_is_not_counted_as_suppressed(national, neighbours):
    abolished = row("synthetic_pct", 2025, "E10000909", "Synthetic Abolished County", "Local authority", NAN, "z")
    national = pd.concat([national, pd.DataFrame([abolished])], ignore_index=True)
    counted = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    assert "Synthetic Abolished County" in counted.not_ranked
    result = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, CATALOGUE,
                               abolished=["E10000909"])
    assert result.not_ranked == ["Synthetic Borough 8", "Synthetic Borough 9"]
    assert (result.rank, result.ranked) == (counted.rank, counted.ranked)


def test_the_neighbours_average_is_shown_only_with_enough_neighbours(national, neighbours):
    minimum = compare.MINIMUM_NEIGHBOURS_FOR_AVERAGE
    result = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    assert (result.neighbours_with_value, result.neighbours_in_model) == (2, 3)
    assert result.neighbour_average_shown is (2 >= minimum)
    # enough neighbours with a value: every borough with a published value but the area itself
    published = [code for code, v in LA_VALUES.items() if not isinstance(v, str) and code != "E09000903"]
    many = pd.DataFrame({"model": "2025", "area_code": "E09000903", "rank": range(1, len(published) + 1),
                         "neighbour_code": published, "neighbour_name": published, "closeness": "Close"})
    result = compare.benchmark(national, many, "synthetic_pct", "E09000903", 2025, CATALOGUE)
    assert result.neighbours_with_value == len(published)
    assert result.neighbour_average_shown is (len(published) >= minimum)
    for used in (minimum - 1, minimum):
        fewer = compare.benchmark(national, many.head(used), "synthetic_pct", "E09000903", 2025, CATALOGUE)
        assert fewer.neighbour_average_shown is (used >= minimum)


def test_the_change_on_the_year_before_crosses_a_reorganisation_where_the_series_continues():
    """North Yorkshire (E06000065, from 1 April 2023) against its county's last year (E10000023),
    both published by DfE under authority code 815, in the committed extract."""
    from analysis.config import DataPaths
    from analysis.national.load import load_national, national_catalogue

    national, catalogue = load_national(DataPaths().national), national_catalogue()
    county = national[(national["indicator_id"] == "cin_referrals") & (national["area_code"] == "E10000023")
                      & (national["time_period"] == 2023)]["value"].iloc[0]
    unitary = national[(national["indicator_id"] == "cin_referrals") & (national["area_code"] == "E06000065")
                       & (national["time_period"] == 2024)]["value"].iloc[0]
    alone = compare.indicator_change(national, "cin_referrals", "E06000065", 2024, catalogue)
    assert alone.direction == compare.NOT_COMPARABLE and alone.missing_year == 2023
    joined = compare.indicator_change(national, "cin_referrals", "E06000065", 2024, catalogue,
                                      predecessors=["E10000023"])
    assert joined.direction != compare.NOT_COMPARABLE
    assert (joined.previous, joined.current) == (county, unitary)
    # Cumbria was split in two, each part with a code of its own: no change across the split.
    split = compare.indicator_change(national, "cin_referrals", "E06000063", 2024, catalogue,
                                     predecessors=["E10000006"])
    assert split.direction == compare.NOT_COMPARABLE
