"""The national importer, its outputs and the loaders, on synthetic fixtures and (when
present) on the real DfE files in ../shared/data/dfe.

Expected values are worked out by hand from the fixture text (synthetic) or read
independently from the raw files with the csv module (real data).
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.national import load
from analysis.national.extract import EXTRACT_COLUMNS
from analysis.national.importer import import_national
from analysis.national.indicators import CATALOGUE_COLUMNS, INDICATORS, INDICATORS_BY_ID, load_indicators
from analysis.national.tables import wide
from analysis.rounding import round_half_up

NATIONAL_DIR = DataPaths().national
REFERENCE_DIR = DataPaths().reference
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ees"
VALID = FIXTURES / "synthetic_valid"
MALFORMED = FIXTURES / "synthetic_malformed"
SHARED_DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    summary = import_national(VALID, out, today=date(2025, 7, 1))
    extract = pd.read_csv(out / "national_indicators.csv", dtype=str, keep_default_na=False)
    return out, summary, extract


def cell(extract: pd.DataFrame, indicator: str, period: int, area: str) -> dict:
    rows = extract[(extract.indicator_id == indicator) & (extract.time_period == str(period))
                   & (extract.area_code == area)]
    assert len(rows) == 1, (indicator, period, area, len(rows))
    return rows.iloc[0].to_dict()


# ---------------------------------------------------------------- synthetic import
def test_summary_lists_files_read_skipped_and_written(synthetic):
    out, summary, _ = synthetic
    read = {f.file: f.rows_read for f in summary.files}
    assert read == {"synthetic_cla_missing.csv": 23, "synthetic_cla_stability.csv": 6,
                    "synthetic_population_ons.csv": 15, "synthetic_referrals_c1.csv": 15,
                    "synthetic_sn_2025.csv": 4}
    extracted = {f.file: f.rows_extracted for f in summary.files}
    # five indicators come from the 15 rows of the referrals table; 4 authorities x 10 neighbours
    assert (extracted["synthetic_referrals_c1.csv"], extracted["synthetic_sn_2025.csv"]) == (5 * 15, 4 * 10)
    assert [name for name, _ in summary.skipped] == ["synthetic_unrelated_table.csv"]
    assert set(summary.outputs) == {"national_indicators.csv", "areas.csv", "statistical_neighbours.csv",
                                    "provenance.json"}
    assert all(f.seconds >= 0 for f in summary.files) and summary.seconds > 0
    text = summary.report()
    assert "synthetic_referrals_c1.csv" in text and "skipped synthetic_unrelated_table.csv" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(summary.outputs)  # no temporary files left


def test_extract_columns_and_sorting(synthetic):
    _, _, extract = synthetic
    assert tuple(extract.columns) == EXTRACT_COLUMNS
    order = [i.indicator_id for i in INDICATORS]
    positions = extract.indicator_id.map(order.index)
    assert positions.is_monotonic_increasing


def test_rates_use_previous_mid_year_and_round_half_up(synthetic):
    _, _, extract = synthetic
    # 100 referrals in 2024-25 / mid-2024 population 10,000 x 10,000
    assert cell(extract, "cin_referrals_rate", 2025, "E09000901")["value"] == "100"
    # 100 / 30,000 x 10,000 = 33.33...
    assert cell(extract, "cin_referrals_rate", 2025, "E09000903")["value"] == "33.3"
    # 1 / 40,000 x 10,000 = 0.25 exactly: half up gives 0.3 (Python's round gives 0.2)
    assert cell(extract, "cin_referrals_rate", 2025, "E09000904")["value"] == "0.3"
    # England 2023-24: 900 / mid-2023 99,000 x 10,000 = 90.909...
    row = cell(extract, "cin_referrals_rate", 2024, "E92000001")
    assert (row["value"], row["numerator"], row["denominator"]) == ("90.9", "900", "99000")
    # population 'x' for Borough B in mid-2024: the rate is not available, never 0
    row = cell(extract, "cin_referrals_rate", 2025, "E09000902")
    assert (row["value"], row["symbol"]) == ("", "x")


def test_symbols_are_missing_with_a_reason_never_zero(synthetic):
    _, _, extract = synthetic
    expectations = [
        ("cin_referrals_nfa_pct", 2025, "E09000901", "c"),
        ("cin_rereferrals_pct", 2025, "E09000903", "x"),
        ("cin_rereferrals_pct", 2024, "E09000901", "u"),
        ("cla_missing_pct", 2024, "E09000902", "k"),
        ("cla_missing_pct", 2024, "E09000903", "z"),
        ("cla_missing_pct", 2023, "E09000901", ":"),
        ("cla_missing_incidents_per_child", 2024, "E09000903", "low"),
        ("cla_three_or_more_placements_pct", 2025, "E09000902", "c"),
    ]
    for indicator, period, area, symbol in expectations:
        row = cell(extract, indicator, period, area)
        assert (row["value"], row["symbol"]) == ("", symbol), (indicator, period, area)
    # a real zero stays a zero
    row = cell(extract, "cla_missing_children", 2024, "E09000903")
    assert (row["value"], row["symbol"]) == ("0", "")


def test_published_percentages_keep_their_numerator_and_denominator(synthetic):
    _, _, extract = synthetic
    row = cell(extract, "cin_rereferrals_pct", 2025, "E13000001")
    assert (row["value"], row["numerator"], row["denominator"]) == ("22.4", "45", "201")
    row = cell(extract, "cla_missing_pct", 2024, "E09000901")  # whole-number percentage as published
    assert (row["value"], row["numerator"], row["denominator"]) == ("15", "30", "200")
    row = cell(extract, "cla_missing_incidents_per_child", 2024, "E09000901")
    assert (row["value"], row["numerator"], row["denominator"]) == ("8.5", "255", "30")


def test_areas_use_latest_names_and_london_subregions(synthetic):
    out, _, _ = synthetic
    areas = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False).set_index("area_code")
    assert list(areas.columns[:5]) == ["old_la_code", "area_name", "geographic_level", "region_code", "region_name"]
    assert areas.loc["E09000901", "area_name"] == "Synthetic Borough A"  # not "(old name)" from 2024
    assert areas.loc["E09000901", ["region_code", "english_region_code"]].tolist() == ["E13000001", "E12000007"]
    assert areas.loc["E13000001", "geographic_level"] == "Regional"
    assert areas.loc["E13000002", "english_region_name"] == "London"
    assert areas.loc["E92000001", "geographic_level"] == "National"


def test_statistical_neighbours_are_mapped_to_new_codes(synthetic):
    out, summary, _ = synthetic
    sn = pd.read_csv(out / "statistical_neighbours.csv", dtype=str, keep_default_na=False)
    a = sn[(sn.model == "2025") & (sn.area_code == "E09000901")].sort_values("rank", key=lambda r: r.astype(int))
    assert a["neighbour_old_la_code"].tolist()[:3] == ["902", "904", "903"]
    assert a["neighbour_code"].tolist()[:3] == ["E09000902", "E09000904", "E09000903"]
    assert a["closeness"].tolist()[:2] == ["Very close", "Close"]  # "Close " trimmed
    assert a["neighbour_code"].tolist()[3] == ""  # 990 is in no EES file
    assert any("990" in w for w in summary.warnings)


def test_provenance_records_sources_and_is_deterministic(synthetic, tmp_path):
    out, _, _ = synthetic
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["import_date"] == "2025-07-01"
    sources = {s["file"]: s for s in provenance["source_files"]}
    for name, source in sources.items():
        data = (VALID / name).read_bytes()
        assert source["sha256"] == hashlib.sha256(data).hexdigest()
        assert source["size_bytes"] == len(data)
        assert source["licence"] == "Open Government Licence v3.0"
    assert sources["synthetic_population_ons.csv"]["publication"] == "ONS mid-year population estimates (via DfE)"
    assert sources["synthetic_referrals_c1.csv"]["publication"] == "Children in need"
    assert sources["synthetic_referrals_c1.csv"]["time_periods"] == [2024, 2025]
    assert sources["synthetic_sn_2025.csv"]["publication"] == "Statistical neighbour model"
    ids = [i["indicator_id"] for i in provenance["indicators"]]
    indicators = dict(zip(ids, provenance["indicators"]))
    assert indicators["cin_referrals_rate"]["population_file"] == "synthetic_population_ons.csv"
    assert "population_file" not in indicators["cin_referrals"]
    assert "cin_referrals_rate" in ids and "cla_away_pct" not in ids  # no rows for it in the fixture
    again = tmp_path / "again"
    import_national(VALID, again, today=date(2025, 7, 1))
    for name in ("national_indicators.csv", "areas.csv", "statistical_neighbours.csv", "provenance.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_failed_import_leaves_the_existing_extract_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "national_indicators.csv").write_text("previous good extract\n")
    source = tmp_path / "source"
    shutil.copytree(VALID, source)
    shutil.copy(MALFORMED / "synthetic_bad_neighbours_sn_2025.csv", source / "synthetic_sn_2025.csv")
    with pytest.raises(InputError):
        import_national(source, out)
    assert (out / "national_indicators.csv").read_text() == "previous good extract\n"
    assert [p.name for p in out.iterdir()] == ["national_indicators.csv"]


def test_a_write_failure_renames_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "national_indicators.csv").write_text("previous good extract\n")
    calls = {"n": 0}
    original = Path.write_bytes

    def failing(self, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError):
        import_national(VALID, out)
    assert (out / "national_indicators.csv").read_text() == "previous good extract\n"
    assert [p.name for p in out.iterdir()] == ["national_indicators.csv"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as caught:
        import_national(tmp_path / "nowhere", tmp_path / "out")
    assert "does not exist" in str(caught.value)


def test_folder_without_known_files_is_a_clear_error(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(VALID / "synthetic_unrelated_table.csv", source)
    with pytest.raises(InputError) as caught:
        import_national(source, tmp_path / "out")
    assert "no EES file the importer knows" in str(caught.value)


# ---------------------------------------------------------------- loaders
def test_load_national_joins_area_and_source(synthetic):
    out, _, _ = synthetic
    frame = load.load_national(out)
    assert list(frame.columns) == load.NATIONAL_COLUMNS
    row = frame[(frame.indicator_id == "cin_referrals_rate") & (frame.time_period == 2025)
                & (frame.area_code == "E09000901")].iloc[0]
    assert row.area_name == "Synthetic Borough A" and row.geographic_level == "Local authority"
    assert row.source_file == "synthetic_referrals_c1.csv"
    assert row.value == 100.0 and row.decimals == 1
    suppressed = frame[(frame.indicator_id == "cin_referrals_nfa_pct") & (frame.area_code == "E09000901")]
    assert suppressed.value.isna().all() and set(suppressed.symbol) == {"c"}


def test_area_name_and_clear_errors(synthetic):
    out, _, _ = synthetic
    assert load.area_name("E09000903", out) == "Synthetic Borough C"
    with pytest.raises(load.UnknownAreaError, match="E0900090"):
        load.area_name("E0900090", out)
    with pytest.raises(load.UnknownAreaError, match="its code is E09000902"):
        load.area_name("Synthetic Borough B", out)
    with pytest.raises(load.UnknownAreaError, match="old LA code"):
        load.area_name("903", out)


def test_load_neighbours(synthetic):
    out, _, _ = synthetic
    neighbours = load.load_neighbours("E09000903", "2025", out)
    assert neighbours["rank"].tolist() == list(range(1, 11))
    assert neighbours["neighbour_name"].tolist()[:3] == ["Synthetic Borough D", "Synthetic Borough B",
                                                        "Synthetic Borough A"]
    with pytest.raises(ValueError, match="model '2021'"):
        load.load_neighbours("E09000903", "2021", out)
    with pytest.raises(load.UnknownAreaError, match="no statistical neighbours"):
        load.load_neighbours("E13000001", "2025", out)


def test_missing_extract_says_how_to_make_it(tmp_path):
    with pytest.raises(load.NationalDataMissing, match="import-national"):
        load.load_national(tmp_path)


# ---------------------------------------------------------------- the catalogue
def test_committed_catalogue_is_valid_and_defines_every_indicator():
    catalogue = load.national_catalogue()
    assert tuple(catalogue.columns) == CATALOGUE_COLUMNS
    assert [i.indicator_id for i in INDICATORS] == list(catalogue.indicator_id)
    assert len(INDICATORS) == 61
    partnership = REFERENCE_DIR / "indicators.csv"
    if partnership.exists():
        local = set(pd.read_csv(partnership, dtype=str).indicator_id)
        assert not local & set(catalogue.indicator_id), "national ids must not clash with partnership ids"


def test_column_references_become_the_importers_column_names():
    # written out by hand from the catalogue rows: labels as published, matched ignoring case
    location = "Location of new placements during the year"
    over_20_miles = INDICATORS_BY_ID["cla_new_placements_over_20_miles_pct"]
    assert over_20_miles.method == "percentage" and over_20_miles.value is None
    assert over_20_miles.numerator == (
        wide("children_count", location, "Placed inside LA boundary more than 20 miles from home"),
        wide("children_count", location, "Placed outside LA boundary more than 20 miles from home"),
    )
    assert over_20_miles.denominator == "children_count[location of new placements during the year | total new placements]"
    rereferrals = INDICATORS_BY_ID["cin_rereferrals_pct"]
    assert (rereferrals.table, rereferrals.value, rereferrals.numerator, rereferrals.denominator) == (
        "cin_c1", "rereferral_percent", ("rereferral_count",), "referral_count")
    rate = INDICATORS_BY_ID["cpp_started_rate"]
    assert (rate.method, rate.numerator, rate.denominator) == ("rate_per_10000", ("cpp_start",), None)
    assert rate.publication == "Children in need" and rate.source_file == "d3_cpps_subsequent_plan_2013_to_2025.csv"


def reference_folder(tmp_path: Path, change: dict[tuple[str, str], str]) -> Path:
    """A copy of data/reference's national catalogue and sections with some cells changed.

    ``change`` maps (indicator_id, column) to the new cell text.
    """
    folder = tmp_path / "reference"
    folder.mkdir()
    shutil.copy(REFERENCE_DIR / "sections.csv", folder / "sections.csv")
    catalogue = pd.read_csv(REFERENCE_DIR / "national_indicators.csv", dtype=str, keep_default_na=False)
    for (indicator_id, column), text in change.items():
        catalogue.loc[catalogue.indicator_id == indicator_id, column] = text
    catalogue.to_csv(folder / "national_indicators.csv", index=False)
    return folder


def catalogue_row(indicator_id: str) -> int:
    """The spreadsheet row of an indicator in the committed catalogue (the header is row 1)."""
    return [i.indicator_id for i in INDICATORS].index(indicator_id) + 2


def test_an_unchanged_copy_of_the_catalogue_is_accepted(tmp_path):
    assert load_indicators(reference_folder(tmp_path, {})) == INDICATORS


@pytest.mark.parametrize(
    "indicator_id, column, text, rule",
    [
        ("cin_referrals", "unit", "number", "must be one of count, percentage, percentage_change, rate_per_10000"),
        ("cin_referrals", "period_type", "year", "must be one of financial_year, academic_year"),
        ("cin_referrals", "polarity", "down_good", "must be one of up_good, up_bad, neutral"),
        ("cin_referrals", "section", "front door", "must be one of the sections in sections.csv: child_protection,"),
        ("cin_referrals", "indicator_id", "CIN referrals", "must be lower case letters, digits and underscores"),
        ("cin_referrals", "title", " ", "must not be empty"),
        ("cin_referrals", "source_type", "partnership", "must be 'national' for a national indicator"),
        ("cin_referrals", "table", "cin_c2", "must be one of cin_b1, cin_c1, cin_c3"),
        ("cin_referrals", "table", "sn_2025", "must be one of cin_b1, cin_c1, cin_c3"),
        ("cin_referrals", "publication", "Children looked after in England including adoptions",
         "must be 'Children in need', the publication of table cin_c1"),
        ("cin_referrals", "source_file", "c1.csv",
         "must be 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv', the source file of table cin_c1"),
        ("cin_referrals", "method", "sum", "must be one of published, percentage, rate_per_10000"),
        ("cin_referrals", "value_column", "referrals", "referrals is not a value column of table cin_c1"),
        ("cin_referrals", "value_column", "", "a published indicator needs the column of its published value"),
        ("cin_referrals", "value_column", "referral_count[Total]", "table cin_c1 has no filter columns"),
        ("cla_missing_pct", "value_column", "number[Percentage of children who had a missing incident",
         "must be a value column name in lower case, followed for a long table by its labels"),
        ("cla_three_or_more_placements_pct", "denominator_column", "children_count[Total children]",
         "table cla_placement_stability is spread by cla_group, placement_stability: give one label for each"),
        ("cla_missing_pct", "denominator_column", "", "gives both a numerator and a denominator, or neither"),
        ("factor_gangs_pct", "denominator_column", "", "a percentage needs a denominator column"),
        ("factor_gangs_pct", "numerator_columns", "gangs + ", "must be a value column name"),
        ("factor_gangs_pct", "numerator_columns", "", "a percentage needs at least one numerator column"),
        ("factor_gangs_pct", "unit", "ratio", "must be percentage, the unit the percentage method gives"),
        ("factor_gangs_pct", "definition", "Episodes with gangs as a factor, as a percentage of episodes.",
         "a computed indicator's definition must say it is computed by this project"),
        ("cpp_started_rate", "denominator_column", "cpp_subsequent", "must be empty: a rate per 10,000 divides"),
        ("cpp_started_rate", "value_column", "cpp_start", "must be empty: a rate_per_10000 is computed"),
    ],
)
def test_a_malformed_catalogue_row_is_refused_with_file_row_column_and_rule(tmp_path, indicator_id, column, text,
                                                                           rule):
    folder = reference_folder(tmp_path, {(indicator_id, column): text})
    with pytest.raises(InputError) as caught:
        load_indicators(folder)
    [problem] = caught.value.problems
    assert problem.file.endswith("reference/national_indicators.csv")
    assert (problem.row, problem.column, problem.value) == (catalogue_row(indicator_id), column, text)
    assert rule in problem.rule, problem.rule


def test_every_problem_in_the_catalogue_is_reported_at_once(tmp_path):
    folder = reference_folder(tmp_path, {("cin_referrals", "unit"): "number",
                                         ("cla_away_pct", "indicator_id"): "cin_referrals"})
    with pytest.raises(InputError) as caught:
        load.national_catalogue(folder)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(catalogue_row("cin_referrals"), "unit"),
                                                     (catalogue_row("cla_away_pct"), "indicator_id")]
    assert problems[1].rule == f"indicator_id appears more than once (first on row {catalogue_row('cin_referrals')})"
    assert f"row {catalogue_row('cin_referrals')}, column unit: must be one of" in str(caught.value)


def test_a_catalogue_without_a_column_the_importer_needs_is_refused(tmp_path):
    folder = reference_folder(tmp_path, {})
    catalogue = pd.read_csv(folder / "national_indicators.csv", dtype=str, keep_default_na=False)
    catalogue.drop(columns="method").to_csv(folder / "national_indicators.csv", index=False)
    with pytest.raises(InputError) as caught:
        load_indicators(folder)
    [problem] = caught.value.problems
    assert (problem.column, problem.rule) == ("method", "required column missing")


def test_catalogue_entry_unknown_id():
    with pytest.raises(load.UnknownIndicatorError, match="cin_referrals"):
        load.catalogue_entry("cin_referral")


def test_committed_extract_covers_the_catalogue():
    if not (NATIONAL_DIR / "national_indicators.csv").exists():
        pytest.skip("data/national has not been imported yet")
    extract = pd.read_csv(NATIONAL_DIR / "national_indicators.csv", usecols=["indicator_id"], dtype=str)
    assert set(load.national_catalogue().indicator_id) == set(extract.indicator_id)
    assert (NATIONAL_DIR / "national_indicators.csv").stat().st_size < 8_000_000


# ---------------------------------------------------------------- real DfE files
def raw_rows(name: str) -> list[dict]:
    with open(SHARED_DFE / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def camden(rows: list[dict], period: str, **filters) -> dict:
    found = [r for r in rows if r["time_period"] == period and r.get("new_la_code") == "E09000007"
             and all(r.get(k) == v for k, v in filters.items())]
    assert len(found) == 1, (period, filters, len(found))
    return found[0]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    if not SHARED_DFE.is_dir():
        pytest.skip(f"the real DfE files are not available at {SHARED_DFE}")
    out = tmp_path_factory.mktemp("real")
    summary = import_national(SHARED_DFE, out)
    return out, summary, load.load_national(out)


def value(national: pd.DataFrame, indicator: str, period: int, area: str = "E09000007") -> pd.Series:
    rows = national[(national.indicator_id == indicator) & (national.time_period == period)
                     & (national.area_code == area)]
    assert len(rows) == 1, (indicator, period, area)
    return rows.iloc[0]


def test_real_files_are_all_recognised(real):
    _, summary, national = real
    assert len(summary.files) == 13 and not summary.skipped and not summary.missing_tables
    assert set(national.indicator_id) == {i.indicator_id for i in INDICATORS}


def test_real_camden_published_values_match_the_raw_files(real):
    _, _, national = real
    c1 = raw_rows("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    for year in range(2013, 2026):
        raw = camden(c1, str(year))
        assert value(national, "cin_referrals", year).value == float(raw["referral_count"])
        assert value(national, "cin_rereferrals_pct", year).value == float(raw["rereferral_percent"])
    cla = raw_rows("cla_number_and_rate_per_10k_children.csv")
    raw = camden(cla, "2025", population_type="Children looked after on 31 March each year")
    assert value(national, "cla_31_march", 2025).value == float(raw["children_count"])
    assert value(national, "cla_31_march_rate", 2025).value == float(raw["rate_per_10000"])
    health = raw_rows("la_conviction_health_outcome_cla.csv")
    raw = camden(health, "2025", breakdown="Had their annual health assessment")
    assert value(national, "cla_health_assessments_pct", 2025).value == float(raw["children_percent"])
    missing = raw_rows("la_children_who_were_missing_or_away_from_placement_without_authorisation.csv")
    raw = camden(missing, "2024", CLA_group="Percentage of children who had a missing incident during the year")
    assert value(national, "cla_missing_pct", 2024).value == float(raw["number"])
    d5 = raw_rows("d5_cpps_at31march_by_duration_2013_to_2025.csv")
    raw = camden(d5, "2024")
    row = value(national, "cpp_duration_2_years_or_more_pct", 2024)
    assert raw["2_years_or_more_percent"] == "c" and row.symbol == "c" and math.isnan(row.value)
    ons = raw_rows("ons_mid-year_population_estimates_2012_to_2024.csv")
    assert value(national, "population_0_17", 2024).value == float(camden(ons, "2024")["population_estimate"])


def test_real_camden_computed_values_follow_the_dfe_method(real):
    _, _, national = real
    c1 = raw_rows("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    ons = raw_rows("ons_mid-year_population_estimates_2012_to_2024.csv")
    cla = raw_rows("cla_number_and_rate_per_10k_children.csv")
    referrals = float(camden(c1, "2025")["referral_count"])
    population = float(camden(ons, "2024")["population_estimate"])  # mid-2024 for 2024-25
    # DfE's own denominator for 2024-25 (in the looked-after children file) is the same estimate
    cla_population = float(camden(cla, "2025", population_type="Children looked after on 31 March each year")
                           ["population_estimate"])
    assert population == cla_population
    row = value(national, "cin_referrals_rate", 2025)
    assert row.value == round_half_up(referrals / population * 10000, 1)
    assert (row.numerator, row.denominator) == (referrals, population)
    c3 = raw_rows("c3_factors_identified_at_end_of_assessment_2018_to_2025.csv")
    raw = camden(c3, "2025")
    share = float(raw["Domestic_Abuse_parent"]) / float(raw["Episodes_with_assessment_factor"]) * 100
    assert value(national, "factor_domestic_abuse_parent_pct", 2025).value == round_half_up(share, 1)
    places = raw_rows("la_cla_during_year_new_placements.csv")
    near = sum(float(camden(places, "2025", breakdown=b)["children_count"]) for b in (
        "Placed inside LA boundary less than 20 miles from home",
        "Placed outside LA boundary less than 20 miles from home"))
    total = float(camden(places, "2025", breakdown="Total new placements")["children_count"])
    assert value(national, "cla_new_placements_under_20_miles_pct", 2025).value == round_half_up(
        near / total * 100, 1)


def test_real_every_local_authority_is_kept(real):
    _, _, national = real
    c1 = raw_rows("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    raw_las = {r["new_la_code"] for r in c1 if r["time_period"] == "2025" and r["geographic_level"] == "Local authority"}
    kept = national[(national.indicator_id == "cin_referrals") & (national.time_period == 2025)
                    & (national.geographic_level == "Local authority")]
    assert set(kept.area_code) == raw_las
    regions = national[(national.indicator_id == "cin_referrals") & (national.time_period == 2025)
                       & (national.geographic_level == "Regional")]
    assert {"E12000007", "E13000001", "E13000002"} <= set(regions.area_code)


def test_real_camden_neighbours_match_the_raw_file(real):
    out, _, _ = real
    raw = [r for r in raw_rows("sn_model_2025_wide.csv") if r["old_la_code"] == "202"][0]
    neighbours = load.load_neighbours("E09000007", "2025", out)
    assert neighbours["neighbour_old_la_code"].tolist() == [raw[f"SN_{k}"] for k in range(1, 11)]
    assert neighbours["neighbour_name"].iloc[0] == "Islington"
    area = load.check_area("E09000007", out)
    assert (area.region_code, area.english_region_code) == ("E13000001", "E12000007")


def test_real_extract_is_small(real):
    out, summary, _ = real
    assert summary.outputs["national_indicators.csv"] < 8_000_000
    assert sum(summary.outputs.values()) < 10_000_000
