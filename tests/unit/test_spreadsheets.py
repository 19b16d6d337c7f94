"""Accessible spreadsheets made with gptables (analysis.present.spreadsheets).

The tables and the register here are synthetic (made up for these tests, named so); every
workbook is read back with openpyxl, as a reader's spreadsheet program would open it.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.present import spreadsheets as sp

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAY = date(2025, 3, 31)

SYNTHETIC_NOTES = pd.DataFrame([("synthetic_note_b", "Synthetic note about the counts."),
                                ("synthetic_note_a", "Synthetic note about the table.")], columns=sp.NOTE_COLUMNS)
SYNTHETIC_COVER = sp.CoverText(title="Synthetic workbook", intro=("Synthetic introduction.",),
                               about=("Synthetic paragraph about the data.",))


def synthetic_tables() -> list[sp.SheetTable]:
    return [
        sp.SheetTable(label="Synthetic counts", table_name="table_synthetic_counts",
                      title="Synthetic counts by year$$synthetic_note_a$$",
                      subtitles=("Counts$$synthetic_note_b$$",), source="Synthetic source",
                      table=pd.DataFrame({"Year": ["2023-24", "2024-25"], "Count": [8174, 8583]})),
        sp.SheetTable(label="Synthetic rates", table_name="table_synthetic_rates", title="Synthetic rates",
                      table=pd.DataFrame({"Year": ["2024-25"], "Rate": [591.3]})),
    ]


def synthetic_shown_register() -> pd.DataFrame:
    """A register as the register page shows it (analysis.assurance.pages.register_table)."""
    rows = [("Synthetic first page", "00_synthetic", "synthetic_count", "synthetic_referrals", "8,583", "8583",
             "count", "2024-25", "partnership", "synthetic.csv row 2"),
            ("Synthetic first page", "00_synthetic", "synthetic_label", "synthetic_referrals", "referrals", "",
             "", "", "catalogue", "synthetic catalogue"),
            ("Synthetic first page", "00_synthetic", "synthetic_suppressed", "synthetic_rate", "c", "nan",
             "rate_per_10000", "2025", "national", "synthetic extract"),
            ("Synthetic: second page?", "01_synthetic", "synthetic_share", "synthetic_share", "79.4%", "79.4",
             "percentage", "2024-25", "partnership", "synthetic.csv row 3")]
    return pd.DataFrame(rows, columns=["Page title", "Page", "Name", "Indicator", "Text shown", "Raw value", "Unit",
                                       "Period", "Kind of source", "Source"])


def _rows(sheet) -> list[list]:
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


# ---------------------------------------------------------------- names Excel accepts
@pytest.mark.parametrize("text, taken, label", [
    ("The children's front door", set(), "The children's front door"),
    ("Claims: checked [national] / local?", set(), "Claims checked national local"),
    ("Learning from serious incidents and reviews", set(), "Learning from serious incidents"),
    ("Context", {"context"}, "Context (2)"),
    ("Context", {"Context", "Context (2)"}, "Context (3)"),
    ("Notes", set(), "Notes (2)"),
    ("'quoted'", set(), "quoted"),
    ("", set(), "Table"),
])
def test_a_sheet_label_is_one_excel_accepts_and_unique(text, taken, label):
    assert sp.sheet_label(text, taken) == label
    assert len(label) <= 31


@pytest.mark.parametrize("text, name", [("02_front_door", "table_02_front_door"),
                                        ("Key findings!", "table_Key_findings")])
def test_a_table_name_is_one_excel_accepts(text, name):
    assert sp.table_name(text) == name


# ---------------------------------------------------------------- the workbook
def test_a_workbook_has_a_cover_contents_notes_and_one_table_per_sheet(tmp_path):
    path = sp.write_workbook(tmp_path / "synthetic.xlsx", synthetic_tables(), SYNTHETIC_COVER, SYNTHETIC_NOTES, DAY)
    assert sp.workbook_tables(path) == {"Cover": [], "Contents": ["contents_table"], "Notes": ["notes_table"],
                                        "Synthetic counts": ["table_synthetic_counts"],
                                        "Synthetic rates": ["table_synthetic_rates"]}
    workbook = load_workbook(path)
    assert _rows(workbook["Cover"])[:3] == [["Synthetic workbook"], ["Introductory information"],
                                             ["Synthetic introduction."]]
    contents = _rows(workbook["Contents"])
    assert ["Synthetic counts", "Synthetic counts by year"] in contents
    # Notes are numbered in the order the tables refer to them.
    notes = _rows(workbook["Notes"])
    assert notes[-2:] == [[1, "Synthetic note about the table."], [2, "Synthetic note about the counts."]]
    counts = _rows(workbook["Synthetic counts"])
    assert counts[0] == ["Synthetic counts by year[note 1]"] and counts[1] == ["Counts[note 2]"]
    assert counts[-3:] == [["Year", "Count"], ["2023-24", 8174], ["2024-25", 8583]]  # numbers stored as numbers
    assert workbook["Synthetic counts"].tables["table_synthetic_counts"].ref.endswith(str(len(counts)))
    assert workbook.properties.created == datetime(2025, 3, 31) and workbook.properties.title == "Synthetic workbook"


def test_a_workbook_depends_only_on_its_arguments():
    first = sp.workbook_bytes(synthetic_tables(), SYNTHETIC_COVER, SYNTHETIC_NOTES, DAY)
    assert sp.workbook_bytes(synthetic_tables(), SYNTHETIC_COVER, SYNTHETIC_NOTES, DAY) == first
    assert sp.workbook_bytes(synthetic_tables(), SYNTHETIC_COVER, SYNTHETIC_NOTES, date(2026, 3, 31)) != first


def test_a_workbook_needs_tables_with_different_names():
    with pytest.raises(ValueError, match="at least one table"):
        sp.workbook_bytes([], SYNTHETIC_COVER, SYNTHETIC_NOTES, DAY)
    twice = synthetic_tables()
    twice[1] = sp.SheetTable(label="synthetic COUNTS", table_name="table_other", title="t", table=twice[1].table)
    with pytest.raises(ValueError, match="two worksheets would have one name"):
        sp.workbook_bytes(twice, SYNTHETIC_COVER, SYNTHETIC_NOTES, DAY)


# ---------------------------------------------------------------- the register of figures
def test_the_register_has_one_table_per_page_in_order_without_the_page_columns():
    tables = sp.register_sheets(synthetic_shown_register())
    assert [(t.label, t.table_name, t.title) for t in tables] == [
        ("Synthetic first page", "table_00_synthetic", "Register of figures: Synthetic first page"),
        ("Synthetic second page", "table_01_synthetic", "Register of figures: Synthetic: second page?")]
    first = tables[0].table
    assert list(first.columns) == ["Name", "Indicator", "Text shown", "Raw value", "Unit", "Period", "Kind of source",
                                   "Source"]
    assert list(first["Raw value"]) == [8583, "", ""]  # a number as a number; none for words or a symbol
    assert tables[0].subtitles[0].startswith("Each of the 3 values inserted into the text of this page")
    assert tables[1].subtitles[0].startswith("Each of the 1 value inserted")


def test_the_register_workbook_names_the_edition_and_explains_its_columns_and_symbols(tmp_path):
    path = tmp_path / sp.REGISTER_NAME
    assert sp.register_workbook(synthetic_shown_register(), path, "Synthetic edition", DAY) is None
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Cover", "Contents", "Notes", "Synthetic first page", "Synthetic second page"]
    assert _rows(workbook["Cover"])[0] == ["Register of figures: Synthetic edition"]
    notes = " ".join(str(cell) for row in _rows(workbook["Notes"]) for cell in row)
    assert "c, suppressed to protect confidentiality (small number)" in notes
    assert "derived, worked out by the book from other figures" in notes
    assert _rows(workbook["Synthetic first page"])[-3][:3] == ["synthetic_count", "synthetic_referrals", "8,583"]


def test_the_register_page_writes_and_links_the_workbook():
    notebook = json.loads((PROJECT_ROOT / "notebooks/assurance/register.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(cell["source"]) for cell in notebook["cells"])
    assert "{download}`register-of-figures.xlsx <register-of-figures.xlsx>`" in text
    assert 'register_workbook(shown, "register-of-figures.xlsx"' in text
