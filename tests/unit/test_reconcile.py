"""The reconciliation page's explanations, computed from the data: the size of each gap, whether
the periods differ, how much rounding and a change over time can explain, and the part placements
with no distance recorded explain. Synthetic frames check each computation; the real data
(read here with csv, independently of the package) checks the three cases a scrutineer found
misleading when the explanations were written by hand."""
import csv
import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.inputs.edition import Figure
from analysis.pages import reconcile
from analysis.pages.page import Page
from analysis.present.formatting import format_value

ROOT = Path(__file__).resolve().parents[2]
CAMDEN = "E09000007"


# --- synthetic pages, figures and national rows -------------------------------------------
class RecordingPage:
    """A page that writes and records glued values as Page does, without any data."""

    year, area_code = "2024-25", "E00000000"

    def __init__(self):
        self.glued = {}

    def glue_derived(self, name, value, unit, derivation, decimals=None, period="", indicator_id="", qualifier=""):
        self.glued[name] = (value, derivation)
        return format_value(value, unit, decimals, qualifier)


class SyntheticNational:
    """A national view over a synthetic extract: one area, rows by indicator and year."""

    area_name = "Synthetown"

    def __init__(self, synthetic: pd.DataFrame, time_period: int = 2025):
        self.national, self.time_period = synthetic, time_period
        self.page = RecordingPage()

    def row(self, indicator_id, time_period):
        rows = self.national[(self.national["indicator_id"] == indicator_id)
                             & (self.national["time_period"] == time_period)]
        return None if rows.empty else rows.iloc[0]

    def source(self, indicator_id, time_period):
        return f"synthetic {indicator_id} {time_period}"

    def glue_value(self, name, indicator_id):
        row = self.row(indicator_id, self.time_period)
        return format_value(row["value"], "percentage", int(row["decimals"]))


def figure(**given) -> Figure:
    """A synthetic report figure; fields not given are blank."""
    base = dict(indicator_id="synthetic_figure", title="A synthetic figure", unit="count", period_type="financial_year",
                period="2024-25", value=0.0, decimals=0, qualifier="", status="reported", source_row=2)
    base.update(given)
    fields = {f.name: base.get(f.name, "") for f in dataclasses.fields(Figure)
              if f.default is dataclasses.MISSING or f.name in base}
    return Figure(**fields)


def pair(local: Figure, synthetic_row: dict, *, unit="count", period_type="reporting_year",
         publication="Children looked after", indicator_id="synthetic_national") -> reconcile.Pair:
    row = pd.Series({"indicator_id": indicator_id, "numerator": float("nan"), "denominator": float("nan"),
                     "decimals": 0, **synthetic_row})
    meta = pd.Series({"indicator_id": indicator_id, "unit": unit, "period_type": period_type,
                      "publication": publication})
    text = format_value(row["value"], unit, int(row["decimals"]))
    decimals = max(local.decimals, 0 if unit == "count" else min(1, int(row["decimals"])))
    return reconcile.Pair(1, local, row, meta, text, decimals)


# --- the size of the gap ----------------------------------------------------------------
def test_the_gap_is_stated_absolute_and_relative_to_the_national_figure():
    synthetic = pair(figure(value=120.0), {"value": 100.0, "time_period": 2025}, publication="ONS mid-year")
    page = RecordingPage()
    size, relative = reconcile.glue_gap(page, synthetic)
    assert (size, relative) == ("20", "20%")
    assert reconcile.gap_sentence(size, relative, synthetic) == (
        "The report's figure (120) is 20 (20%) above ONS's (100).")
    assert page.glued["gap_1"][0] == 20 and page.glued["gap_relative_1"][0] == pytest.approx(20)


def test_a_percentage_gap_is_in_percentage_points_and_below_when_the_report_is_lower():
    synthetic = pair(figure(unit="percentage", value=32.0), {"value": 32.5, "decimals": 1, "time_period": 2025},
                     unit="percentage")
    size, relative = reconcile.glue_gap(RecordingPage(), synthetic)
    assert reconcile.gap_cell(size, relative, synthetic) == "0.5 percentage points (2%) below"


# --- rounding -----------------------------------------------------------------------------
def test_rounding_margin_is_half_the_place_each_figure_was_given_to():
    assert (reconcile.rounded_to(44000), reconcile.rounded_to(3700), reconcile.rounded_to(40000)) == (1000, 100, 10000)
    assert reconcile.rounding_margin(44000, "count", 0, "about") == 500
    assert reconcile.rounding_margin(8583, "count", 0) == 0
    assert reconcile.rounding_margin(85, "percentage", 0) == 0.5
    assert reconcile.rounding_margin(61.4, "percentage", 1) == pytest.approx(0.05)


def test_rounding_is_said_to_explain_a_gap_only_when_the_gap_is_within_its_margin():
    approximate = figure(value=44000.0, qualifier="about")
    beyond = pair(approximate, {"value": 35276.0, "time_period": 2024})
    within = pair(approximate, {"value": 43700.0, "time_period": 2024})
    assert reconcile.rounding_sentence(RecordingPage(), beyond) == (
        "The report's figure is rounded to the nearest 1,000 (about 44,000), so rounding explains at most 500 either "
        "way. "
        "The gap is larger, so rounding cannot explain it.")
    assert reconcile.rounding_sentence(RecordingPage(), within).endswith("rounding alone could explain it.")
    exact = pair(figure(value=155.0), {"value": 151.0, "time_period": 2025})
    assert reconcile.rounding_sentence(RecordingPage(), exact) == (
        "Both figures are exact counts, so rounding explains none of the gap.")
    percentages = pair(figure(unit="percentage", value=85.0), {"value": 61.4, "decimals": 1, "time_period": 2025},
                       unit="percentage")
    assert "at most 0.55 percentage points" in reconcile.rounding_sentence(RecordingPage(), percentages)


# --- periods ------------------------------------------------------------------------------
def test_the_periods_are_compared_by_the_days_they_cover():
    year = reconcile.report_span("2024-25", "financial_year")
    assert year == (date(2024, 4, 1), date(2025, 3, 31))
    assert reconcile.period_relation(year, reconcile.national_span(2025, "reporting_year")) == "same"
    assert reconcile.period_relation(year, reconcile.national_span(2025, "snapshot_31_march")) == "last_day"
    assert reconcile.period_relation(year, reconcile.national_span(2024, "mid_year")) == "within"
    assert reconcile.period_relation(year, reconcile.national_span(2024, "reporting_year")) == "earlier"
    assert reconcile.years_earlier(year, reconcile.national_span(2023, "reporting_year")) == 2


def test_the_period_sentence_names_both_periods():
    synthetic = pair(figure(value=127.0), {"value": 70.0, "time_period": 2024})
    report = reconcile.report_span("2024-25", "financial_year")
    national = reconcile.national_span(2024, "reporting_year")
    assert reconcile.period_sentence(synthetic, "earlier", report, national) == (
        "The years differ: the report's figure is for 2024-25 (financial year); DfE's latest published figure is "
        "for 2023-24, one year earlier.")
    same = pair(figure(value=127.0), {"value": 70.0, "time_period": 2025})
    assert reconcile.period_sentence(same, "same", report, reconcile.national_span(2025, "reporting_year")) == (
        "The periods are the same: both figures are for 2024-25.")


# --- change from one year to the next -------------------------------------------------------
def test_the_largest_yearly_change_skips_a_missing_year():
    synthetic = pd.Series([100.0, 110.0, float("nan"), 200.0, 190.0], index=[2020, 2021, 2022, 2023, 2024])
    change = reconcile.largest_yearly_change(synthetic)
    assert (change.largest, change.first, change.last) == (10.0, 2020, 2024)
    assert reconcile.largest_yearly_change(pd.Series([5.0], index=[2024])) is None


def test_timing_is_said_to_explain_a_gap_only_when_the_series_has_moved_that_far():
    synthetic = pd.DataFrame({"indicator_id": "synthetic_national", "area_code": "E00000000",
                              "time_period": [2021, 2022, 2023, 2024], "value": [50.0, 56.0, 70.0, 60.0]})
    national = SyntheticNational(synthetic)
    page = national.page
    wide = pair(figure(value=127.0), {"value": 60.0, "time_period": 2024})
    assert reconcile.timing_sentence(page, national, wide) == (
        "From one year to the next, DfE's figure for Synthetown has changed by at most 14 (2020-21 to 2023-24). "
        "The gap is larger, so on past changes the difference in period cannot explain it.")
    narrow = pair(figure(value=70.0), {"value": 60.0, "time_period": 2024})
    assert reconcile.timing_sentence(page, national, narrow).endswith("the difference in period could explain it.")


# --- placements with no distance recorded ---------------------------------------------------
def test_the_share_within_20_miles_is_recomputed_without_placements_with_no_distance_recorded():
    synthetic = pd.DataFrame([
        {"indicator_id": "cla_new_placements_under_20_miles_pct", "time_period": 2025, "value": 60.0,
         "numerator": 60.0, "denominator": 100.0, "decimals": 1},
        {"indicator_id": "cla_new_placements_distance_not_known_pct", "time_period": 2025, "value": 20.0,
         "numerator": 20.0, "denominator": 100.0, "decimals": 0},
    ])
    national = SyntheticNational(synthetic)
    under, not_known = (national.row(i, 2025) for i in synthetic["indicator_id"])
    counts = reconcile.distance_recorded(under, not_known)
    assert (counts.placements, counts.not_recorded, counts.recorded) == (100, 20, 80)
    assert counts.share_of_recorded == 75.0
    local = figure(unit="percentage", value=80.0, indicator_id="cla_placed_within_20_miles")
    synthetic_pair = pair(local, under.to_dict(), unit="percentage", indicator_id=under["indicator_id"])
    assert reconcile.distance_sentences(national.page, national, synthetic_pair, "20.0") == [
        "DfE's 60.0% is of all 100 new placements made in 2024-25, including the 20 (20%) with no distance recorded.",
        "Of the 80 with a distance recorded, 60 (75.0%) were within 20 miles: 5.0 percentage points below the "
        "report's 80%. Placements with no distance recorded account for 15.0 of the 20.0 percentage points.",
    ]
    suppressed = not_known.copy()
    suppressed["numerator"] = float("nan")
    assert reconcile.distance_recorded(under, suppressed) is None


# --- the pairs file -------------------------------------------------------------------------
def test_the_pairs_file_may_state_definitions_but_no_size_of_a_gap(tmp_path, monkeypatch):
    synthetic = pd.DataFrame([
        {"partnership_indicator": "children_population", "national_indicator": "population_0_17",
         "definitions_differ": "The report gives a rounded approximation for the year; ONS estimates at 30 June."},
        {"partnership_indicator": "no_such_figure", "national_indicator": "population_0_17",
         "definitions_differ": "ONS estimates children aged 0 to 17."},
        {"partnership_indicator": "children_population", "national_indicator": "population_0_17",
         "definitions_differ": " "},
    ])
    path = tmp_path / "reconciliation.csv"
    synthetic.to_csv(path, index=False)
    monkeypatch.setattr(reconcile, "pairs_path", lambda data_dir, area: path)
    with pytest.raises(InputError) as raised:
        reconcile.load_pairs(None, None, {"children_population"}, {"population_0_17"})
    messages = [str(problem) for problem in raised.value.problems]
    assert len(messages) == 3
    assert "row 2, column definitions_differ: must describe definitions only: 'rounded'" in messages[0]
    assert "row 3, column partnership_indicator: not an indicator" in messages[1]
    assert "row 4, column definitions_differ: must say how the two definitions differ" in messages[2]


# --- the three misleading cases, with the real data -------------------------------------------
def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def national_value(indicator_id: str, up_to: int) -> dict:
    """Camden's latest row of a national indicator up to a year, read with csv."""
    rows = [r for r in _rows(ROOT / "data/national/national_indicators.csv")
            if r["indicator_id"] == indicator_id and r["area_code"] == CAMDEN and int(r["time_period"]) <= up_to]
    return max(rows, key=lambda r: int(r["time_period"]))


def report_value(indicator_id: str) -> dict:
    return next(r for r in _rows(ROOT / "data/partnerships/camden/2024-25/figures.csv")
                if r["indicator_id"] == indicator_id and r["period"] == "2024-25")


@pytest.fixture(scope="module")
def camden(tmp_path_factory) -> pd.DataFrame:
    page = Page("13_reconciliation", "2024-25", CAMDEN, "", str(tmp_path_factory.mktemp("reconcile")))
    table = reconcile.reconciliation_table(page, page.national())
    return table.assign(pair=table["Report's measure"] + " | " + table["National statistic"]).set_index("pair")


def _explanation(camden, measure_start: str) -> list[str]:
    return camden.loc[camden.index.str.startswith(measure_start), reconcile.EXPLANATION].iloc[0]


def test_children_population_gap_is_too_large_for_rounding_or_timing(camden):
    report = float(report_value("children_population")["value"])
    ons = national_value("population_0_17", 2024)
    gap = report - float(ons["value"])
    sentences = _explanation(camden, "Children living in the area")
    assert sentences[0] == (f"The report's figure (about {report:,.0f}) is {gap:,.0f} "
                            f"({gap / float(ons['value']) * 100:.0f}%) above ONS's ({float(ons['value']):,.0f}).")
    assert "ONS's is an estimate for 30 June 2024" in sentences[1]
    rounding = next(s for s in sentences if "rounding" in s)
    assert "rounded to the nearest 1,000 (about 44,000), so rounding explains at most 500 either way" in rounding
    assert gap > 500 and rounding.endswith("The gap is larger, so rounding cannot explain it.")
    timing = next(s for s in sentences if "From one year to the next" in s)
    assert timing.endswith("the difference in period cannot explain it.")


def test_placements_within_20_miles_say_how_many_have_no_distance_recorded(camden):
    under = national_value("cla_new_placements_under_20_miles_pct", 2025)
    not_known = national_value("cla_new_placements_distance_not_known_pct", 2025)
    total, near = int(float(under["denominator"])), int(float(under["numerator"]))
    unknown = int(float(not_known["numerator"]))
    assert (total, unknown) == (int(float(not_known["denominator"])), 70)
    share = round(near / (total - unknown) * 100, 1)
    report = float(report_value("cla_placed_within_20_miles")["value"])
    sentences = _explanation(camden, "Children looked after placed within 20 miles")
    assert sentences[0].startswith(f"The report's figure ({report:.0f}%) is {report - float(under['value']):.1f} "
                                   "percentage points")
    assert (f"DfE's {under['value']}% is of all {total} new placements made in 2024-25, including the {unknown} "
            f"({not_known['value']}%) with no distance recorded.") in sentences
    assert (f"Of the {total - unknown} with a distance recorded, {near} ({share}%) were within 20 miles: "
            f"{report - share:.1f} percentage points below the report's {report:.0f}%.") in " ".join(sentences)
    gap = report - float(under["value"])
    assert f"account for {share - float(under['value']):.1f} of the {gap:.1f} percentage points" in sentences[-1]


def test_missing_children_say_the_years_differ(camden):
    dfe = national_value("cla_missing_children", 2025)
    year = int(dfe["time_period"])
    label = f"{year - 1}-{year % 100:02d}"
    assert report_value("missing_young_people")["period"] == "2024-25" and label != "2024-25"
    row = camden.loc[camden.index.str.startswith("Young people reported missing")].iloc[0]
    assert row["National figure"] == f"{dfe['value']} ({label}, latest published)"
    assert row[reconcile.EXPLANATION][1] == (
        f"The years differ: the report's figure is for 2024-25 (financial year); DfE's latest published figure "
        f"is for {label}, one year earlier.")


def test_the_real_pairs_file_states_definitions_only():
    rows = _rows(ROOT / "data/partnerships/camden/reconciliation.csv")
    assert rows and all(r["definitions_differ"].strip() for r in rows)
    assert not [r["definitions_differ"] for r in rows if reconcile.SIZE_CLAIM.search(r["definitions_differ"])]
