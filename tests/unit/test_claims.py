"""The report's claims (claims.csv): read and checked, and each verdict worked out from a small
SYNTHETIC national frame whose expected verdicts are worked out by hand in the comments.

The last tests read the real claims.csv of the 2024-25 edition: every quote is word for word in
the report, and nothing is recorded that the report does not say.
"""
from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.national.load import national_catalogue
from analysis.pages import claims as claims_module
from analysis.pages.claims import (
    CLAIM_COLUMNS, NOT_CHECKABLE, NOT_SUPPORTED, SUPPORTED, Claim, check_claim, claims_status, claims_summary,
    claims_table, edition_claims, read_claims,
)

NAN = float("nan")
AREA = "E09000901"  # Synthetic Borough, in Inner London and London
# A synthetic catalogue: one count at 31 March, one percentage for the year ending 31 March.
CATALOGUE = pd.DataFrame([
    {"indicator_id": "synthetic_count", "title": "Synthetic children on plans at 31 March", "unit": "count",
     "period_type": "snapshot_31_march", "polarity": "neutral"},
    {"indicator_id": "synthetic_pct", "title": "Synthetic share of assessments", "unit": "percentage",
     "period_type": "reporting_year", "polarity": "neutral"},
])
INDICATORS = set(CATALOGUE["indicator_id"])
# synthetic_count for the area, by DfE time period: up to a spike in 2021, down, up once in 2023,
# then down; 2018 is suppressed (c).
COUNTS = {2018: "c", 2019: 250.0, 2020: 280.0, 2021: 330.0, 2022: 150.0, 2023: 180.0, 2024: 160.0, 2025: 150.0}
# synthetic_pct for the area: 24.3% in 2023-24 and 20.1% in 2024-25 (a fall of 4.2 points).
PERCENTAGES = {2024: 24.3, 2025: 20.1}


def _row(indicator, period, code, name, level, value, symbol="", decimals=1):
    return {"indicator_id": indicator, "time_period": period, "geographic_level": level, "area_code": code,
            "old_la_code": "", "area_name": name, "region_code": "E13000001" if level == "Local authority" else "",
            "region_name": "", "english_region_code": "E12000007" if level == "Local authority" else "",
            "english_region_name": "", "value": value, "symbol": symbol, "numerator": NAN, "denominator": NAN,
            "source_file": "synthetic.csv", "decimals": decimals}


@pytest.fixture()
def national() -> pd.DataFrame:
    """The SYNTHETIC national frame: the area's two series, and England (22.0%) and London
    (21.0%) for the percentage in 2025."""
    rows = []
    for year, value in COUNTS.items():
        rows.append(_row("synthetic_count", year, AREA, "Synthetic Borough", "Local authority",
                         NAN if isinstance(value, str) else value, value if isinstance(value, str) else "", 0))
    for year, value in PERCENTAGES.items():
        rows.append(_row("synthetic_pct", year, AREA, "Synthetic Borough", "Local authority", value))
    rows.append(_row("synthetic_pct", 2025, "E92000001", "England", "National", 22.0))
    rows.append(_row("synthetic_pct", 2025, "E12000007", "London", "Regional", 21.0))
    rows.append(_row("synthetic_pct", 2025, "E13000001", "Inner London", "Regional", 19.0))
    return pd.DataFrame(rows)


def claim(kind="direction", indicator_id="synthetic_count", periods=(2024, 2025), direction="down",
          compared_with="", checkable=True, why="") -> Claim:
    return Claim(claim_id="synthetic", section="Synthetic section", quote="a synthetic claim", kind=kind,
                 indicator_id=indicator_id, periods=tuple(periods), direction=direction, compared_with=compared_with,
                 checkable=checkable, why_not_checkable=why, reading="")


def verdict_of(national, **fields):
    return check_claim(claim(**fields), national, CATALOGUE, AREA)


# --------------------------------------------------------------------------------------
# Reading claims.csv
# --------------------------------------------------------------------------------------
GOOD = {"claim_id": "c1", "section": "Synthetic section", "quote": "fewer synthetic plans", "kind": "direction",
        "indicator_id": "synthetic_count", "periods": "2024;2025", "direction": "down", "compared_with": "",
        "checkable": "yes", "why_not_checkable": "", "reading": "2024-25 against the year before"}


def write_claims(tmp_path, *rows, columns=CLAIM_COLUMNS):
    path = tmp_path / "claims.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def problems(tmp_path, *rows, columns=CLAIM_COLUMNS) -> list:
    with pytest.raises(InputError) as raised:
        read_claims(write_claims(tmp_path, *rows, columns=columns), INDICATORS)
    return raised.value.problems


def test_a_good_file_is_read(tmp_path):
    peak = {**GOOD, "claim_id": "c2", "kind": "peak", "periods": "2021", "direction": ""}
    level = {**GOOD, "claim_id": "c3", "kind": "level", "indicator_id": "synthetic_pct", "periods": "2025",
             "direction": "up", "compared_with": "england"}
    other = {**GOOD, "claim_id": "c4", "kind": "most_common", "indicator_id": "", "periods": "", "direction": "",
             "checkable": "no", "why_not_checkable": "no national statistic"}
    read = read_claims(write_claims(tmp_path, GOOD, peak, level, other), INDICATORS)
    assert [c.claim_id for c in read] == ["c1", "c2", "c3", "c4"]
    assert read[0].periods == (2024, 2025) and read[0].checkable and read[0].row == 2
    assert read[1].direction == "up"  # a peak is a high point
    assert not read[3].checkable and read[3].periods == ()


@pytest.mark.parametrize("change, column, rule", [
    ({"kind": "trend"}, "kind", "must be one of direction, continuous, peak, level, most_common"),
    ({"checkable": "maybe"}, "checkable", "must be yes or no"),
    ({"indicator_id": "synthetic_cuont"}, "indicator_id", "must be a national indicator"),
    ({"indicator_id": ""}, "indicator_id", "must name the national indicator that checks the claim"),
    ({"periods": "2024-25"}, "periods", "four-digit years"),
    ({"periods": "2025;2024"}, "periods", "in order, oldest first"),
    ({"periods": "2025"}, "periods", "a direction claim names two or more periods"),
    ({"kind": "continuous", "periods": "2021;2023;2025"}, "periods", "two periods, the first and the last year"),
    ({"kind": "peak", "periods": "2021;2022", "direction": ""}, "periods", "a peak claim names one period"),
    ({"direction": "down-ish"}, "direction", "must be one of up, down, same"),
    ({"direction": ""}, "direction", "a direction claim must say up, down or same"),
    ({"kind": "continuous", "periods": "2021;2025", "direction": "same"}, "direction", "up or down"),
    ({"kind": "level", "periods": "2025"}, "compared_with", "england or region"),
    ({"compared_with": "england"}, "compared_with", "only a level claim"),
    ({"kind": "level", "periods": "2025", "compared_with": "wales"}, "compared_with", "must be one of england, region"),
    ({"kind": "most_common"}, "checkable", "a most_common claim cannot be checked"),
    ({"why_not_checkable": "because"}, "why_not_checkable", "must be empty for a claim that is checkable"),
    ({"checkable": "no"}, "why_not_checkable", "must say why"),
    ({"quote": " "}, "quote", "must not be empty"),
])
def test_each_rule_names_the_file_row_column_and_rule(tmp_path, change, column, rule):
    found = problems(tmp_path, GOOD, {**GOOD, "claim_id": "c2", **change})
    assert [(p.row, p.column) for p in found] == [(3, column)], found
    assert rule in found[0].rule
    assert str(found[0]).startswith(f"{found[0].file}, row 3, column {column}: ")
    assert found[0].file.endswith("claims.csv")


def test_every_problem_is_reported_at_once(tmp_path):
    found = problems(tmp_path, {**GOOD, "kind": "trend"}, {**GOOD, "claim_id": "c2", "checkable": "maybe"}, GOOD)
    assert [(p.row, p.column) for p in found] == [(2, "kind"), (3, "checkable"), (4, "claim_id")]
    assert "claim_id appears more than once (first on row 2)" in found[2].rule


def test_a_missing_column_is_named(tmp_path):
    found = problems(tmp_path, GOOD, columns=[c for c in CLAIM_COLUMNS if c != "periods"])
    assert [(p.column, p.rule) for p in found] == [("periods", "required column missing")]


# --------------------------------------------------------------------------------------
# Verdicts, on the SYNTHETIC national frame
# --------------------------------------------------------------------------------------
def test_a_direction_claim_supported_and_not_supported(national):
    # synthetic_pct fell from 24.3% (2023-24) to 20.1% (2024-25): 'down' is supported, 'up' is not.
    down = verdict_of(national, indicator_id="synthetic_pct", direction="down")
    assert down.verdict == SUPPORTED
    assert down.detail == "Fell from 24.3% in 2023-24 to 20.1% in 2024-25, down 4.2 percentage points."
    up = verdict_of(national, indicator_id="synthetic_pct", direction="up")
    assert up.verdict == NOT_SUPPORTED and up.detail == down.detail
    assert up.figures == "2023-24: 24.3%; 2024-25: 20.1%"


def test_a_direction_claim_against_several_earlier_years(national):
    # 150 on 31 March 2025 against 160 (2024) and 180 (2023): lower than both; down 10 (6.3%) on 2024.
    lower = verdict_of(national, periods=(2023, 2024, 2025), direction="down")
    assert lower.verdict == SUPPORTED
    assert lower.detail == ("150 on 31 March 2025: lower than 160 on 31 March 2024 and 180 on 31 March 2023; "
                            "down 10 (6.3%) on 31 March 2024.")
    # Against 2022 (also 150) it is not lower: the same published figure.
    same = verdict_of(national, periods=(2022, 2024, 2025), direction="down")
    assert same.verdict == NOT_SUPPORTED
    assert "150 on 31 March 2025 against 150 on 31 March 2022: it was 150" in same.detail
    assert verdict_of(national, periods=(2022, 2025), direction="same").verdict == SUPPORTED


def test_a_continuous_decline_is_broken_by_one_year_against_it(national):
    # 330, 150, 180, 160, 150 from 2021 to 2025: the rise from 150 to 180 in 2023 breaks it.
    broken = verdict_of(national, kind="continuous", periods=(2021, 2025), direction="down")
    assert broken.verdict == NOT_SUPPORTED
    assert broken.detail == "Not every year: it rose from 150 on 31 March 2022 to 180 on 31 March 2023, up 30 (20.0%)."
    assert broken.figures.startswith("31 March 2021: 330; 31 March 2022: 150; 31 March 2023: 180")
    # From 2023 (180, 160, 150) it fell every year.
    kept = verdict_of(national, kind="continuous", periods=(2023, 2025), direction="down")
    assert kept.verdict == SUPPORTED
    assert kept.detail == "Fell every year, from 180 on 31 March 2023 to 150 on 31 March 2025."


def test_a_peak(national):
    # 330 in 2021 against 280 (2020) and 150 (2022): a peak. 160 in 2024 is below 2023's 180, and
    # 280 in 2020 above 2019's 250 but below 2021's 330: neither is a peak.
    assert verdict_of(national, kind="peak", periods=(2021,), direction="up").verdict == SUPPORTED
    rising = verdict_of(national, kind="peak", periods=(2020,), direction="up")
    assert rising.verdict == NOT_SUPPORTED
    assert rising.detail == "280 on 31 March 2020: not higher than both 250 on 31 March 2019 and 330 on 31 March 2021."
    not_peak = verdict_of(national, kind="peak", periods=(2024,), direction="up")
    assert not_peak.verdict == NOT_SUPPORTED
    assert not_peak.detail == ("160 on 31 March 2024: not higher than both 180 on 31 March 2023 and "
                               "150 on 31 March 2025.")


def test_a_level_against_england_and_the_region(national):
    # 20.1% in 2024-25 against England's 22.0% (lower) and London's 21.0% (lower; Inner London's
    # 19.0% is not the region a claim means).
    england = verdict_of(national, kind="level", indicator_id="synthetic_pct", periods=(2025,), direction="down",
                         compared_with="england")
    assert england.verdict == SUPPORTED and england.detail == "20.1% in 2024-25, lower than England's 22.0%."
    region = verdict_of(national, kind="level", indicator_id="synthetic_pct", periods=(2025,), direction="up",
                        compared_with="region")
    assert region.verdict == NOT_SUPPORTED and region.detail == "20.1% in 2024-25, lower than London's 21.0%."


def test_not_checkable_claims_say_why(national):
    recorded = verdict_of(national, checkable=False, indicator_id="", periods=(), why="no national statistic of it")
    assert recorded.verdict == NOT_CHECKABLE and recorded.detail == "No national statistic of it."
    # A year DfE suppressed (2018, c) cannot be compared.
    suppressed = verdict_of(national, periods=(2018, 2019), direction="up")
    assert suppressed.verdict == NOT_CHECKABLE
    assert suppressed.detail.startswith("The 31 March 2018 figure is suppressed")
    assert verdict_of(national, kind="continuous", periods=(2017, 2019)).verdict == NOT_CHECKABLE
    assert verdict_of(national, kind="level", indicator_id="synthetic_pct", periods=(2024,), direction="up",
                      compared_with="england").verdict == NOT_CHECKABLE  # no England figure for 2024
    other_area = check_claim(claim(), national, CATALOGUE, "E09000999")
    assert other_area.verdict == NOT_CHECKABLE and "no figures" in other_area.detail


def test_a_not_checkable_claim_with_a_nearest_indicator_shows_it_for_context_only(national):
    context = verdict_of(national, checkable=False, why="a different definition", indicator_id="synthetic_pct")
    assert context.verdict == NOT_CHECKABLE
    assert context.detail == ("A different definition. For context only, DfE's figure: synthetic share of assessments "
                              "fell from 24.3% in 2023-24 to 20.1% in 2024-25, down 4.2 percentage points.")


@pytest.mark.parametrize("fields", [
    {"indicator_id": "synthetic_pct", "direction": "down"},
    {"periods": (2023, 2024, 2025), "direction": "down"},
    {"kind": "continuous", "periods": (2023, 2025), "direction": "down"},
    {"kind": "level", "indicator_id": "synthetic_pct", "periods": (2025,), "direction": "down",
     "compared_with": "england"},
])
def test_flipping_a_claims_direction_flips_its_verdict(national, fields):
    # Mutation: the same claim the other way round is not supported.
    assert verdict_of(national, **fields).verdict == SUPPORTED
    assert verdict_of(national, **{**fields, "direction": "up"}).verdict == NOT_SUPPORTED


def test_the_page_tables(national):
    verdicts = [verdict_of(national, indicator_id="synthetic_pct", direction="down"),
                verdict_of(national, indicator_id="synthetic_pct", direction="up"),
                verdict_of(national, checkable=False, indicator_id="", periods=(), why="not measured")]
    assert claims_summary(verdicts).iloc[0].to_dict() == {
        "Claims recorded": 3, "Supported": 1, "Not supported": 1, "Not checkable": 1}
    table = claims_table(verdicts, CATALOGUE)
    assert table["Verdict"].tolist() == [SUPPORTED, NOT_SUPPORTED]
    assert table["Checked against"].tolist() == ["Synthetic share of assessments (2023-24, 2024-25)"] * 2
    assert table["What the report says"].iloc[0] == "\u201ca synthetic claim\u201d"
    not_checked = claims_table(verdicts, CATALOGUE, checked=False)
    assert not_checked.to_dict("records") == [{
        "Report section": "Synthetic section", "What the report says": "\u201ca synthetic claim\u201d",
        "Nearest national statistic": "None", "Why it cannot be checked": "Not measured.", "How the claim is read": ""}]
    continuous = claims_table([verdict_of(national, kind="continuous", periods=(2021, 2025))], CATALOGUE)
    assert continuous["Checked against"].iloc[0] == (
        "Synthetic children on plans at 31 March (31 March 2021 to 31 March 2025)")


def test_an_edition_without_claims_says_it_records_none():
    assert edition_claims("2023-24", None, "E09000007") is None
    assert claims_status("2023-24", None, "Camden").startswith("The 2023-24 edition records no claims")
    assert claims_summary([]).iloc[0].to_dict() == {
        "Claims recorded": 0, "Supported": 0, "Not supported": 0, "Not checkable": 0}


# --------------------------------------------------------------------------------------
# The 2024-25 edition's claims.csv
# --------------------------------------------------------------------------------------
DATA = DataPaths(partnership_id="camden")
REPORT = DATA.year("2024-25") / "sources" / "camden-cscp-annual-report-2024-25-scrutiny-committee.txt"


def _normalised(text: str) -> str:
    """Whitespace as single spaces and curly quotes as straight, as the quotes are compared."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def test_the_editions_claims_are_read_and_quoted_word_for_word():
    recorded = edition_claims("2024-25", None, "E09000007")
    assert recorded and len(recorded) == len({c.claim_id for c in recorded})
    report = _normalised(REPORT.read_text(encoding="utf-8"))
    for c in recorded:
        assert _normalised(c.quote) in report, f"row {c.row}: quote not in the report: {c.quote!r}"
    sections = set(re.findall(r"^(\d+\. [^\n(]+?)\s*(?:\(|$)", REPORT.read_text(encoding="utf-8"), re.MULTILINE))
    sections = {s.replace("*", "").strip() for s in sections}
    for c in recorded:
        assert c.section in sections, f"row {c.row}: {c.section!r} is not a section of the report"


def test_the_editions_checkable_claims_name_real_indicators():
    recorded = edition_claims("2024-25", None, "E09000007")
    known = set(national_catalogue(DATA.reference)["indicator_id"])
    checkable = [c for c in recorded if c.checkable]
    assert {c.claim_id for c in checkable} == {"cpp_continuous_decline", "cpp_spike_2020_21",
                                               "domestic_abuse_child_factor_rise", "cla_started_decrease"}
    assert all(c.indicator_id in known for c in checkable)
    assert all(c.why_not_checkable for c in recorded if not c.checkable)


def test_the_module_says_what_each_kind_checks():
    assert set(claims_module.CHECKED_KINDS) <= set(claims_module.KINDS)
    assert "most_common" not in claims_module.CHECKED_KINDS
