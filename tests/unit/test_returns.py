"""Partner returns: new-edition's templates, and reading CSV (any encoding Excel uses) and .xlsx."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from analysis import cli
from analysis.inputs.catalogue import load_catalogue, load_list_catalogue
from analysis.inputs.formats import RETURN_COLUMNS
from analysis.inputs.readers import decode_text, read_csv_table, read_xlsx_table
from analysis.inputs.templates import EditionExists, new_edition
from synthetic_fill import copy_data, read_template_csv

PARTNERS = ("council", "education", "health", "police")


@pytest.fixture(scope="module")
def created(tmp_path_factory):
    data = copy_data(tmp_path_factory.mktemp("new-edition"), national=False)
    result = new_edition("2025-26", data)
    return data, result


def test_new_edition_creates_a_return_per_partner_in_both_formats(created):
    data, result = created
    folder = data / "partnerships" / "camden" / "2025-26"
    assert result.folder == folder
    names = sorted(p.relative_to(folder).as_posix() for p in result.files)
    # The committee paper is last year's, copied as a starting point.
    assert names == sorted(["README.md", "claims.csv", "committee_paper.md", "documents.csv", "lists.csv"]
                           + [f"returns/{p}.{ext}" for p in PARTNERS for ext in ("csv", "xlsx")])
    assert result.previous_year == "2024-25"
    report = result.report()
    assert "Created" in report and "2024-25 edition" in report
    assert all(path.relative_to(folder).as_posix() in report for path in result.files), report


def test_templates_list_each_partners_indicators_with_definition_period_and_last_year(created):
    data, _ = created
    catalogue = load_catalogue(data)
    folder = data / "partnerships" / "camden" / "2025-26" / "returns"
    seen = []
    for partner in PARTNERS:
        columns, rows = read_template_csv(folder / f"{partner}.csv")
        assert columns == RETURN_COLUMNS
        expected = catalogue[(catalogue["partner"] == partner) & (catalogue["source_type"] == "partnership")]
        assert [r["indicator_id"] for r in rows] == list(expected["indicator_id"])
        for row in rows:
            meta = catalogue.loc[row["indicator_id"]]
            assert row["definition"] == meta["definition"] and row["unit"] == meta["unit"]
            assert row["required"] == meta["required"] and row["title"] == meta["title"]
            assert row["value"] == row["numerator"] == row["denominator"] == ""
        seen += [r["indicator_id"] for r in rows]
    assert sorted(seen) == sorted(catalogue.index)
    _, council = read_template_csv(folder / "council.csv")
    referrals = next(r for r in council if r["indicator_id"] == "front_door_referrals")
    assert (referrals["period"], referrals["previous_period"], referrals["previous_value"]) == ("2025-26", "2024-25", "8,583")
    _, police = read_template_csv(folder / "police.csv")
    knife = next(r for r in police if r["indicator_id"] == "knife_crime_victims_10_24")
    assert (knife["period"], knife["previous_period"], knife["previous_value"]) == ("2025", "2024", "26")
    _, education = read_template_csv(folder / "education.csv")
    ehe = next(r for r in education if r["indicator_id"] == "ehe_register")
    assert (ehe["period"], ehe["previous_value"]) == ("2025/26", "350")


def test_excel_template_matches_the_csv_and_has_guidance(created):
    data, _ = created
    folder = data / "partnerships" / "camden" / "2025-26" / "returns"
    workbook = load_workbook(folder / "health.xlsx")
    assert workbook.sheetnames == ["figures", "guidance"]
    sheet = workbook["figures"]
    assert [c.value for c in sheet[1]] == RETURN_COLUMNS
    _, rows = read_template_csv(folder / "health.csv")
    for row, excel in zip(rows, sheet.iter_rows(min_row=2)):
        values = {column: ("" if cell.value is None else str(cell.value)) for column, cell in zip(RETURN_COLUMNS, excel)}
        assert values == row
        assert not any(cell.data_type == "f" for cell in excel)
    guidance = " ".join(str(c.value) for row in workbook["guidance"].iter_rows() for c in row if c.value)
    assert "formulas" in guidance and "numerator" in guidance


def test_list_and_document_templates_and_readme(created):
    data, _ = created
    folder = data / "partnerships" / "camden" / "2025-26"
    _, lists = read_template_csv(folder / "lists.csv")
    assert [r["list_id"] for r in lists] == list(load_list_catalogue(data).index)
    assert all(r["item"] == "" for r in lists)
    _, documents = read_template_csv(folder / "documents.csv")
    assert [d["document_id"] for d in documents] == [f"return-{p}" for p in PARTNERS]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for text in ("python -m analysis validate --year 2025-26", "`knife_crime_victims_10_24`", "2025/26",
                 "formulas are refused", "`review_themes`"):
        assert text in readme


def test_new_edition_never_overwrites(created):
    data, _ = created
    folder = data / "partnerships" / "camden" / "2025-26"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(EditionExists, match="already exists"):
        new_edition("2025-26", data)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".new-")]


def test_new_edition_without_a_previous_edition_has_no_last_year_values(tmp_path):
    data = copy_data(tmp_path, national=False)
    result = new_edition("2030-31", data)
    assert result.previous_year is None
    _, rows = read_template_csv(data / "partnerships" / "camden" / "2030-31" / "returns" / "council.csv")
    assert all(r["previous_value"] == "" and r["period"] == "2030-31" for r in rows)


def test_cli_new_edition_creates_then_refuses(tmp_path, capsys):
    data = copy_data(tmp_path, national=False)
    args = ["new-edition", "2025-26", "--data-dir", str(data), "--allow-data-outside-project"]
    assert cli.main(args) == 0
    assert "returns/police.xlsx" in capsys.readouterr().out
    assert cli.main(args) == 1
    assert "already exists" in capsys.readouterr().err


def test_cli_new_edition_refuses_a_data_folder_outside_the_project(tmp_path, capsys):
    data = copy_data(tmp_path, national=False)
    assert cli.main(["new-edition", "2025-26", "--data-dir", str(data)]) == 2
    assert "is outside the project" in capsys.readouterr().err
    assert not (data / "partnerships" / "camden" / "2025-26").exists()


def test_cli_new_edition_refuses_a_bad_year(capsys):
    assert cli.main(["new-edition", "2025-27"]) == 2
    assert "does not name two consecutive years" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Reading files however they were saved
# --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, expected", [
    ("cp1252", "cp1252"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("utf-16", "utf-16"),
])
def test_decode_text_reads_what_excel_and_editors_write(encoding, expected):
    text = "item,detail\r\nChildren’s services – front door,“quoted” café\r\n"
    decoded, found = decode_text(text.encode(encoding))
    assert decoded == text and found == expected


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_keeps_spreadsheet_row_numbers_and_ignores_blank_rows(tmp_path):
    path = _write(tmp_path / "r.csv", "indicator_id, Value ,period\r\na,1,x\r\n,,\r\n\r\nb,\"2,000\",y\r\n,,\r\n,,\r\n",
                  "cp1252")
    table = read_csv_table(path)
    assert table.problems == []
    assert table.columns == ["indicator_id", "value", "period"]
    assert table.headers["value"] == "Value"
    assert [(r.row, r.get("indicator_id"), r.get("value")) for r in table.rows] == [(2, "a", "1"), (5, "b", "2,000")]


def test_csv_with_a_bom_has_a_clean_first_column(tmp_path):
    path = _write(tmp_path / "r.csv", "indicator_id,value\nx,1\n", "utf-8-sig")
    table = read_csv_table(path)
    assert table.columns == ["indicator_id", "value"] and table.encoding == "utf-8-sig"


def test_csv_cells_beyond_the_header_are_reported(tmp_path):
    path = _write(tmp_path / "r.csv", "indicator_id,value\nx,1,oops\ny,2,,\n")
    table = read_csv_table(path)
    assert [str(p) for p in table.problems] == [
        f"{path}, row 2, column C: the row has more cells than the header row has columns (value: 'oops')"]


def test_csv_header_problems(tmp_path):
    path = _write(tmp_path / "r.csv", "indicator_id,value,value,\nx,1,2,3\n")
    messages = [str(p) for p in read_csv_table(path).problems]
    assert f"{path}, row 1, column value: the same column name appears twice in the header row" in messages
    assert f"{path}, row 1, column D: a column with values has no name in the header row" in messages


def _workbook(path: Path, rows: list[list], sheet: str = "figures") -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_values_formulas_percent_format_and_blank_rows(tmp_path):
    path = tmp_path / "r.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Figures"
    sheet.append(["indicator_id", "period", "value"])
    sheet.append(["a", "2025-26", 12])
    sheet.append(["b", "2025-26", "=10+2"])
    sheet.append(["c", "2025-26", 0.794])
    sheet["C4"].number_format = "0.0%"
    sheet.append(["d", 2025, 79.4])
    sheet.append(["e", "2025-26", "#DIV/0!"])
    sheet["A9"].number_format = "0.0"  # a formatted but empty row further down
    workbook.save(path)
    table = read_xlsx_table(path)
    assert table.sheet == "Figures"
    values = {r.get("indicator_id"): (r.row, r.get("period"), r.get("value")) for r in table.rows}
    assert values == {"a": (2, "2025-26", "12"), "b": (3, "2025-26", "=10+2"), "c": (4, "2025-26", "79.4"),
                      "d": (5, "2025", "79.4"), "e": (6, "2025-26", "#DIV/0!")}
    assert [str(p) for p in table.problems] == [
        f"{path}, sheet Figures, row 3, column value: a formula, not a value: copy the cell and paste it back "
        "as a value (Paste Special, Values) (value: '=10+2')",
        f"{path}, sheet Figures, row 6, column value: an Excel error value, not a number (value: '#DIV/0!')",
    ]
    assert [r.unreadable for r in table.rows] == [set(), {"value"}, set(), set(), {"value"}]


def test_xlsx_without_the_figures_sheet(tmp_path):
    path = _workbook(tmp_path / "r.xlsx", [["indicator_id", "value"]], sheet="Sheet1")
    assert [str(p) for p in read_xlsx_table(path).problems] == [
        f"{path}: the workbook has no sheet named 'figures' (it has: Sheet1)"]


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = _write(tmp_path / "r.xlsx", "indicator_id,value\n")
    (problem,) = read_xlsx_table(path).problems
    assert str(problem).startswith(f"{path}: the file is named .xlsx but is not an Excel workbook (it looks like text")


def test_the_committee_paper_is_last_years_marked_as_a_copy_and_refused_until_its_dates_are_this_years(created):
    from analysis.inputs.committee_paper import paper_path, paper_problems, read_paper
    from analysis.inputs.edition import PartnershipData

    data, result = created
    copied = read_paper(paper_path(result.folder))
    last_year = read_paper(paper_path(data / "partnerships" / "camden" / "2024-25"))
    assert copied.sections == last_year.sections and copied.details == last_year.details
    assert "# Copied from the 2024-25 paper by new-edition" in paper_path(result.folder).read_text(encoding="utf-8")
    edition = PartnershipData("2024-25", None, data)
    problems = paper_problems(copied, edition.catalogue, edition.list_catalogue, edition.figures, "2025-26")
    assert [(p.column, "before the end of the 2025-26 year" in p.rule) for p in problems] == [("committee_date", True)]
    assert paper_problems(last_year, edition.catalogue, edition.list_catalogue, edition.figures, "2024-25") == []
