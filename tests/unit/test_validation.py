"""Validation of an edition's inputs: a corpus of malformed returns, one per rule.

Each case starts from a valid, filled-in synthetic 2025-26 folder (tests/fixtures/
synthetic_2025_26: invented values), breaks one thing, and checks that

- ``validate_edition`` reports it with the exact file, sheet, row, column and value;
- ``build_edition`` refuses before anything is staged: no stage folder, the published site
  and the input files exactly as they were.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import cli
from analysis.build.parameters import validate_data_dir
from analysis.build.pipeline import build_edition
from analysis.config import DataPaths
from analysis.errors import InputError, ParameterError
from analysis.inputs.edition import PartnershipData
from analysis.inputs.formats import RETURN_COLUMNS
from analysis.inputs.readers import decode_text
from analysis.inputs.rules import parse_number
from analysis.inputs.validate import validate_edition
from support.folders import snapshot
from support.sites import published_site
from synthetic_fill import fill_xlsx, read_template_csv, synthetic_values, template_row, write_csv

YEAR = "2025-26"
AREA = "E09000007"
FIXTURE_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_book"


def returns(data: Path, name: str) -> Path:
    return data / "partnerships" / "camden" / YEAR / "returns" / name


# --------------------------------------------------------------------------
# Editing a return the way a partner might get it wrong
# --------------------------------------------------------------------------


def edit_csv(path: Path, indicator: str, **changes: str) -> int:
    """Change cells of one indicator's row (keeping the file's encoding); return its row."""
    _, encoding = decode_text(path.read_bytes())
    columns, rows = read_template_csv(path)
    number = template_row(path, indicator)
    rows[number - 2].update(changes)
    write_csv(path, columns, rows, encoding)
    return number


def append_csv(path: Path, **values: str) -> int:
    _, encoding = decode_text(path.read_bytes())
    columns, rows = read_template_csv(path)
    rows.append({column: values.get(column, "") for column in columns})
    write_csv(path, columns, rows, encoding)
    return len(rows) + 1


def edit_xlsx(path: Path, indicator: str, **changes) -> int:
    workbook = load_workbook(path)
    sheet = workbook["figures"]
    header = [c.value for c in sheet[1]]
    number = template_row(path, indicator)
    for column, value in changes.items():
        sheet.cell(row=number, column=header.index(column) + 1).value = value
    workbook.save(path)
    return number


# --------------------------------------------------------------------------
# The corpus: each case breaks one rule and returns the message expected
# --------------------------------------------------------------------------


def case_missing_column(data):
    path = returns(data, "council.csv")
    columns, rows = read_template_csv(path)
    columns.remove("value")
    write_csv(path, columns, [{c: r[c] for c in columns} for r in rows], "cp1252")
    return f"{path}, column value: required column missing"


def case_unknown_column(data):
    path = returns(data, "police.xlsx")
    workbook = load_workbook(path)
    sheet = workbook["figures"]
    sheet.cell(row=1, column=len(RETURN_COLUMNS) + 1).value = "Comments"
    sheet.cell(row=2, column=len(RETURN_COLUMNS) + 1).value = "checked"
    workbook.save(path)
    return (f"{path}, sheet figures, row 1, column Comments: unknown column (the columns are: "
            f"{', '.join(RETURN_COLUMNS)})")


def case_unknown_indicator(data):
    path = returns(data, "health.csv")
    row = edit_csv(path, "cla_under5_development_checks", indicator_id="cla_under_5_development_checks")
    return (f"{path}, row {row}, column indicator_id: unknown indicator_id (not in "
            "data/reference/indicators.csv) (value: 'cla_under_5_development_checks')")


def case_duplicate_across_files(data):
    health = returns(data, "health.csv")
    first = append_csv(health, indicator_id="missing_episodes", period=YEAR, value="900")
    police = returns(data, "police.xlsx")
    row = template_row(police, "missing_episodes")
    return (f"{police}, sheet figures, row {row}, column indicator_id: the same indicator and period appear "
            f"more than once (first in {health}, row {first}) (value: 'missing_episodes 2025-26')")


def case_other_script_digits(data):
    path = returns(data, "police.xlsx")
    row = edit_xlsx(path, "missing_episodes", value="٨٧٠")
    return (f"{path}, sheet figures, row {row}, column value: digits from another script (such as Arabic-Indic or "
            "full-width): type the number with the digits 0 to 9 (value: '٨٧٠')")


def case_text_for_a_number(data):
    path = returns(data, "police.xlsx")
    row = edit_xlsx(path, "missing_episodes", value="eight hundred")
    return f"{path}, sheet figures, row {row}, column value: value must be a number (value: 'eight hundred')"


def case_decimal_comma(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "front_door_referrals", value="9,01")
    return f"{path}, row {row}, column value: value must be a number (value: '9,01')"


def case_negative_count(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "child_protection_plans", value="-170")
    return f"{path}, row {row}, column value: a count cannot be negative (value: '-170')"


def case_count_not_whole(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "rapid_reviews", value="4.5")
    return f"{path}, row {row}, column value: a count must be a whole number (value: '4.5')"


def case_percentage_above_100(data):
    path = returns(data, "health.csv")
    row = edit_csv(path, "cla_under5_development_checks", value="180")
    return f"{path}, row {row}, column value: a percentage must be between 0 and 100 (value: '180')"


def case_percentage_below_0(data):
    path = returns(data, "police.xlsx")
    row = edit_xlsx(path, "missing_episodes_24h_or_less", value=-1.5)
    return f"{path}, sheet figures, row {row}, column value: a percentage must be between 0 and 100 (value: '-1.5')"


def case_numerator_above_denominator(data):
    path = returns(data, "health.csv")
    row = edit_csv(path, "cla_health_dental_checks", numerator="210")
    return f"{path}, row {row}, column numerator: numerator is greater than the denominator (value: '210 > 200')"


def case_value_does_not_match_the_fraction(data):
    path = returns(data, "health.csv")
    row = edit_csv(path, "cla_health_dental_checks", value="95.0")
    return (f"{path}, row {row}, column value: value does not match numerator / denominator x 100 (90.00) "
            "(value: '95.0')")


def case_numerator_without_denominator(data):
    path = returns(data, "health.csv")
    row = edit_csv(path, "cla_health_dental_checks", denominator="")
    return f"{path}, row {row}, column denominator: a numerator needs a denominator: give both or neither"


def case_fraction_for_a_count(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "child_protection_plans", numerator="170", denominator="200")
    return (f"{path}, row {row}, column numerator: numerator and denominator are given for percentages only; "
            "this indicator is a count (value: '170')")


def case_financial_year_period(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "front_door_referrals", period="2025/26")
    return (f"{path}, row {row}, column period: period does not match the 2025-26 edition: a financial year "
            "indicator's period must be 2025-26 (or 2024-25 to restate last year's figure) (value: '2025/26')")


def case_academic_year_period(data):
    path = returns(data, "education.xlsx")
    row = edit_xlsx(path, "ehe_register", period="2025-26")
    return (f"{path}, sheet figures, row {row}, column period: period does not match the 2025-26 edition: an "
            "academic year indicator's period must be 2025/26 (or 2024/25 to restate last year's figure) "
            "(value: '2025-26')")


def case_calendar_year_period(data):
    path = returns(data, "police.xlsx")
    row = edit_xlsx(path, "knife_crime_victims_10_24", period=2023)
    return (f"{path}, sheet figures, row {row}, column period: period does not match the 2025-26 edition: a "
            "calendar year indicator's period must be 2025 (or 2024 to restate last year's figure) (value: '2023')")


def case_required_indicator_missing(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "child_protection_plans", value="")
    return f"{path}, row {row}, column value: required indicator child_protection_plans has no value for 2025-26"


def case_formula_in_a_workbook(data):
    path = returns(data, "police.xlsx")
    row = edit_xlsx(path, "missing_young_people", value="=100+20")
    return (f"{path}, sheet figures, row {row}, column value: a formula, not a value: copy the cell and paste it "
            "back as a value (Paste Special, Values) (value: '=100+20')")


def case_excel_error_value(data):
    path = returns(data, "education.xlsx")
    row = edit_xlsx(path, "early_years_good_outstanding", value="#DIV/0!")
    return f"{path}, sheet figures, row {row}, column value: an Excel error value, not a number (value: '#DIV/0!')"


def case_sheet_renamed(data):
    path = returns(data, "education.xlsx")
    workbook = load_workbook(path)
    workbook["figures"].title = "Sheet1"
    workbook.save(path)
    return f"{path}: the workbook has no sheet named 'figures' (it has: Sheet1, guidance)"


def case_return_filled_twice(data):
    path = returns(data, "council.xlsx")
    fill_xlsx(path, [v for v in synthetic_values() if v["partner"] == "council"])
    return (f"{path}, sheet figures: the return is filled in twice ({returns(data, 'council.csv')} too): keep one "
            "and delete the other (or save the unused template back empty)")


def case_old_excel_format(data):
    path = returns(data, "police-return.xls")
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    return f"{path}: a .xls file is not read: save it as an Excel workbook (.xlsx) or as CSV"


def case_indicator_id_blank(data):
    path = returns(data, "health.csv")
    row = append_csv(path, period=YEAR, value="12")
    return f"{path}, row {row}, column indicator_id: indicator_id is blank: every value must name its indicator"


def case_qualifier_unknown(data):
    path = returns(data, "council.csv")
    row = edit_csv(path, "children_population", qualifier="nearly")
    return (f"{path}, row {row}, column qualifier: qualifier must be one of ['', 'about', 'at least', "
            "'fewer than', 'more than'] (value: 'nearly')")


def case_unknown_list(data):
    path = data / "partnerships" / "camden" / YEAR / "lists.csv"
    row = append_csv(path, list_id="priorities", period=YEAR, position="1", item="Synthetic")
    return f"{path}, row {row}, column list_id: unknown list_id (not in data/reference/lists.csv) (value: 'priorities')"


def case_required_list_missing(data):
    path = data / "partnerships" / "camden" / YEAR / "lists.csv"
    _, encoding = decode_text(path.read_bytes())
    columns, rows = read_template_csv(path)
    write_csv(path, columns, [r for r in rows if r["list_id"] != "inspections"], encoding)
    return f"{path}, column list_id: required list inspections has no items (value: 'inspections')"


def case_list_position_not_a_number(data):
    path = data / "partnerships" / "camden" / YEAR / "lists.csv"
    row = append_csv(path, list_id="review_themes", period=YEAR, position="third", item="Synthetic")
    return (f"{path}, row {row}, column position: position must be a whole number from 1 (the item's place in "
            "the list) (value: 'third')")


def case_no_year_folder(data):
    folder = data / "partnerships" / "camden" / YEAR
    shutil.rmtree(folder)
    return (f"{folder}: the edition's folder does not exist: run `python -m analysis new-edition 2025-26` and "
            "fill in the returns")


CASES = {name[len("case_"):]: function for name, function in sorted(globals().items()) if name.startswith("case_")}


@pytest.fixture
def published(tmp_path):
    """A site with an edition already published (a fake one), to check nothing touches it."""
    return published_site(tmp_path, "2024-25", AREA)


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_return_is_reported_exactly_and_nothing_is_built(name, data, tmp_path, published):
    expected = CASES[name](data)
    report = validate_edition(YEAR, AREA, data)
    messages = [str(problem) for problem in report.errors]
    assert expected in messages, "\n".join(messages)
    assert not report.ok

    inputs_before = snapshot(data)
    site_before = snapshot(published)
    with pytest.raises(InputError) as caught:
        build_edition(YEAR, AREA, data_dir=data, book_root=FIXTURE_BOOK, stage_root=tmp_path / "stage",
                             site_dir=published, progress=None, data_roots=[tmp_path])
    assert expected in [str(problem) for problem in caught.value.problems]
    assert expected in str(caught.value)
    assert not (tmp_path / "stage").exists()
    assert snapshot(published) == site_before
    assert snapshot(data) == inputs_before


def test_every_problem_is_reported_at_once(data):
    expected = [case_text_for_a_number(data), case_negative_count(data), case_percentage_above_100(data),
                case_formula_in_a_workbook(data), case_unknown_list(data)]
    messages = [str(problem) for problem in validate_edition(YEAR, AREA, data).errors]
    for message in expected:
        assert message in messages


# --------------------------------------------------------------------------
# What is accepted
# --------------------------------------------------------------------------


def test_the_filled_synthetic_returns_are_valid_with_warnings_for_optional_figures(data):
    report = validate_edition(YEAR, AREA, data)
    assert report.errors == []
    council, education = returns(data, "council.csv"), returns(data, "education.xlsx")
    assert [str(w) for w in report.warnings] == [
        f"{council}, row {template_row(council, 'early_years_families_supported')}, column value: optional indicator "
        "early_years_families_supported has no value for 2025-26: shown as 'not supplied'",
        f"{education}, sheet figures, row {template_row(education, 'schools_good_outstanding')}, column value: "
        "optional indicator schools_good_outstanding has no value for 2025-26: shown as 'not supplied'",
        f"{council}, row {template_row(council, 'youth_work_apprentices')}, column value: optional indicator "
        "youth_work_apprentices has no value for 2025-26: shown as 'not supplied'",
        f"{data / 'partnerships' / 'camden' / YEAR / 'lists.csv'}, column list_id: optional list exploitation_areas has no items: "
        "shown as 'not supplied' (value: 'exploitation_areas')",
    ]
    text = report.format()
    assert "No errors (see the warnings above)." in text
    assert f"read {council} (cp1252): 19 values" in text
    assert f"{returns(data, 'council.xlsx')}: not filled in (every value is blank), so not read" in text


def test_values_keep_their_file_sheet_row_and_text_saved_as_cp1252(data):
    partnership = PartnershipData(YEAR, AREA, data)
    council, police = returns(data, "council.csv"), returns(data, "police.xlsx")
    referrals = partnership.figure("front_door_referrals")
    assert (referrals.value, referrals.period, referrals.origin) == (9012, "2025-26", "return")
    assert (referrals.source_file, referrals.source_row, referrals.source_sheet) == (
        str(council), template_row(council, "front_door_referrals"), "")
    assert referrals.source_quote == "Synthetic – the council’s invented count"
    assert "Return of figures from the council" in referrals.source and "’" in referrals.source
    episodes = partnership.figure("missing_episodes")
    assert (episodes.source_file, episodes.source_sheet, episodes.source_row) == (
        str(police), "figures", template_row(police, "missing_episodes"))
    assert f"sheet figures, row {episodes.source_row}" in episodes.source
    assert partnership.figure("knife_crime_victims_10_24").period == "2025"
    assert partnership.figure("ehe_register").period == "2025/26"
    dental = partnership.figure("cla_health_dental_checks")
    assert (dental.value, dental.decimals, dental.text) == (90.0, 1, "90.0%")
    assert partnership.figure("youth_awards_participants").text == "more than 3,800"
    assert partnership.figure("youth_work_apprentices") is None
    assert partnership.items("lead_partners")["detail"].iloc[0] == "Synthetic director of children’s services"


def test_lists_saved_as_cp1252_come_through(data):
    path = data / "partnerships" / "camden" / YEAR / "lists.csv"
    columns, rows = read_template_csv(path)
    rows[0]["item"] = "Synthetic Council – children’s services"
    write_csv(path, columns, rows, "cp1252")
    partnership = PartnershipData(YEAR, AREA, data)
    assert partnership.items("lead_partners")["item"].iloc[0] == "Synthetic Council – children’s services"


def test_last_years_period_is_accepted_as_a_restatement_and_compared(data):
    council = returns(data, "council.csv")
    row = append_csv(council, indicator_id="front_door_referrals", period="2024-25", value="8600",
                     notes="Synthetic restatement")
    report = validate_edition(YEAR, AREA, data)
    assert report.errors == []
    restated = [str(w) for w in report.warnings if "restates" in str(w)]
    assert restated == [
        f"{council}, row {row}, column value: restates front_door_referrals for 2024-25 as 8600, but the previous "
        f"edition published 8,583 ({data / 'partnerships' / 'camden' / '2024-25' / 'figures.csv'}, row 5); the book compares "
        "with the restated value on this edition's pages (value: '8600')"]
    partnership = PartnershipData(YEAR, AREA, data)
    assert partnership.figure("front_door_referrals", "2024-25").value == 8600
    assert partnership.previous_figure("front_door_referrals").value == 8583


def test_other_files_in_the_returns_folder_are_warned_about(data):
    (returns(data, "covering letter.pdf")).write_bytes(b"%PDF")
    (returns(data, "~$police.xlsx")).write_bytes(b"lock")  # Excel's lock file: the workbook is open
    (returns(data, "..\\health.csv")).write_bytes(b"indicator_id,value\n")  # a name that starts with a dot
    report = validate_edition(YEAR, AREA, data)
    assert report.errors == []
    warnings = [str(w) for w in report.warnings]
    assert f"{returns(data, 'covering letter.pdf')}: not a .csv or .xlsx file, so not read" in warnings
    assert f"{returns(data, '~$police.xlsx')}: an Excel lock file, so not read: the workbook is open in Excel; " \
           "close it, then check again" in warnings
    assert any(w.startswith(f"{returns(data, '..' + chr(92) + 'health.csv')}: a hidden file") for w in warnings), warnings


def test_the_published_2024_25_figures_are_valid():
    report = validate_edition("2024-25", AREA)
    assert report.errors == [] and report.warnings == []
    figures = pd.read_csv(DataPaths(partnership_id="camden").year("2024-25") / "figures.csv", dtype=str)
    assert f"read data/partnerships/camden/2024-25/figures.csv: {len(figures)} rows" in report.format()


def test_another_area_has_nothing_to_validate(data):
    report = validate_edition(YEAR, "E09000019", data)
    assert report.ok and "built from national statistics alone" in report.skipped


@pytest.mark.parametrize("text, unit, expected", [
    ("1234", "count", 1234), ("1,234", "count", 1234), (" 79.4 ", "percentage", 79.4), ("79.4%", "percentage", 79.4),
    ("12,345.5", "rate_per_10000", 12345.5), ("1,2", "count", None), ("n/a", "count", None), ("nan", "count", None),
    ("inf", "count", None), ("79.4%", "count", None), ("", "count", None), ("1 234", "count", None),
    ("٨٥", "count", None), ("８５", "percentage", None), ("1,٢٣٤", "count", None),
])
def test_parse_number(text, unit, expected):
    assert parse_number(text, unit)[0] == expected


# --------------------------------------------------------------------------
# The command line and the parameters
# --------------------------------------------------------------------------


def test_cli_validate_exits_1_listing_every_error(data, capsys):
    expected = case_negative_count(data)
    code = cli.main(["validate", "--year", YEAR, "--data-dir", str(data), "--allow-data-outside-project"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"  - {expected}" in out and "error" in out


def test_cli_validate_exits_0_printing_the_warnings(data, capsys):
    code = cli.main(["validate", "--year", YEAR, "--data-dir", str(data), "--allow-data-outside-project"])
    out = capsys.readouterr().out
    assert code == 0
    assert "4 warnings (the book can be built):" in out and "youth_work_apprentices" in out


def test_cli_validate_of_the_project_data(capsys):
    assert cli.main(["validate", "--year", "2024-25"]) == 0
    assert "No errors: the figures are ready." in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["validate", "--year", "2025/26"], "is not in the form YYYY-YY"),
    (["validate", "--year", "2025-27"], "does not name two consecutive years"),
    (["validate", "--year", YEAR, "--area", "E09999999"], "is not a local authority in the national statistics"),
    (["validate", "--year", YEAR, "--area", "E0900007"], "is not an ONS area code: E followed by 8 digits"),
])
def test_cli_validate_refuses_bad_parameters(argv, message, capsys):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_data_folder_outside_the_project_is_refused(data, tmp_path, published, capsys):
    assert cli.main(["validate", "--year", YEAR, "--data-dir", str(data)]) == 2
    assert f"data folder {data} is outside the project" in capsys.readouterr().err
    before = snapshot(published)
    with pytest.raises(ParameterError, match="is outside the project"):
        build_edition(YEAR, AREA, data_dir=data, book_root=FIXTURE_BOOK, stage_root=tmp_path / "stage",
                             site_dir=published, progress=None)
    assert not (tmp_path / "stage").exists() and snapshot(published) == before
    assert validate_data_dir(data, YEAR, [tmp_path]) == data.resolve()
    assert validate_data_dir(FIXTURE_BOOK / "data", YEAR) == (FIXTURE_BOOK / "data").resolve()


def test_cli_build_stops_on_input_errors_before_anything_runs(data, tmp_path, published, capsys):
    expected = case_formula_in_a_workbook(data)
    before = snapshot(published)
    code = cli.main(["build", "--year", YEAR, "--data-dir", str(data), "--allow-data-outside-project",
                     "--stage-dir", str(tmp_path / "stage"), "--site-dir", str(published)])
    assert code == 1
    assert f"  - {expected}" in capsys.readouterr().err
    assert not (tmp_path / "stage").exists() and snapshot(published) == before


def test_lists_saved_as_a_workbook_beside_no_lists_csv_are_named(data):
    folder = data / "partnerships" / "camden" / YEAR
    (folder / "lists.csv").rename(folder / "lists.xlsx")
    report = validate_edition(YEAR, AREA, data)
    assert any(str(e).startswith(f"{folder / 'lists.xlsx'}: not read: the edition's lists.csv is missing")
               for e in report.errors), [str(e) for e in report.errors]


def test_percentages_typed_as_fractions_are_warned_about_with_their_rows(data):
    from analysis.inputs.catalogue import load_catalogue

    catalogue = load_catalogue(data)
    path = returns(data, "health.csv")
    _, encoding = decode_text(path.read_bytes())
    columns, rows = read_template_csv(path)
    changed = []
    for number, row in enumerate(rows, start=2):
        if row["value"] and catalogue.at[row["indicator_id"], "unit"] == "percentage":
            row.update(value=f"{float(row['value']) / 100:.2f}", numerator="", denominator="")
            changed.append(number)
    assert changed  # the synthetic health return has percentages
    write_csv(path, columns, rows, encoding)
    report = validate_edition(YEAR, AREA, data)
    rows_text = ("row" if len(changed) == 1 else "rows") + " " + ", ".join(map(str, changed))
    assert any(str(w).startswith(f"{path}, column value: every percentage in this return is 1 or less ({rows_text})")
               for w in report.warnings), [str(w) for w in report.warnings]


def test_a_list_from_last_year_is_warned_about_with_its_row(data):
    path = data / "partnerships" / "camden" / YEAR / "lists.csv"
    _, encoding = decode_text(path.read_bytes())
    columns, rows = read_template_csv(path)
    number = next(n for n, row in enumerate(rows, start=2) if row["list_id"] == "review_themes" and row["item"])
    for row in rows:
        if row["list_id"] == "review_themes":
            row["period"] = "2024-25"  # last year's, in the 2025-26 edition
    write_csv(path, columns, rows, encoding)
    warnings = [str(w) for w in validate_edition(YEAR, AREA, data).warnings]
    assert (f"{path}, row {number}, column period: the list review_themes is for 2024-25, which ended before this "
            f"edition's year {YEAR}: is it last year's list? Give the list in force in the edition's year "
            "(value: '2024-25')") in warnings, warnings



def test_human_ways_of_writing_a_value_are_read_and_said(data):
    """'approx.' and 'c. 8,900' read as 'about'; 'N/A' for an optional indicator as not supplied,
    for a required one refused; '<5' refused: each with its row (a decision the README records)."""
    council = returns(data, "council.csv")
    qualifier_row = edit_csv(council, "children_population", qualifier="Approx.")
    value_row = edit_csv(council, "front_door_referrals", value="c. 8,900")
    optional_row = edit_csv(council, "children_share_of_population", value="N/A", numerator="", denominator="")
    police = returns(data, "police.xlsx")
    required_row = edit_xlsx(police, "missing_episodes", value="n/a")
    held_back_row = edit_xlsx(police, "missing_young_people", value="<5")
    report = validate_edition(YEAR, AREA, data)
    warnings, errors = [str(w) for w in report.warnings], [str(e) for e in report.errors]
    assert f"{council}, row {qualifier_row}, column qualifier: read the qualifier 'Approx.' as 'about' " \
           "(value: 'Approx.')" in warnings
    assert f"{council}, row {value_row}, column value: read 'c. 8,900' as the qualifier 'about' and the value " \
           "'8,900' (value: 'c. 8,900')" in warnings
    assert f"{council}, row {optional_row}, column value: read 'N/A' as not supplied (an optional indicator) " \
           "(value: 'N/A')" in warnings
    assert f"{police}, sheet figures, row {required_row}, column value: missing_episodes is required: give its " \
           "value ('n/a' is not one) (value: 'n/a')" in errors
    assert any(e.startswith(f"{police}, sheet figures, row {held_back_row}, column value: '<5' is a figure held back")
               for e in errors), errors
    assert len(errors) == 2, errors
