"""Year-on-year verdicts are calibrated: each national measure's test is chosen from how much it
varies across all local authorities in the national extract (analysis.stats.dispersion).

The dispersion is checked against an independent computation (scipy's chi-square tests, and
a quasi-Poisson GLM in statsmodels where it is installed); the choice of test against the
committed extract; estimates are never tested; and the Methods page counts what it states.
"""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.national.indicators import ESTIMATE, INDICATORS, KINDS, load_indicators
from analysis.national.load import load_national, national_catalogue
from analysis.pages.measures import measures_on_pages
from analysis.pages import methods
from analysis.present.wording import year_on_year_verdict
from analysis.stats import compare, dispersion

PATHS = DataPaths()
CAMDEN = "E09000007"


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return load_national(PATHS.national)


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return national_catalogue(PATHS.reference)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return dispersion.dispersion_table(str(PATHS.national), str(PATHS.reference)).set_index("indicator_id")


def panel(kind: str) -> pd.DataFrame:
    """Six authorities over three years, one figure suppressed, with numerators and denominators."""
    rng = np.random.default_rng(7)
    rows = []
    for a in range(6):
        for year in (2022, 2023, 2024):
            n = int(rng.integers(200, 2000))
            x = int(rng.binomial(n, 0.2 + 0.05 * a)) if kind == "proportion" else int(rng.poisson(40 + 30 * a))
            symbol = "c" if (a, year) == (2, 2023) else ""
            rows.append({"indicator_id": "synthetic", "time_period": year, "geographic_level": "Local authority",
                         "area_code": f"E0900090{a}", "value": np.nan if symbol else float(x), "symbol": symbol,
                         "numerator": np.nan if symbol else float(x), "denominator": np.nan if symbol else float(n)})
    rows.append({"indicator_id": "synthetic", "time_period": 2024, "geographic_level": "National",
                 "area_code": "E92000001", "value": 1e6, "symbol": "", "numerator": 1e6, "denominator": 1e7})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the dispersion, independently
@pytest.mark.parametrize("kind", ["count", "rate"])
def test_poisson_dispersion_is_the_pearson_chi_square_over_its_degrees_of_freedom(kind):
    rows = panel(kind)
    pairs = dispersion.pair_statistics(rows, kind)
    # 6 authorities x 2 pairs of years, less the two pairs with the suppressed 2023 figure
    assert len(pairs) == 10
    # each pair: scipy's chi-square goodness of fit of the two counts against counts in proportion
    # to the populations (1 for a count); the dispersion is their sum over the degrees of freedom,
    # one a pair (a model with one underlying rate for each authority and pair of years)
    x2 = 0.0
    for p in pairs.itertuples():
        t1, t2 = (1.0, 1.0) if kind == "count" else (p.t1, p.t2)
        n = p.x1 + p.x2
        x2 += st.chisquare([p.x1, p.x2], [n * t1 / (t1 + t2), n * t2 / (t1 + t2)]).statistic
    assert dispersion.dispersion_of(pairs["z"]) == pytest.approx(x2 / len(pairs))


def test_binomial_dispersion_is_the_pearson_chi_square_over_its_degrees_of_freedom():
    pairs = dispersion.pair_statistics(panel("proportion"), "proportion")
    x2 = sum(st.chi2_contingency([[p.x1, p.t1 - p.x1], [p.x2, p.t2 - p.x2]], correction=False)[0]
             for p in pairs.itertuples())
    assert dispersion.dispersion_of(pairs["z"]) == pytest.approx(x2 / len(pairs))


def test_dispersion_matches_a_quasi_poisson_glm():
    sm = pytest.importorskip("statsmodels.api")
    pairs = dispersion.pair_statistics(panel("rate"), "rate")
    # one row per authority and year of each pair; one intercept per pair; offset log population
    y = np.concatenate([pairs["x1"], pairs["x2"]])
    offset = np.log(np.concatenate([pairs["t1"], pairs["t2"]]))
    exog = np.vstack([np.eye(len(pairs)), np.eye(len(pairs))])
    fit = sm.GLM(y, exog, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
    assert fit.scale == pytest.approx(dispersion.dispersion_of(pairs["z"]))


def test_pairs_without_information_are_left_out():
    rows = pd.DataFrame({"indicator_id": "s", "time_period": [2023, 2024, 2023, 2024],
                         "geographic_level": "Local authority", "area_code": ["A", "A", "B", "B"],
                         "value": [0.0, 0.0, 5.0, 9.0], "symbol": "", "numerator": [0.0, 0.0, 5.0, 9.0],
                         "denominator": [10.0, 10.0, 10.0, 10.0]})
    assert dispersion.pair_statistics(rows, "count")["area_code"].tolist() == ["B"]  # 0 and 0: no information
    assert dispersion.pair_statistics(rows, "proportion")["area_code"].tolist() == ["B"]  # pooled 0%


def test_the_rule():
    threshold, minimum = dispersion.OVERDISPERSION_THRESHOLD, dispersion.MINIMUM_PAIRS
    assert dispersion.choose_method(threshold, minimum) == dispersion.PLAIN
    assert dispersion.choose_method(threshold + 0.01, minimum) == dispersion.QUASI
    assert dispersion.choose_method(50.0, minimum - 1) == dispersion.PLAIN  # too few pairs to measure
    assert dispersion.choose_method(50.0, 1000, estimate=True) == dispersion.NOT_TESTED
    # at the threshold a plain test at 95% calls about 7 in 100 unchanged authorities significant
    assert dispersion.chance_flagged_share(1.0) == pytest.approx(0.05)
    assert dispersion.chance_flagged_share(threshold) == pytest.approx(st.chi2.sf(3.841459 / threshold, 1), rel=1e-5)
    assert 0.06 < dispersion.chance_flagged_share(threshold) < 0.08


# ---------------------------------------------------------------- the committed extract
def test_no_measure_uses_the_plain_test_where_the_national_dispersion_shows_it_would_over_claim(table):
    for indicator_id, row in table.iterrows():
        if INDICATORS_BY_KIND[indicator_id] == ESTIMATE:
            assert row["method"] == dispersion.NOT_TESTED, indicator_id
        elif row["dispersion"] > dispersion.OVERDISPERSION_THRESHOLD and row["pairs"] >= dispersion.MINIMUM_PAIRS:
            assert row["method"] == dispersion.QUASI, indicator_id
            assert row["scale"] == row["dispersion"]
        else:
            assert row["method"] == dispersion.PLAIN, indicator_id
            assert row["scale"] == 1.0


INDICATORS_BY_KIND = {i.indicator_id: i.kind for i in INDICATORS}


def test_with_the_books_method_about_one_in_twenty_authorities_is_flagged(national, table):
    """Under the test each measure gets, the share of authority-year changes called significant
    (normal approximation) stays near the nominal 5%; under the plain test missing incidents per
    child would flag most authorities."""
    critical = st.norm.ppf(0.975)
    for indicator_id, row in table.iterrows():
        if row["method"] == dispersion.NOT_TESTED:
            continue
        z = dispersion.pair_statistics(national[national["indicator_id"] == indicator_id], row["kind"])["z"]
        flagged = float(np.mean(np.abs(z) / np.sqrt(row["scale"]) > critical))
        assert flagged <= 0.10, (indicator_id, flagged)
    assert table.at["cla_missing_incidents_per_child", "flagged_plain"] > 0.5
    assert table.at["cla_missing_incidents_per_child", "dispersion"] > 10


def test_a_page_uses_the_over_dispersed_test_for_missing_incidents(national, catalogue, table):
    change = compare.indicator_change(national, "cla_missing_incidents_per_child", CAMDEN, 2024, catalogue)
    assert change.method == dispersion.QUASI and "quasi-Poisson" in change.test.method
    assert change.dispersion == pytest.approx(table.at["cla_missing_incidents_per_child", "dispersion"])
    # year_on_year alone, with no dispersion given, is the plain test
    assert compare.year_on_year(100, 130, "count").method == dispersion.PLAIN


def test_an_estimate_is_never_tested_and_says_why(national, catalogue):
    period = int(national.loc[(national["indicator_id"] == "population_0_17")
                              & (national["area_code"] == CAMDEN), "time_period"].max())
    change = compare.indicator_change(national, "population_0_17", CAMDEN, period, catalogue)
    assert change.test is None and change.significant is None and change.method == dispersion.NOT_TESTED
    assert change.direction in (compare.UP, compare.DOWN, compare.SAME)
    assert change.not_tested == "an estimate"
    assert "(an estimate: not tested for statistical significance)" in year_on_year_verdict(change)


def test_the_dispersion_is_computed_once_per_extract(national, catalogue):
    meta = catalogue.set_index("indicator_id", drop=False).loc["cin_referrals"]
    first = dispersion.indicator_dispersion(national, meta)
    assert dispersion.indicator_dispersion(national, meta) is first  # kept with the frame
    copy = national.copy()
    assert dispersion.indicator_dispersion(copy, meta) is not first  # another frame is measured again
    dispersion.dispersion_table.cache_clear()
    dispersion.dispersion_table(str(PATHS.national), str(PATHS.reference))
    dispersion.dispersion_table(str(PATHS.national), str(PATHS.reference))
    assert dispersion.dispersion_table.cache_info().hits == 1


# ---------------------------------------------------------------- the catalogue says what is an estimate
def test_the_catalogue_says_which_measures_are_estimates(catalogue):
    assert set(catalogue["kind"]) <= set(KINDS)
    assert list(catalogue.loc[catalogue["kind"] == ESTIMATE, "indicator_id"]) == ["population_0_17"]


def test_a_catalogue_kind_that_is_not_known_is_refused(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    shutil.copy(PATHS.reference / "sections.csv", folder / "sections.csv")
    frame = pd.read_csv(PATHS.reference / "national_indicators.csv", dtype=str, keep_default_na=False)
    frame.loc[frame["indicator_id"] == "cin_referrals", "kind"] = "modelled"
    frame.to_csv(folder / "national_indicators.csv", index=False)
    with pytest.raises(InputError) as caught:
        load_indicators(folder)
    [problem] = caught.value.problems
    assert (problem.column, problem.value) == ("kind", "modelled")
    assert "must be one of recorded, estimate" in problem.rule


# ---------------------------------------------------------------- the Methods page counts what it states
def test_the_measures_on_a_page_are_read_from_its_summary_and_trend_calls():
    code = ('national.trend("cla_missing_pct")\nnational.summary(["cla_missing_pct", "cla_away_pct",\n'
            '    "cla_missing_incidents_per_child"])\npage.trend("knife_longer_trend", "knife_crime_victims_10_24")')
    assert measures_on_pages(code) == ["cla_missing_pct", "cla_away_pct", "cla_missing_incidents_per_child",
                                               "knife_longer_trend"]


def test_the_methods_page_counts_the_editions_tests(table):
    measures = methods.edition_measures()
    assert {"cla_missing_incidents_per_child", "cin_referrals_rate", "population_0_17"} <= set(measures)
    values = methods.verdict_rule_values()
    tested = [m for m in measures if table.at[m, "method"] != dispersion.NOT_TESTED]
    assert values["yoy_tests"]["raw_value"] == len(tested)
    assert values["yoy_chance_flags"]["raw_value"] == pytest.approx(len(tested) * 0.05)
    assert values["yoy_quasi_count"]["raw_value"] + values["yoy_plain_count"]["raw_value"] == len(tested)
    assert values["yoy_untested_measures"]["text"] == "Children aged 0 to 17 (ONS mid-year estimate)"
    assert values["yoy_threshold"]["raw_value"] == dispersion.OVERDISPERSION_THRESHOLD
    # a statistics profile of an area reporting only one section counts that section and the tiles
    few = methods.edition_measures(sections=("children_missing",))
    assert set(few) >= {"cla_missing_pct", "cla_missing_incidents_per_child", "cla_away_pct"}
    assert "cpp_subsequent_pct" not in few


def test_the_measures_the_build_records_are_the_ones_the_methods_page_reads_from_the_notebooks():
    from analysis.pages.measures import measures_by_notebook

    shown = measures_by_notebook(sorted(methods.NOTEBOOKS.glob("*.ipynb")))
    assert shown["05_children_looked_after"] and not shown["90_data_dictionary"]
    assert methods.edition_measures(shown=shown) == methods.edition_measures()
    assert methods.edition_measures(shown={**shown, "05_children_looked_after": []}) != methods.edition_measures()
