"""Reading EES files and checking them against the EES open data standard.

All fixtures are synthetic (tests/fixtures/ees/); expected values are written out by hand
from the fixture text, not taken from the code under test.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.national import ees
from analysis.national.importer import import_national
from analysis.national.read import recognise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ees"
VALID = FIXTURES / "synthetic_valid"
MALFORMED = FIXTURES / "synthetic_malformed"


def problems_for(tmp_path: Path, fixture: Path, name: str | None = None) -> list:
    """Import a folder holding only ``fixture`` and return the problems reported."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(fixture, source / (name or fixture.name))
    with pytest.raises(InputError) as caught:
        import_national(source, tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing may be written when the input has problems"
    return caught.value.problems


def find(problems, **where):
    return [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]


# ---------------------------------------------------------------- values and symbols
@pytest.mark.parametrize(
    "cell, number, symbol",
    [("22.6", 22.6, ""), ("3069", 3069.0, ""), ("0", 0.0, ""), ("-1.5", -1.5, ""),
     ("c", math.nan, "c"), ("k", math.nan, "k"), ("low", math.nan, "low"), ("u", math.nan, "u"),
     ("x", math.nan, "x"), ("z", math.nan, "z"), (":", math.nan, ":"), ("", math.nan, ""), (" C ", math.nan, "c")],
)
def test_parse_value_reads_numbers_and_symbols_never_zero(cell, number, symbol):
    value, found = ees.parse_value(cell)
    assert found == symbol
    if math.isnan(number):
        assert math.isnan(value)
    else:
        assert value == number


@pytest.mark.parametrize("cell", ["1,234", "20%", "n/a", "1e3", "12 children"])
def test_parse_value_rejects_anything_else(cell):
    with pytest.raises(ValueError):
        ees.parse_value(cell)


# ---------------------------------------------------------------- reading quirks
def test_bom_crlf_and_upper_case_cla_group_are_read(tmp_path):
    raw = ees.read_raw(VALID / "synthetic_cla_missing.csv")
    assert raw.had_bom
    assert raw.header[0] == "time_period"  # BOM removed from the first column name
    frame = ees.ees_file(raw).frame
    assert "cla_group" in frame.columns  # CLA_group normalised
    assert frame.loc[0, "number"] == "1000"
    assert not any(cell.endswith("\r") for cell in frame["number"])


def test_quoted_empty_strings_are_empty():
    frame = ees.read_ees(VALID / "synthetic_referrals_c1.csv").frame
    national = frame[frame["geographic_level"] == "National"]
    assert set(national["region_code"]) == {""}
    assert set(national["new_la_code"]) == {""}


def test_decimals_reports_places_published():
    import pandas as pd

    assert ees.decimals(pd.Series(["20", "22.4", "c", "5"])) == 1
    assert ees.decimals(pd.Series(["88", "100", "c"])) == 0


def test_tables_are_recognised_by_columns_and_content_not_by_name(tmp_path):
    renamed = tmp_path / "download (3).csv"
    shutil.copy(VALID / "synthetic_cla_stability.csv", renamed)
    table, _ = recognise(ees.read_raw(renamed))
    assert table.key == "cla_placement_stability"
    table, reason = recognise(ees.read_raw(VALID / "synthetic_unrelated_table.csv"))
    assert table is None and "not one of the tables" in reason


def test_time_period_conversion():
    assert ees.year_ending_march("2025", "Reporting year") == 2025
    assert ees.year_ending_march("202425", "Financial year") == 2025


# ---------------------------------------------------------------- malformed files
def test_missing_mandatory_column_is_reported_with_file_row_and_column(tmp_path):
    problems = problems_for(tmp_path, MALFORMED / "synthetic_bad_missing_column.csv")
    found = find(problems, file="synthetic_bad_missing_column.csv", row=1, column="country_name")
    assert len(found) == 1
    assert "mandatory" in found[0].rule
    assert "synthetic_bad_missing_column.csv, row 1, column country_name" in str(found[0])


def test_bad_time_period_and_identifier_are_reported_per_row(tmp_path):
    problems = problems_for(tmp_path, MALFORMED / "synthetic_bad_time.csv")
    file = "synthetic_bad_time.csv"
    four = find(problems, file=file, row=3, column="time_period", value="202425")
    assert four and "four digit" in four[0].rule
    consecutive = find(problems, file=file, row=4, column="time_period", value="202426")
    assert consecutive and "consecutive" in consecutive[0].rule and "202425" in consecutive[0].rule
    identifier = find(problems, file=file, row=5, column="time_identifier", value="Reporting Yr")
    assert identifier and "not one the EES open data standard allows" in identifier[0].rule
    six = find(problems, file=file, row=6, column="time_period", value="2022")
    assert six and "six digits" in six[0].rule
    academic = find(problems, file=file, row=6, column="time_identifier", value="Academic year")
    assert academic and "years ending 31 March" in academic[0].rule
    assert not find(problems, row=2), "row 2 is valid"


def test_unknown_level_and_missing_geography_codes(tmp_path):
    problems = problems_for(tmp_path, MALFORMED / "synthetic_bad_geography.csv")
    file = "synthetic_bad_geography.csv"
    level = find(problems, file=file, row=3, column="geographic_level", value="County")
    assert level and "geographic_level" in level[0].rule
    region = find(problems, file=file, row=4, column="region_code")
    assert region and "Regional rows" in region[0].rule
    la_code = find(problems, file=file, row=5, column="new_la_code")
    assert la_code and "Local authority rows" in la_code[0].rule
    old_code = find(problems, file=file, row=6, column="old_la_code", value="9O2")
    assert old_code and "three digit" in old_code[0].rule
    assert len(problems) == 4


def test_bad_values_and_duplicate_rows(tmp_path):
    problems = problems_for(tmp_path, MALFORMED / "synthetic_bad_values.csv")
    file = "synthetic_bad_values.csv"
    assert find(problems, file=file, row=2, column="referral_count", value="1,000")
    assert find(problems, file=file, row=3, column="rereferral_percent", value="20%")
    assert find(problems, file=file, row=4, column="not_in_need_count", value="n/a")
    duplicate = [p for p in problems if p.row == 4 and "duplicate" in p.rule]
    assert duplicate and "row 3" in duplicate[0].rule
    assert len(problems) == 4


def test_bad_statistical_neighbour_file(tmp_path):
    problems = problems_for(tmp_path, MALFORMED / "synthetic_bad_neighbours_sn_2025.csv")
    file = "synthetic_bad_neighbours_sn_2025.csv"
    closeness = find(problems, file=file, row=2, column="SN_3P", value="Near")
    assert closeness and "closeness" in closeness[0].rule
    code = find(problems, file=file, row=3, column="SN_5", value="ABC")
    assert code and "three digit" in code[0].rule
    assert len(problems) == 2


def test_file_named_like_a_dfe_table_without_its_columns_is_an_error_not_skipped(tmp_path):
    problems = problems_for(tmp_path, VALID / "synthetic_unrelated_table.csv",
                            name="c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    assert problems[0].file == "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    assert problems[0].row == 1 and problems[0].column in ("referral_count", "rereferral_count")


def test_all_problems_in_all_files_are_reported_together(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("synthetic_bad_missing_column.csv", "synthetic_bad_neighbours_sn_2025.csv"):
        shutil.copy(MALFORMED / name, source / name)
    with pytest.raises(InputError) as caught:
        import_national(source, tmp_path / "out")
    files = {p.file for p in caught.value.problems}
    assert files == {"synthetic_bad_missing_column.csv", "synthetic_bad_neighbours_sn_2025.csv"}
    assert "3 problems found" in str(caught.value)


def test_two_files_with_the_same_table_are_refused(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(VALID / "synthetic_cla_stability.csv", source / "a_synthetic.csv")
    shutil.copy(VALID / "synthetic_cla_stability.csv", source / "b_synthetic.csv")
    with pytest.raises(InputError) as caught:
        import_national(source, tmp_path / "out")
    [problem] = caught.value.problems
    assert problem.file == "b_synthetic.csv" and "a_synthetic.csv" in problem.rule


def test_a_dfe_file_saved_in_another_encoding_is_reported(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    text = (VALID / "synthetic_cla_stability.csv").read_text(encoding="utf-8") + "\n"
    (source / "la_cla_placement_stability.csv").write_bytes(text.encode("utf-8") + "Synthetic \xa3".encode("cp1252"))
    with pytest.raises(InputError) as caught:
        import_national(source, tmp_path / "out")
    [problem] = caught.value.problems
    assert problem.file == "la_cla_placement_stability.csv" and "UTF-8" in problem.rule
