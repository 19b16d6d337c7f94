"""Two local authorities as one partnership area: Dorset (E06000059) with Bournemouth,
Christchurch and Poole (E06000058), both in the South West.

The combined figures come from the committed extract (data/national); the expected figures
are read from the raw DfE files in ../shared/data/dfe (beside the project) with pandas, not
through the package. DfE's time_period 2024 is the year ending 31 March 2024 (2023-24), and
its rates divide by the ONS estimate for the mid-year before (mid-2023).
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import DataPaths
from analysis.errors import ParameterError
from analysis.national.combined import (NOT_COMBINED, PARTNERSHIP_LEVEL, RECOMPUTED, SUMMED, CombinedAreaError,
                                        combination_method, combination_notes, combine_authorities,
                                        combined_area_row)
from analysis.national.load import UnknownAreaError, load_areas, load_national, national_catalogue
from analysis.rounding import round_half_up

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
REFERRALS_FILE = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
POPULATION_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"

DORSET, BCP = "E06000059", "E06000058"
CODES = [DORSET, BCP]
COMBINED = "P00000001"  # a code of the combined area's own, not an ONS code
NAME = "Dorset partnership"
SOUTH_WEST = "E12000009"
CAMDEN = "E09000007"  # London: a different region


@pytest.fixture(scope="module")
def raw_files() -> Path:
    """The raw DfE files the expected figures are read from: a failure in CI, else a skip."""
    if not RAW.is_dir():
        reason = f"the raw DfE files are not at {RAW}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: they must be there)")
        pytest.skip(reason)
    return RAW


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return load_national(DataPaths().national)


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return national_catalogue(DataPaths().reference)


@pytest.fixture(scope="module")
def combined(national, catalogue) -> pd.DataFrame:
    return combine_authorities(national, catalogue, CODES, COMBINED, NAME)


def _raw_authorities(file: str, time_period: int, **filters) -> pd.DataFrame:
    """The two authorities' rows of a raw DfE file for one time period, as text."""
    raw = pd.read_csv(RAW / file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows = raw[(raw["geographic_level"] == "Local authority") & raw["new_la_code"].isin(CODES)
               & (raw["time_period"] == str(time_period))]
    for column, value in filters.items():
        rows = rows[rows[column] == value]
    assert sorted(rows["new_la_code"]) == sorted(CODES), f"{file} {time_period}: {list(rows['new_la_code'])}"
    return rows


def _raw_total(file: str, column: str, time_period: int, **filters) -> int:
    return sum(int(v) for v in _raw_authorities(file, time_period, **filters)[column])


def _one(frame: pd.DataFrame, indicator_id: str, time_period: int, area_code: str = COMBINED) -> pd.Series:
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["time_period"] == time_period)
                 & (frame["area_code"] == area_code)]
    assert len(rows) == 1, f"{indicator_id} {time_period} {area_code}: {len(rows)} rows"
    return rows.iloc[0]


# ---------------------------------------------------------------- the shape
def test_the_combined_rows_have_the_national_frames_columns_and_dtypes(national, combined):
    assert list(combined.columns) == list(national.columns)
    assert combined.dtypes.to_dict() == national.dtypes.to_dict()
    assert set(combined["area_code"]) == {COMBINED}
    assert set(combined["geographic_level"]) == {PARTNERSHIP_LEVEL}
    assert not combined.duplicated(["indicator_id", "time_period"]).any()


# ---------------------------------------------------------------- 1. counts
@pytest.mark.parametrize("time_period", [2024, 2025])
def test_combined_referrals_are_the_sum_of_the_authorities_referrals_in_the_raw_dfe_file(
        raw_files, combined, time_period):
    row = _one(combined, "cin_referrals", time_period)
    assert row["value"] == _raw_total(REFERRALS_FILE, "referral_count", time_period)
    assert row["symbol"] == ""
    # 2024 by hand from the raw file: 2454 (Dorset) + 3955 (BCP)
    if time_period == 2024:
        assert row["value"] == 6409


# ---------------------------------------------------------------- 2. rates
@pytest.mark.parametrize("time_period", [2024, 2025])
def test_combined_referral_rate_is_recomputed_from_summed_counts_not_averaged(
        raw_files, national, combined, time_period):
    referrals = _raw_total(REFERRALS_FILE, "referral_count", time_period)
    # The rate for the year ending March YYYY divides by the mid-(YYYY-1) estimate.
    children = _raw_total(POPULATION_FILE, "population_estimate", time_period - 1,
                          age_group="Children aged 0 to 17 years")
    row = _one(combined, "cin_referrals_rate", time_period)
    assert row["value"] == round_half_up(referrals / children * 10000, 1)
    assert (row["numerator"], row["denominator"]) == (referrals, children)
    assert row["decimals"] == 1

    rates = [_one(national, "cin_referrals_rate", time_period, code)["value"] for code in CODES]
    mean = sum(rates) / len(rates)
    assert not math.isclose(row["value"], mean, abs_tol=0.05), (row["value"], mean)
    assert not math.isclose(row["value"], round_half_up(mean, 1), abs_tol=0.05)


def test_combined_referral_rate_2024_by_hand(combined):
    # (2454 + 3955) / (66436 + 74472) * 10000 = 454.83..., so 454.8; the mean of 369.4 and 531.1 is 450.25.
    assert _one(combined, "cin_referrals_rate", 2024)["value"] == 454.8


# ---------------------------------------------------------------- 3. percentages and ratios
def test_combined_rereferral_percentage_is_recomputed_from_summed_numerators_and_denominators(
        raw_files, national, combined):
    rereferrals = _raw_total(REFERRALS_FILE, "rereferral_count", 2024)
    referrals = _raw_total(REFERRALS_FILE, "referral_count", 2024)
    row = _one(combined, "cin_rereferrals_pct", 2024)
    assert row["value"] == round_half_up(rereferrals / referrals * 100, 1)
    # By hand: (345 + 998) / (2454 + 3955) = 1343 / 6409 = 20.95...%, so 21.0; the mean of 14.1 and 25.2 is 19.65.
    assert row["value"] == 21.0
    assert (row["numerator"], row["denominator"]) == (1343, 6409)
    published = [_one(national, "cin_rereferrals_pct", 2024, code)["value"] for code in CODES]
    assert row["value"] != round_half_up(sum(published) / 2, 1)


def test_a_whole_number_percentage_stays_a_whole_number(combined):
    # DfE publishes cla_missing_pct as a whole number: 161 / 1346 = 11.96...% is 12, not 12.0 to more places.
    row = _one(combined, "cla_missing_pct", 2024)
    assert row["decimals"] == 0
    assert row["value"] == round_half_up(row["numerator"] / row["denominator"] * 100, 0) == 12


def test_combined_ratio_is_summed_incidents_over_summed_children(national, combined):
    authorities = [_one(national, "cla_missing_incidents_per_child", 2024, code) for code in CODES]
    incidents = sum(r["numerator"] for r in authorities)
    children = sum(r["denominator"] for r in authorities)
    row = _one(combined, "cla_missing_incidents_per_child", 2024)
    # By hand: (448 + 355) / (71 + 90) = 803 / 161 = 4.987..., so 5.0; the mean of 6.3 and 3.9 is 5.1.
    assert row["value"] == round_half_up(incidents / children, 1) == 5.0


# ---------------------------------------------------------------- 4. suppressed or missing
def _synthetic_row(indicator, period, code, value, symbol="", numerator=math.nan, denominator=math.nan,
                   decimals=1):
    return {"indicator_id": indicator, "time_period": period, "geographic_level": "Local authority",
            "area_code": code, "old_la_code": "", "area_name": f"Authority {code[-1]}",
            "region_code": "R1", "region_name": "Region one", "english_region_code": "R1",
            "english_region_name": "Region one", "value": value, "symbol": symbol, "numerator": numerator,
            "denominator": denominator, "source_file": "synthetic.csv", "decimals": decimals}


# Synthetic: two made-up authorities A1 and A2 and a made-up catalogue, not DfE figures.
SYNTHETIC_CATALOGUE = pd.DataFrame([
    {"indicator_id": "synthetic_count", "unit": "count", "method": "published",
     "numerator_columns": "", "denominator_column": ""},
    {"indicator_id": "synthetic_pct", "unit": "percentage", "method": "published",
     "numerator_columns": "part", "denominator_column": "whole"},
    {"indicator_id": "synthetic_change", "unit": "percentage_change", "method": "published",
     "numerator_columns": "", "denominator_column": ""},
])
SYNTHETIC = pd.DataFrame([
    # 2023: both published
    _synthetic_row("synthetic_count", 2023, "A1", 10, decimals=0),
    _synthetic_row("synthetic_count", 2023, "A2", 30, decimals=0),
    _synthetic_row("synthetic_pct", 2023, "A1", 50.0, numerator=1, denominator=2),
    _synthetic_row("synthetic_pct", 2023, "A2", 10.0, numerator=10, denominator=100),
    # 2024: A2 suppressed
    _synthetic_row("synthetic_count", 2024, "A1", 12, decimals=0),
    _synthetic_row("synthetic_count", 2024, "A2", math.nan, "c", decimals=0),
    _synthetic_row("synthetic_pct", 2024, "A1", 40.0, numerator=4, denominator=10),
    _synthetic_row("synthetic_pct", 2024, "A2", math.nan, "c", denominator=90),
    # 2025: A2 has no row at all; A1's percentage is published without its numerator
    _synthetic_row("synthetic_count", 2025, "A1", 14, decimals=0),
    _synthetic_row("synthetic_pct", 2025, "A1", 30.0),
    _synthetic_row("synthetic_pct", 2025, "A2", 20.0, numerator=2, denominator=10),
    # a percentage change: there is no exact way to combine it
    _synthetic_row("synthetic_change", 2025, "A1", 5.0),
    _synthetic_row("synthetic_change", 2025, "A2", 7.0),
])


@pytest.fixture(scope="module")
def synthetic_combined() -> pd.DataFrame:
    return combine_authorities(SYNTHETIC, SYNTHETIC_CATALOGUE, ["A1", "A2"], "P1", "Synthetic partnership")


def test_synthetic_year_with_everything_published_is_combined(synthetic_combined):
    assert _one(synthetic_combined, "synthetic_count", 2023, "P1")["value"] == 40
    # (1 + 10) / (2 + 100) = 10.78...%, so 10.8; the mean of 50 and 10 would be 30.
    assert _one(synthetic_combined, "synthetic_pct", 2023, "P1")["value"] == 10.8


def test_synthetic_year_with_a_suppressed_authority_has_no_combined_number(synthetic_combined):
    for indicator_id in ("synthetic_count", "synthetic_pct"):
        row = _one(synthetic_combined, indicator_id, 2024, "P1")
        assert math.isnan(row["value"]), f"{indicator_id}: {row['value']}"
        assert row["symbol"] == "c"
        assert math.isnan(row["numerator"]) and math.isnan(row["denominator"])


def test_synthetic_year_with_a_missing_authority_or_numerator_has_no_combined_number(synthetic_combined):
    count = _one(synthetic_combined, "synthetic_count", 2025, "P1")  # A2 has no row
    pct = _one(synthetic_combined, "synthetic_pct", 2025, "P1")  # A1 has no numerator
    for row in (count, pct):
        assert math.isnan(row["value"]) and row["symbol"] == "x"


def test_synthetic_indicator_that_cannot_be_combined_has_no_rows(synthetic_combined):
    assert "synthetic_change" not in set(synthetic_combined["indicator_id"])
    assert len(synthetic_combined) == 6  # two indicators x three years


def test_synthetic_authorities_with_the_same_symbol_pass_it_on_and_a_zero_denominator_gives_z():
    # Synthetic: both authorities 'z' (not applicable) in 2023; 0 of 0 in both in 2024.
    frame = pd.DataFrame([
        _synthetic_row("synthetic_pct", 2023, "A1", math.nan, "z"),
        _synthetic_row("synthetic_pct", 2023, "A2", math.nan, "z"),
        _synthetic_row("synthetic_pct", 2024, "A1", 0.0, numerator=0, denominator=0),
        _synthetic_row("synthetic_pct", 2024, "A2", 0.0, numerator=0, denominator=0),
    ])
    combined = combine_authorities(frame, SYNTHETIC_CATALOGUE, ["A1", "A2"], "P1", "Synthetic partnership")
    for time_period in (2023, 2024):
        row = _one(combined, "synthetic_pct", time_period, "P1")
        assert math.isnan(row["value"]) and row["symbol"] == "z", (time_period, row["value"], row["symbol"])


def test_no_combinable_indicator_gives_an_empty_frame_of_the_same_shape():
    # Synthetic: only the percentage change, which is never combined.
    frame = SYNTHETIC[SYNTHETIC["indicator_id"] == "synthetic_change"]
    combined = combine_authorities(frame, SYNTHETIC_CATALOGUE, ["A1", "A2"], "P1", "Synthetic partnership")
    assert combined.empty
    assert list(combined.columns) == list(frame.columns)
    assert combined.dtypes.to_dict() == frame.dtypes.to_dict()


def test_a_real_year_with_a_suppressed_authority_is_shown_as_suppressed(national, combined):
    # Dorset's 2024 trafficking percentage is suppressed (c); BCP's is published.
    assert _one(national, "factor_trafficking_pct", 2024, DORSET)["symbol"] == "c"
    assert _one(national, "factor_trafficking_pct", 2024, BCP)["symbol"] == ""
    row = _one(combined, "factor_trafficking_pct", 2024)
    assert math.isnan(row["value"]) and row["symbol"] == "c"


def test_the_notes_say_how_each_year_was_formed_or_why_not():
    notes = combination_notes(SYNTHETIC, SYNTHETIC_CATALOGUE, ["A1", "A2"]).set_index(["indicator_id", "time_period"])
    assert notes.at[("synthetic_count", 2023), "note"] == SUMMED
    assert notes.at[("synthetic_pct", 2023), "note"] == RECOMPUTED
    assert notes.at[("synthetic_pct", 2024), "note"] == (
        "not combined: the figure for Authority 2 is suppressed to protect confidentiality (small number)")
    assert notes.at[("synthetic_count", 2025), "note"] == "not combined: Authority 2 has no figure for this year"
    assert notes.at[("synthetic_change", 2025), "method"] == NOT_COMBINED


def test_combination_method_follows_the_catalogue(catalogue):
    entries = catalogue.set_index("indicator_id", drop=False)
    assert combination_method(entries.loc["cin_referrals"]) == SUMMED
    assert combination_method(entries.loc["cin_referrals_rate"]) == RECOMPUTED  # divides by the ONS population
    assert combination_method(entries.loc["cin_rereferrals_pct"]) == RECOMPUTED
    assert combination_method(entries.loc["cla_missing_incidents_per_child"]) == RECOMPUTED
    assert combination_method(SYNTHETIC_CATALOGUE.iloc[2]) == NOT_COMBINED


# ---------------------------------------------------------------- 5. errors
def test_an_unknown_code_is_refused(national, catalogue):
    with pytest.raises(UnknownAreaError, match="E06999999"):
        combine_authorities(national, catalogue, [DORSET, "E06999999"], COMBINED)
    with pytest.raises(UnknownAreaError, match=SOUTH_WEST):  # a region, not a local authority
        combine_authorities(national, catalogue, [DORSET, SOUTH_WEST], COMBINED)


@pytest.mark.parametrize("codes", [[DORSET], DORSET, [], [DORSET, DORSET]])
def test_fewer_than_two_authorities_are_refused(national, catalogue, codes):
    with pytest.raises(CombinedAreaError) as raised:
        combine_authorities(national, catalogue, codes, COMBINED)
    assert isinstance(raised.value, ParameterError)


def test_the_combined_code_must_be_new(national, catalogue):
    with pytest.raises(CombinedAreaError, match="already an area"):
        combine_authorities(national, catalogue, CODES, DORSET)


# ---------------------------------------------------------------- 6. the areas table
def test_combined_area_row_takes_the_shared_region():
    areas = load_areas(DataPaths().national)
    row = combined_area_row(areas, CODES, COMBINED, NAME)
    assert list(row.index) == list(areas.columns)
    assert row["area_code"] == COMBINED and row["area_name"] == NAME
    assert row["geographic_level"] == PARTNERSHIP_LEVEL
    assert row["old_la_code"] == ""
    assert (row["region_code"], row["region_name"]) == (SOUTH_WEST, "South West")
    assert (row["english_region_code"], row["english_region_name"]) == (SOUTH_WEST, "South West")


def test_combined_area_row_has_no_region_when_the_authorities_are_in_different_regions():
    row = combined_area_row(load_areas(DataPaths().national), [DORSET, CAMDEN], COMBINED, "Two regions")
    assert row["region_code"] == "" and row["english_region_code"] == ""


def test_combined_area_row_refuses_an_unknown_code():
    with pytest.raises(UnknownAreaError):
        combined_area_row(load_areas(DataPaths().national), [DORSET, "E06999999"], COMBINED, NAME)
