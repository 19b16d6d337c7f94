"""Trends, benchmarks and year-on-year verdicts on a small synthetic national frame.

Expected ranks, quartiles and averages are worked out by hand in the comments.
"""
from __future__ import annotations


import pandas as pd
import pytest
from scipy import stats as st

from analysis import compare
from analysis.national.load import UnknownAreaError, UnknownIndicatorError

NAN = float("nan")
CATALOGUE = pd.DataFrame(
    [
        {"indicator_id": "synthetic_pct", "unit": "percentage", "period_type": "reporting_year", "polarity": "up_bad"},
        {"indicator_id": "synthetic_count", "unit": "count", "period_type": "snapshot_31_march", "polarity": "neutral"},
        {"indicator_id": "synthetic_population", "unit": "count", "period_type": "mid_year", "polarity": "neutral"},
    ]
)


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


# ---------------------------------------------------------------- labels
def test_period_labels():
    assert compare.period_label(2025, "reporting_year") == "2024-25"
    assert compare.period_label(2000, "reporting_year") == "1999-00"
    assert compare.period_label(2025, "snapshot_31_march") == "31 March 2025"
    assert compare.period_label(2024, "mid_year") == "mid-2024"


def test_format_value():
    assert compare.format_value(2086, "count") == "2,086"
    assert compare.format_value(18.25, "percentage", decimals=1) == "18.3%"  # half up
    assert compare.format_value(21, "percentage", decimals=0) == "21%"  # DfE whole numbers stay whole
    assert compare.format_value(NAN, "percentage", "c") == "c"
    assert compare.format_value(591.3, "rate_per_10000").startswith("591.3")


def test_ordinal():
    assert [compare.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "112th"]


# ---------------------------------------------------------------- trend
def test_trend_lists_every_year_oldest_first_with_symbols(national):
    table = compare.trend(national, "synthetic_pct", "E09000903", CATALOGUE)
    assert table["time_period"].tolist() == [2023, 2024, 2025]
    assert table["period"].tolist() == ["2022-23", "2023-24", "2024-25"]
    assert table["display"].tolist() == ["c", "25.0%", "30.0%"]
    assert "suppressed" in table["note"].iloc[0]
    snapshot = compare.trend(national, "synthetic_count", "E09000903", CATALOGUE)
    assert snapshot["period"].tolist() == ["31 March 2024", "31 March 2025"]
    assert compare.trend(national, "synthetic_population", "E09000903", CATALOGUE)["period"].tolist() == ["mid-2024"]


def test_trend_errors(national):
    with pytest.raises(UnknownIndicatorError, match="synthetic_pct"):
        compare.trend(national, "synthetic_pc", "E09000903")
    with pytest.raises(UnknownAreaError, match="E09999999"):
        compare.trend(national, "synthetic_pct", "E09999999")


# ---------------------------------------------------------------- benchmark
def test_benchmark_table_neighbours_regions_and_england(national, neighbours):
    result = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, "up_bad", CATALOGUE)
    table = result.table.set_index("role")
    assert table.loc["area", "value"] == 30.0
    # neighbours 20 and 40 have values, the third is suppressed: (20 + 40) / 2 = 30
    assert table.loc["neighbours", "value"] == pytest.approx(30.0)
    assert "2 of 3 neighbours" in table.loc["neighbours", "note"]
    assert "DfE 2025 model" in table.loc["neighbours", "comparator"]
    assert result.neighbours_with_value == 2 and result.neighbour_model == "2025"
    regions = result.table[result.table.role == "region"]
    assert regions["comparator"].tolist() == ["Inner London", "London"]
    assert table.loc["england", "display"] == "45.0%"


@pytest.mark.parametrize(
    "polarity, rank, quartile",
    [
        # up_bad: lowest first 10, 20, 30 -> 3rd of 7; ceil(4 x 3 / 7) = 2
        ("up_bad", 3, "second quartile"),
        # up_good: highest first 70, 60, 50, 40, 30 -> 5th of 7; ceil(20 / 7) = 3
        ("up_good", 5, "third quartile"),
        # neutral: lowest first -> 3rd of 7, band 2
        ("neutral", 3, "second lowest quartile"),
    ],
)
def test_benchmark_rank_and_quartile_respect_polarity(national, neighbours, polarity, rank, quartile):
    result = compare.benchmark(national, neighbours, "synthetic_pct", "E09000903", 2025, polarity, CATALOGUE)
    assert (result.rank, result.ranked, result.quartile) == (rank, 7, quartile)
    assert result.not_ranked == ["Synthetic Borough 8", "Synthetic Borough 9"]
    assert "2 authorities with a suppressed or unavailable value are not ranked" in result.rank_note
    assert compare.ordinal(rank) in result.summary and quartile in result.summary


def test_suppressed_area_is_not_ranked(national, neighbours):
    result = compare.benchmark(national, neighbours.assign(area_code="E09000908"), "synthetic_pct", "E09000908",
                               2025, "up_bad", CATALOGUE)
    assert result.rank is None and result.quartile is None
    assert "not ranked" in result.rank_note and "suppressed" in result.rank_note


def test_quartile_bands_at_the_boundaries():
    assert compare.quartile_band(1, 4, "up_good") == "best quartile"
    assert compare.quartile_band(4, 4, "up_bad") == "worst quartile"
    assert compare.quartile_band(37, 150, "up_good") == "best quartile"  # 4 x 37 / 150 = 0.99
    assert compare.quartile_band(38, 150, "up_good") == "second quartile"  # 1.01
    assert compare.quartile_band(150, 150, "neutral") == "highest quartile"
    with pytest.raises(ValueError):
        compare.quartile_band(1, 4, "higher")


def test_ties_share_the_better_rank():
    values = pd.Series([10.0, 20.0, 20.0, 40.0], index=list("abcd"))
    assert compare._ranking(values, "up_bad").tolist() == [1, 2, 2, 4]
    assert compare._ranking(values, "up_good").tolist() == [4, 2, 2, 1]


# ---------------------------------------------------------------- year on year
def test_significant_increase_is_said_to_be_significant():
    result = compare.year_on_year(100, 200, "count", polarity="up_bad")
    assert result.significant and result.direction == "increased"
    assert result.verdict.startswith("Increased from 100 to 200 (statistically significant at 95%)")
    assert result.assessment == "worse" and "deterioration" in result.verdict


def test_small_change_is_within_expected_variation():
    result = compare.year_on_year(100, 104, "count")
    assert not result.significant
    assert result.verdict == ("Rose slightly from 100 to 104; the change is within the range expected from "
                              "year-to-year variation (not statistically significant at 95%)")
    assert result.assessment == ""


def test_larger_but_not_significant_fall():
    # 100 -> 80: exact binomial test of 80 out of 180 at 1/2, computed independently here
    p = st.binomtest(80, 180, 0.5).pvalue
    assert p > 0.05
    result = compare.year_on_year(100, 80, "count", what="referrals")
    assert result.verdict.startswith("Referrals fell from 100 to 80; the change is within the range expected")
    assert result.test.p_value == pytest.approx(p)


def test_proportions_and_rates():
    result = compare.year_on_year(30, 60, "proportion", previous_denominator=100, current_denominator=100,
                                  polarity="up_good")
    assert result.significant and result.verdict.startswith("Increased from 30.0% to 60.0%")
    assert result.assessment == "better"
    rate = compare.year_on_year(2241, 2086, "rate", previous_denominator=36040, current_denominator=35276)
    assert not rate.significant
    assert rate.previous == pytest.approx(2241 / 36040 * 10000)
    assert "per 10,000 children" in rate.verdict
    same = compare.year_on_year(50, 50, "count")
    assert same.direction == "no change" and same.verdict == "Stayed the same (50)"


def test_missing_figures_cannot_be_compared():
    result = compare.year_on_year(10, NAN, "count")
    assert result.direction == "not comparable" and "cannot be compared" in result.verdict
    result = compare.year_on_year(10, 12, "proportion", previous_denominator=None, current_denominator=50)
    assert result.direction == "not comparable"


def test_indicator_change_uses_published_figures_and_says_when_suppressed(national):
    change = compare.indicator_change(national, "synthetic_pct", "E09000903", 2025, catalogue=CATALOGUE)
    # 25/100 -> 30/100: z-test p = chi-square without correction, computed independently
    p = st.chi2_contingency([[25, 75], [30, 70]], correction=False)[1]
    assert change.test.p_value == pytest.approx(p)
    assert change.verdict.startswith("Rose from 25.0% to 30.0%; the change is within the range expected")
    suppressed = compare.indicator_change(national, "synthetic_pct", "E09000903", 2024, catalogue=CATALOGUE)
    assert suppressed.direction == "not comparable" and "suppressed" in suppressed.verdict
    assert "2022-23" in suppressed.verdict
    counts = compare.indicator_change(national, "synthetic_count", "E09000903", 2025, catalogue=CATALOGUE)
    assert counts.significant and counts.verdict.startswith("Increased from 100 to 200")
    first_year = compare.indicator_change(national, "synthetic_count", "E09000903", 2024, catalogue=CATALOGUE)
    assert first_year.direction == "not comparable" and "No figure for 31 March 2023" in first_year.verdict


def test_benchmark_refuses_another_areas_neighbours(national, neighbours):
    with pytest.raises(ValueError, match="not E09000904"):
        compare.benchmark(national, neighbours, "synthetic_pct", "E09000904", 2025, "up_bad", CATALOGUE)
