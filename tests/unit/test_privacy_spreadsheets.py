"""The privacy scan reads spreadsheets cell by cell (analysis.assurance.privacy.scan_workbook): a
workbook in an edition is checked as a CSV is, and each finding names its file, sheet and cell.

The person-level values are SYNTHETIC: SW1A 1AA is a public, non-residential postcode; the
tables are made up for these tests.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from openpyxl import Workbook, load_workbook

from analysis.assurance.privacy import scan_edition, scan_workbook
from analysis.present import spreadsheets as sp

DAY = date(2025, 3, 31)
CLEAN = pd.DataFrame({"Period": ["2023-24", "2024-25"], "Synthetic referrals": ["8,174", "8,583"]})


def _book_workbook(folder, table: pd.DataFrame = CLEAN):
    """A chart's workbook as the book writes it."""
    downloads = sp.Downloads(folder, "02_synthetic", "Synthetic edition", DAY)
    downloads.spreadsheet(sp.TableData(table, "Synthetic referrals", "Synthetic source"), "synthetic")
    return folder / "02_synthetic-synthetic.xlsx"


def _plant(path, sheet: str, cell: str, value) -> None:
    workbook = load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)


def test_a_clean_workbook_has_no_findings(tmp_path):
    path = _book_workbook(tmp_path)
    assert scan_workbook(path, "clean.xlsx") == []
    assert scan_edition(tmp_path) == []


def test_a_postcode_planted_in_a_cell_is_found_naming_file_sheet_and_cell(tmp_path):
    path = _book_workbook(tmp_path)
    _plant(path, sp.DATA_SHEET, "B9", "SW1A 1AA")
    found = scan_edition(tmp_path)
    assert [str(finding) for finding in found] == [
        "02_synthetic-synthetic.xlsx (sheet 'Table 1', cell B9): a UK postcode (SW1A ***)"]


def test_a_child_level_row_is_found_in_any_sheet(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Synthetic records"
    workbook.active.append(["child_id", "Date of birth", "Count"])
    workbook.active.append(["A1", "01/02/2015", 1])
    notes = workbook.create_sheet("Synthetic notes")
    notes.append(["Synthetic note", "DOB: 2015-02-01"])
    path = tmp_path / "published" / "records.xlsx"
    path.parent.mkdir()
    workbook.save(path)
    found = [(f.file, f.line, f.where, f.what) for f in scan_edition(tmp_path / "published")]
    assert found == [
        ("records.xlsx", None, "sheet 'Synthetic records', cell A1",
         "a person-level field 'child_id' (a person identifier) in a spreadsheet cell"),
        ("records.xlsx", None, "sheet 'Synthetic records', cell B1",
         "a person-level field 'Date of birth' (a date of birth) in a spreadsheet cell"),
        ("records.xlsx", None, "sheet 'Synthetic notes', cell B1", "a date of birth (****-**-**)"),
    ]


def test_a_small_count_from_record_level_data_in_a_register_sheet_is_found(tmp_path):
    register = pd.DataFrame({"page": ["04_synthetic", "04_synthetic"], "name": ["big", "small"],
                             "raw_value": ["350", "3"], "unit": ["count", "count"],
                             "source_kind": ["partnership", "record_level"]})
    path = _book_workbook(tmp_path, register)
    found = scan_workbook(path, "register.xlsx")
    assert [(f.where, f.what.split(" (")[0]) for f in found] == [("sheet 'Table 1', row 7", "a small count")]
    assert [cell.value for cell in load_workbook(path)[sp.DATA_SHEET][7]][:2] == ["04_synthetic", "small"]


def test_a_workbook_that_cannot_be_opened_is_not_published_unchecked(tmp_path):
    (tmp_path / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    (finding,) = scan_edition(tmp_path)
    assert finding.file == "broken.xlsx" and "cannot be opened" in finding.what
