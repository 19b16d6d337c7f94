"""Small reference files read without pandas (analysis.csv_rows), refused where the pandas reader
refused them, and the area checks a build reads through it."""
from __future__ import annotations

import shutil

import pytest

from analysis.csv_rows import read_csv_rows
from analysis.errors import InputError
from analysis.national.areas import AREAS_FILE, UnknownAreaError, area_name, area_row, check_local_authority
from analysis.config import DataPaths

COLUMNS = ["code", "name"]


def _rows(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode(encoding))
    return path, read_csv_rows(path, COLUMNS)


def test_cells_are_text_numbered_as_a_spreadsheet_shows_them(tmp_path):
    _, rows = _rows(tmp_path, '\ufeffcode,name,note\r\nE1,"Camden, London",NA\r\n\r\n   \r\nE2,"Two\nlines"\r\nE3\r\n')
    assert rows == [(2, {"code": "E1", "name": "Camden, London", "note": "NA"}),
                    (5, {"code": "E2", "name": "Two\nlines", "note": ""}),  # (blank lines 3 and 4 skipped)
                    (7, {"code": "E3", "name": "", "note": ""})]  # (a short row's cells are empty)


def test_a_row_of_empty_cells_is_a_row(tmp_path):
    _, rows = _rows(tmp_path, "code,name\n,\n")
    assert rows == [(2, {"code": "", "name": ""})]


@pytest.mark.parametrize("text, expected", [
    ("code,note\nE1,x\n", "table.csv, column name: required column missing"),
    ("code,name,name\nE1,a,b\n", "table.csv, row 1, column name: appears more than once in the header"),
    ("code,name\nE1,a\nE2,Order 2020, article 3\n",
     "table.csv, row 3: has 3 cells but the header has 2 columns: does a cell hold a comma without quotes around it?"),
])
def test_what_the_pandas_reader_refused_is_refused_naming_file_row_and_column(tmp_path, text, expected):
    with pytest.raises(InputError) as refused:
        _rows(tmp_path, text)
    assert [str(problem) for problem in refused.value.problems] == [f"{tmp_path / expected}"]


def test_areas_saved_with_a_byte_order_mark_or_a_blank_line_are_read_as_before(tmp_path):
    national = tmp_path / "national"
    shutil.copytree(DataPaths().national, national, ignore=shutil.ignore_patterns("*.csv"))
    text = (DataPaths().national / AREAS_FILE).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    (national / AREAS_FILE).write_text("\ufeff" + "".join(lines[:3]) + "  \n" + "".join(lines[3:]), encoding="utf-8")
    assert area_name("E09000007", national) == area_name("E09000007", DataPaths().national) == "Camden"
    assert area_row("E09000007", national) == area_row("E09000007", DataPaths().national)
    check_local_authority("E09000007", national, DataPaths().reference)
    with pytest.raises(UnknownAreaError, match="Did you mean"):
        check_local_authority("E0900007", national, DataPaths().reference)
