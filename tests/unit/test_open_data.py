"""The edition's figures as EES open data (analysis.pages.open_data): which register rows are
figures, the shape of the files, and the screening of the files as written.

The registers, catalogue and area here are synthetic (made up for these tests, named so);
the expected cells are written out by hand from them, not taken from the code under test.
Only the tests of edition_geography and edition_indicators read the project's data/.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.national import ees
from analysis.pages import open_data as od
from analysis.pages.page import REGISTER_COLUMNS

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# A made-up local authority (the codes have the GSS and DfE forms, no real area has them).
SYNTHETIC_AREA = od.Geography(new_la_code="E09000999", la_name="Synthetic Borough", old_la_code="999",
                              region_code="E12000099", region_name="Synthetic Region")

SYNTHETIC_INDICATORS = pd.DataFrame([
    # indicator_id, title, unit, period_type, section, source, section_title
    ("synthetic_referrals", "Synthetic referrals", "count", "financial_year", "front_door", "partnership",
     "The front door"),
    ("synthetic_missing_short_pct", "Synthetic short missing episodes", "percentage", "financial_year",
     "children_missing", "partnership", "Children going missing"),
    ("synthetic_knife_victims", "Synthetic knife crime victims", "count", "calendar_year", "exploitation",
     "partnership", "Exploitation"),
    ("synthetic_ehe_register", "Synthetic home education register", "count", "academic_year", "education",
     "partnership", "Education"),
    ("synthetic_cin_rate", "Synthetic referrals to social care", "rate_per_10000", "reporting_year", "front_door",
     "national", "The front door"),
    ("synthetic_cpp_long_pct", "Synthetic plans open 2 years or more", "percentage", "reporting_year",
     "child_protection", "national", "Child protection"),
    ("synthetic_population", "Synthetic children aged 0 to 17", "count", "mid_year", "context", "national",
     "Context"),
    ("synthetic_record_count", "Synthetic count from records", "count", "financial_year", "front_door",
     "partnership", "The front door"),
], columns=["indicator_id", "title", "unit", "period_type", "section", "source", "section_title"]
).set_index("indicator_id", drop=False)


def _row(name, indicator_id="", text="", raw_value="", unit="", period="", source_kind="partnership", page="p"):
    return {"page": page, "name": name, "indicator_id": indicator_id, "text": text, "raw_value": raw_value,
            "unit": unit, "period": period, "source_kind": source_kind, "source": "synthetic"}


def synthetic_register() -> pd.DataFrame:
    """A synthetic register of figures: every kind of row the pages write."""
    return pd.DataFrame([
        _row("referrals", "synthetic_referrals", "8,583", "8583", "count", "2024-25"),                      # row 2
        _row("referrals_label", "synthetic_referrals", "referrals", source_kind="catalogue"),                # row 3
        _row("referrals_period", "synthetic_referrals", "2024-25", period="2024-25"),                       # row 4
        _row("referrals_before", "synthetic_referrals", "about 8,174", "8174", "count", "2023-24",
             source_kind="derived"),                                                                        # row 5
        _row("gap", "synthetic_referrals", "6,497", "6497", "count", "2024-25", source_kind="derived"),     # row 6
        _row("short", "synthetic_missing_short_pct", "79.4%", "79.4", "percentage", "2024-25"),             # row 7
        _row("knife", "synthetic_knife_victims", "26", "26", "count", "2024"),                              # row 8
        _row("knife_before", "synthetic_knife_victims", "45", "45", "count", "2023"),                       # row 9
        _row("knife_change", "synthetic_knife_victims", "down 42.2%", "-19", "percentage_change", "",
             source_kind="derived"),                                                                        # row 10
        _row("ehe", "synthetic_ehe_register", "350", "350", "count", "2024/25"),                            # row 11
        _row("cin_rate", "synthetic_cin_rate", "591.3 per 10,000 children", "591.3", "rate_per_10000", "2025",
             source_kind="national"),                                                                       # row 12
        _row("cpp_long", "synthetic_cpp_long_pct", "0.0%", "0", "percentage", "2025",
             source_kind="national"),                                                                       # row 13
        _row("cpp_long_rank", "synthetic_cpp_long_pct", "1st of 94", "1", "", "2025",
             source_kind="derived"),                                                                        # row 14
        _row("cpp_long_england", "synthetic_cpp_long_pct", "3.9%", "", "", "2025", source_kind="national"),  # row 15
        _row("population", "synthetic_population", "35,276", "35276", "count", "2024",
             source_kind="national"),                                                                       # row 16
        _row("cin_rate_again", "synthetic_cin_rate", "591.3 per 10,000 children", "591.3", "rate_per_10000",
             "2025", source_kind="national", page="q"),                                                     # row 17
        _row("cin_rate_2024", "synthetic_cin_rate", "c", "nan", "rate_per_10000", "2024",
             source_kind="national"),                                                                       # row 18
        _row("record_small", "synthetic_record_count", "3", "3", "count", "2024-25",
             source_kind="record_level"),                                                                   # row 19
        _row("confidence", "", "95%", "0.95", "", "", source_kind="code"),                                  # row 20
    ], columns=REGISTER_COLUMNS)


def figures_of(register=None) -> pd.DataFrame:
    return od.open_data_figures(synthetic_register() if register is None else register, SYNTHETIC_INDICATORS)


def written(tmp_path: Path) -> list[od.OpenDataFile]:
    files = od.open_data_files(synthetic_register(), SYNTHETIC_INDICATORS, SYNTHETIC_AREA)
    od.write_open_data(files, tmp_path)
    return files


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------- periods and cells
@pytest.mark.parametrize("period, period_type, expected", [
    ("2024-25", "financial_year", ("202425", "Financial year")),
    ("2024/25", "academic_year", ("202425", "Academic year")),
    ("2024", "calendar_year", ("2024", "Calendar year")),
    ("2025", "reporting_year", ("2025", "Reporting year")),
    ("2025", "snapshot_31_march", ("2025", "Reporting year")),
    ("2024-25", "snapshot_31_march", ("2025", "Reporting year")),
    ("2024", "mid_year", ("2024", "Reporting year")),
    ("1999-00", "financial_year", ("199900", "Financial year")),
])
def test_each_period_type_has_its_ees_time_identifier(period, period_type, expected):
    assert od.ees_time(period, period_type) == expected


@pytest.mark.parametrize("period, period_type, words", [
    ("2024", "financial_year", "a financial year such as 2024-25"),
    ("2024-26", "financial_year", "a financial year such as 2024-25"),
    ("2024-25", "academic_year", "an academic year such as 2024/25"),
    ("2024/25", "calendar_year", "a calendar year such as 2024"),
    ("2024-25", "reporting_year", "a DfE reporting year such as 2025"),
])
def test_a_period_not_of_its_type_is_refused_with_the_form_expected(period, period_type, words):
    with pytest.raises(ValueError, match=words):
        od.ees_time(period, period_type)


@pytest.mark.parametrize("raw, text, unit, kind, cell", [
    ("8583", "8,583", "count", "partnership", "8583"),
    ("79.4", "79.4%", "percentage", "partnership", "79.4"),
    ("1e-05", "0.0%", "percentage", "national", "0.00001"),
    ("nan", "c", "count", "national", "c"),
    ("", "k", "count", "national", "low"),
    ("", "low", "count", "national", "low"),
    ("", ":", "count", "national", "x"),
    ("", "z", "count", "national", "z"),
    ("", "not available", "count", "national", "x"),
    ("3", "3", "count", "record_level", "c"),
    ("6", "6", "count", "record_level", "6"),
    ("3", "3%", "percentage", "record_level", "3"),
    ("3", "3", "count", "partnership", "3"),
])
def test_a_figure_is_written_as_a_number_or_an_ees_symbol(raw, text, unit, kind, cell):
    assert od.figure_cell(raw, text, unit, kind) == cell


@pytest.mark.parametrize("text, cell, places", [
    ("0.0%", "0", 1), ("8,583", "8583", 0), ("591.3 per 10,000 children", "591.3", 1),
    ("about 44,000", "44000", 0), ("c", "c", 0), ("Most episodes", "79.4", 1)])
def test_decimal_places_are_those_the_book_shows(text, cell, places):
    assert od.shown_decimals(text, cell) == places


# ---------------------------------------------------------------- which figures
def test_only_figures_as_supplied_or_published_are_open_data():
    figures = figures_of()
    assert list(zip(figures["indicator_id"], figures["time_period"], figures["cell"], figures["register_row"])) == [
        ("synthetic_referrals", "202425", "8583", 2),
        ("synthetic_missing_short_pct", "202425", "79.4", 7),
        ("synthetic_knife_victims", "2024", "26", 8),
        ("synthetic_knife_victims", "2023", "45", 9),
        ("synthetic_ehe_register", "202425", "350", 11),
        ("synthetic_cin_rate", "2025", "591.3", 12),
        ("synthetic_cpp_long_pct", "2025", "0", 13),
        ("synthetic_population", "2024", "35276", 16),
        ("synthetic_cin_rate", "2024", "c", 18),
        ("synthetic_record_count", "202425", "c", 19),
    ]
    # Left out: the catalogue label (3), the period (4), the values the book works out (5, 6, 10),
    # the rank (14), England's figure (15) and the code constant (20); 17 repeats 12.


def test_two_different_values_of_one_figure_are_refused_naming_both_rows():
    register = synthetic_register()
    register.loc[15, ["text", "raw_value"]] = ["591.4 per 10,000 children", "591.4"]  # row 17
    with pytest.raises(InputError) as caught:
        figures_of(register)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("register-of-figures.csv", 17, "raw_value",
                                                                          "591.4")
    assert "synthetic_cin_rate for 2025 is 591.4 here but 591.3 at row 12" in problem.rule


def test_a_period_of_the_wrong_type_is_refused_naming_the_register_row():
    register = synthetic_register()
    register.loc[6, "period"] = "2024-25"  # row 8: a calendar-year indicator given a financial year
    with pytest.raises(InputError) as caught:
        figures_of(register)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("register-of-figures.csv", 8, "period",
                                                                          "2024-25")
    assert problem.rule.startswith("the period must be a calendar year such as 2024 (calendar_year)")


def test_an_indicator_no_catalogue_lists_is_refused():
    register = synthetic_register()
    register.loc[0, "indicator_id"] = "synthetic_unknown"
    with pytest.raises(InputError) as caught:
        figures_of(register)
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "indicator_id", "synthetic_unknown")


# ---------------------------------------------------------------- the files
def test_one_file_per_time_identifier_in_a_fixed_order():
    files = od.open_data_files(synthetic_register(), SYNTHETIC_INDICATORS, SYNTHETIC_AREA)
    assert [(f.name, f.meta_name, f.time_identifier) for f in files] == [
        ("register-of-figures-financial-year.csv", "register-of-figures-financial-year.meta.csv", "Financial year"),
        ("register-of-figures-academic-year.csv", "register-of-figures-academic-year.meta.csv", "Academic year"),
        ("register-of-figures-calendar-year.csv", "register-of-figures-calendar-year.meta.csv", "Calendar year"),
        ("register-of-figures-reporting-year.csv", "register-of-figures-reporting-year.meta.csv", "Reporting year"),
    ]


def test_a_data_file_has_the_standard_columns_a_row_per_period_and_x_where_the_book_has_no_figure():
    reporting = od.open_data_files(synthetic_register(), SYNTHETIC_INDICATORS, SYNTHETIC_AREA)[-1]
    assert list(reporting.data.columns) == [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
        "region_name", "old_la_code", "new_la_code", "la_name",
        "synthetic_cin_rate", "synthetic_cpp_long_pct", "synthetic_population"]
    assert reporting.data.to_dict("records") == [
        {"time_period": "2024", "time_identifier": "Reporting year", "geographic_level": "Local authority",
         "country_code": "E92000001", "country_name": "England", "region_code": "E12000099",
         "region_name": "Synthetic Region", "old_la_code": "999", "new_la_code": "E09000999",
         "la_name": "Synthetic Borough", "synthetic_cin_rate": "c", "synthetic_cpp_long_pct": "x",
         "synthetic_population": "35276"},
        {"time_period": "2025", "time_identifier": "Reporting year", "geographic_level": "Local authority",
         "country_code": "E92000001", "country_name": "England", "region_code": "E12000099",
         "region_name": "Synthetic Region", "old_la_code": "999", "new_la_code": "E09000999",
         "la_name": "Synthetic Borough", "synthetic_cin_rate": "591.3", "synthetic_cpp_long_pct": "0",
         "synthetic_population": "x"},
    ]


def test_the_metadata_gives_each_indicator_its_label_unit_decimal_places_and_grouping():
    reporting = od.open_data_files(synthetic_register(), SYNTHETIC_INDICATORS, SYNTHETIC_AREA)[-1]
    assert reporting.meta.to_dict("records") == [
        {"col_name": "synthetic_cin_rate", "col_type": "Indicator",
         "label": "Synthetic referrals to social care (per 10,000 children)", "indicator_grouping": "The front door",
         "indicator_unit": "", "indicator_dp": "1", "filter_hint": "", "filter_grouping_column": ""},
        {"col_name": "synthetic_cpp_long_pct", "col_type": "Indicator",
         "label": "Synthetic plans open 2 years or more", "indicator_grouping": "Child protection",
         "indicator_unit": "%", "indicator_dp": "1", "filter_hint": "", "filter_grouping_column": ""},
        {"col_name": "synthetic_population", "col_type": "Indicator", "label": "Synthetic children aged 0 to 17",
         "indicator_grouping": "Context", "indicator_unit": "", "indicator_dp": "0", "filter_hint": "",
         "filter_grouping_column": ""},
    ]


def test_two_indicators_with_one_title_get_labels_that_say_whose_each_is():
    indicators = SYNTHETIC_INDICATORS.copy()
    indicators.loc["synthetic_record_count", "title"] = "Synthetic referrals"
    indicators.loc["synthetic_record_count", "source"] = "national"
    financial = od.open_data_files(synthetic_register(), indicators, SYNTHETIC_AREA)[0]
    assert list(financial.meta["label"]) == ["Synthetic referrals (partnership figure)",
                                             "Synthetic short missing episodes",
                                             "Synthetic referrals (national statistics)"]


def test_written_files_pass_the_projects_ees_checks(tmp_path):
    files = written(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f.name for f in files] + [f.meta_name for f in files])
    for file in files:
        data = ees.read_ees(tmp_path / file.name)
        assert not data.had_bom and data.problems == []
        assert ees.check_ees(data) == []
        assert od.screen_open_data(tmp_path / file.name) == []
        # Every indicator cell reads back as a number or a DfE symbol, never as zero.
        for column in file.indicators:
            values, symbols, problems = ees.parse_values(data, column)
            assert problems == []
            assert ((values.notna()) | (symbols != "")).all()
        pd.testing.assert_frame_equal(read_csv(tmp_path / file.meta_name), file.meta)


# ---------------------------------------------------------------- screening catches each broken rule
def _mutate(path: Path, change) -> None:
    frame = read_csv(path)
    frame = change(frame)
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


FINANCIAL = "register-of-figures-financial-year.csv"
FINANCIAL_META = "register-of-figures-financial-year.meta.csv"
REPORTING = "register-of-figures-reporting-year.csv"


def _set(column, row, value):
    def change(frame):
        frame.loc[row, column] = value
        return frame
    return change


def _rename(old, new):
    return lambda frame: frame.rename(columns={old: new})


def _append_copy_of_first_row(frame):
    return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)


def _move_indicator_first(frame):
    columns = list(frame.columns)
    return frame[[columns[-1]] + columns[:-1]]


@pytest.mark.parametrize("file, change, check, row, column", [
    # analysis.national.ees.check_ees
    (REPORTING, _set("new_la_code", 0, "E0900999"), "new_la_code must be a nine character GSS code", 2,
     "new_la_code"),
    (REPORTING, _set("time_period", 1, "202526"), "time_period must be a four digit year", 3, "time_period"),
    (REPORTING, _set("geographic_level", 0, "Borough"), "geographic_level is not one", 2, "geographic_level"),
    (REPORTING, _set("la_name", 1, ""), "la_name must be filled in on Local authority rows", 3, "la_name"),
    (REPORTING, _set("synthetic_cin_rate", 1, "591,3"), "neither a plain number nor a DfE symbol", 3,
     "synthetic_cin_rate"),
    # the screener's rules (analysis.pages.open_data)
    (REPORTING, _set("time_identifier", 1, "Calendar year"), "precheck_time_id_mix", 3, "time_identifier"),
    (REPORTING, _append_copy_of_first_row, "check_general_dupes", 4, None),
    (REPORTING, _set("synthetic_population", 0, ""), "check_ind_invalid_entry", 2, "synthetic_population"),
    (REPORTING, _set("synthetic_population", 0, ":"), "check_ind_invalid_entry", 2, "synthetic_population"),
    (REPORTING, _set("synthetic_population", 0, "NA"), "check_general_null", 2, "synthetic_population"),
    (REPORTING, _set("synthetic_population", 0, "K"), "check_ind_invalid_entry", 2, "synthetic_population"),
    (REPORTING, _set("region_code", 0, ""), "check_geog_region_for_la", 2, "region_code"),
    (REPORTING, _rename("synthetic_population", "synthetic_pop"), "precheck_cross_meta_to_data", 1,
     "synthetic_population"),
    (REPORTING, _rename("synthetic_population", "synthetic_pop"), "precheck_cross_data_to_meta", 1,
     "synthetic_pop"),
    (REPORTING, _rename("synthetic_population", "Synthetic_population"), "check_col_snake_case", 1,
     "Synthetic_population"),
    (REPORTING, _move_indicator_first, "column order", 1, None),
    (FINANCIAL_META, _set("indicator_unit", 0, "children"), "check_meta_ind_unit_validation", 2, "indicator_unit"),
    (FINANCIAL_META, _set("indicator_dp", 1, "one"), "check_meta_ind_dp_values", 3, "indicator_dp"),
    (FINANCIAL_META, _set("label", 1, "Synthetic referrals"), "check_meta_dupe_label", 3, "label"),
    (FINANCIAL_META, _set("label", 0, ""), "check_meta_label", 2, "label"),
    (FINANCIAL_META, _set("col_type", 0, "Measure"), "precheck_meta_col_type", 2, "col_type"),
    (FINANCIAL_META, _set("col_name", 0, "la_name"), "precheck_meta_ob_unit", 2, "col_name"),
    (FINANCIAL_META, _set("filter_hint", 0, "Pick one"), "check_meta_filter_hint", 2, "filter_hint"),
    (FINANCIAL_META, _set("col_name", 2, "synthetic_white_count"), "check_col_ind_smushed", 4, "col_name"),
    (FINANCIAL_META, lambda frame: frame.drop(columns="filter_hint"), "precheck_col_req_meta", 1, "filter_hint"),
    (FINANCIAL_META, lambda frame: frame.assign(notes=""), "precheck_col_invalid_meta", 1, "notes"),
    (FINANCIAL_META, lambda frame: frame.iloc[1:], "precheck_cross_data_to_meta", 1, "synthetic_referrals"),
])
def test_screening_names_the_file_row_column_and_rule_each_mutation_breaks(tmp_path, file, change, check, row,
                                                                         column):
    written(tmp_path)
    _mutate(tmp_path / file, change)
    data = REPORTING if file == REPORTING else FINANCIAL
    problems = od.screen_open_data(tmp_path / data)
    assert problems, f"no problem found after the mutation ({check})"
    matching = [p for p in problems if check in p.rule]
    assert matching, [str(p) for p in problems]
    assert (matching[0].row, matching[0].column) == (row, column)
    assert matching[0].file in (file, data)


def test_a_filter_needs_two_levels_and_its_total(tmp_path):
    written(tmp_path)
    _mutate(tmp_path / FINANCIAL, lambda frame: frame.insert(10, "synthetic_group", "Girls") or frame)
    _mutate(tmp_path / FINANCIAL_META, lambda frame: pd.concat([pd.DataFrame([{
        "col_name": "synthetic_group", "col_type": "Filter", "label": "Synthetic group", "indicator_grouping": "",
        "indicator_unit": "", "indicator_dp": "", "filter_hint": "", "filter_grouping_column": ""}]), frame]))
    rules = [p.rule for p in od.screen_open_data(tmp_path / FINANCIAL)]
    assert any("precheck_filter_not_singular" in rule for rule in rules)
    assert any("check_filter_defaults" in rule for rule in rules)


def test_file_names_follow_the_convention():
    assert od.check_file_names("a-b_c.csv", "a-b_c.meta.csv") == []
    assert [p.rule for p in od.check_file_names("a b.csv", "a b.meta.csv")][0].startswith("a file name may hold")
    [problem] = od.check_file_names("figures.csv", "figures-meta.csv")
    assert "must be named figures.meta.csv" in problem.rule


def test_publishing_screens_what_it_wrote_and_refuses_a_broken_file(tmp_path):
    broken_area = od.Geography(new_la_code="E0900999", la_name="Synthetic Borough", old_la_code="999",
                               region_code="E12000099", region_name="Synthetic Region")
    with pytest.raises(InputError) as caught:
        od.publish_open_data(synthetic_register(), SYNTHETIC_INDICATORS, broken_area, tmp_path)
    first = caught.value.problems[0]
    assert (first.file, first.row, first.column, first.value) == (FINANCIAL, 2, "new_la_code", "E0900999")
    assert "new_la_code must be a nine character GSS code" in first.rule


def test_publishing_for_an_area_that_is_no_local_authority_writes_nothing(tmp_path):
    assert od.publish_open_data(synthetic_register(), SYNTHETIC_INDICATORS, None, tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_publishing_writes_and_returns_the_files(tmp_path):
    files = od.publish_open_data(synthetic_register(), SYNTHETIC_INDICATORS, SYNTHETIC_AREA, tmp_path)
    assert len(files) == 4 and len(list(tmp_path.iterdir())) == 8


# ---------------------------------------------------------------- the area and the catalogues (project data)
def test_a_local_authority_has_its_codes_and_dfe_region_and_a_partnership_none():
    camden = od.edition_geography("E09000007")
    assert camden == od.Geography(new_la_code="E09000007", la_name="Camden", old_la_code="202",
                                  region_code="E13000001", region_name="Inner London")
    assert od.edition_geography("pan-dorset") is None      # a partnership of two authorities
    assert od.edition_geography("E12000007") is None       # a region, not a local authority
    assert od.edition_geography("") is None


def test_edition_indicators_hold_both_catalogues_with_their_section_titles():
    indicators = od.edition_indicators()
    assert indicators.at["front_door_referrals", "source"] == "partnership"
    assert indicators.at["cin_referrals_rate", "source"] == "national"
    assert indicators.at["cin_referrals_rate", "unit"] == "rate_per_10000"
    assert indicators.at["front_door_referrals", "section_title"] == "The children's front door"
    assert indicators.index.is_unique


# ---------------------------------------------------------------- on the page
def test_the_page_links_each_file_and_its_metadata_and_describes_them():
    files = od.open_data_files(synthetic_register(), SYNTHETIC_INDICATORS, SYNTHETIC_AREA)
    links = od.download_links(files).splitlines()
    assert links[0] == ("- Financial year: {download}`register-of-figures-financial-year.csv "
                        "<register-of-figures-financial-year.csv>`, with its metadata "
                        "{download}`register-of-figures-financial-year.meta.csv "
                        "<register-of-figures-financial-year.meta.csv>`")
    assert len(links) == 4
    table = od.open_data_table(files)
    assert table.to_dict("records")[0] == {"Time identifier": "Financial year", "Time periods": "2024-25",
                                           "Rows": "1", "Indicators": "3"}
    assert list(table["Time periods"]) == ["2024-25", "2024/25", "2023, 2024", "2024, 2025"]


def test_the_register_notebook_renders_the_links_as_myst_and_keeps_its_parameters_second():
    notebook = json.loads((PROJECT_ROOT / "notebooks/assurance/register.ipynb").read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert "parameters" in cells[1]["metadata"]["tags"]
    [showing] = [cell for cell in cells if "show_open_data(" in "".join(cell["source"])]
    assert showing["metadata"]["mystnb"] == {"markdown_format": "myst"}
    assert "hide-input" in showing["metadata"]["tags"]
    assert not any(line.lstrip().startswith(("def ", "class ")) for cell in cells if cell["cell_type"] == "code"
                   for line in "".join(cell["source"]).splitlines())
    assert all(cell.get("outputs", []) == [] for cell in cells if cell["cell_type"] == "code")
