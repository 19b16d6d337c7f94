"""Every chart and table as an accessible spreadsheet of its own (analysis.present.spreadsheets:
TableData, Downloads; shown by analysis.present.tables.WithDownload and Page.show_chart/show_table).

The tables here are SYNTHETIC (made up for these tests, named so); every workbook is read back
with openpyxl, as a reader's spreadsheet program would open it.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from IPython.display import HTML, Markdown
from openpyxl import load_workbook

from analysis.pages.page import Page
from analysis.present import charts, spreadsheets as sp, tables
from analysis.present.charts import line_chart

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAY = date(2025, 3, 31)
EDITION = "Synthetic partnership: annual report 2024-25"

# As the page shows it: counts with thousands separators, a rate to one decimal, a symbol, text.
SYNTHETIC_TABLE = pd.DataFrame({
    "Period": ["2023-24", "2024-25", "2024-25"],
    "Synthetic referrals": ["8,174", "8,583", "12"],
    "Synthetic rate (per 10,000 children)": ["591.3", "18.0", "c"],
    "Rank": ["104 / 153", "52 / 153", "not ranked (c)"],
})
SYNTHETIC_DATA = sp.TableData(SYNTHETIC_TABLE, "Synthetic referrals compared", "Synthetic source of the figures",
                              notes_heading="Change on the year before",
                              notes=(("Synthetic referrals", "Rose slightly"), ("Synthetic rate", "Fell")))


def _rows(sheet) -> list[list]:
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def _written(tmp_path, data=SYNTHETIC_DATA, name="synthetic-comparison") -> tuple[Path, str]:
    downloads = sp.Downloads(tmp_path / "_data" / "02_synthetic", "02_synthetic", EDITION, DAY)
    link = downloads.spreadsheet(data, name)
    return tmp_path / "_data" / "02_synthetic" / f"02_synthetic-{name}.xlsx", link


def _table_rows(path: Path) -> list[list]:
    """The rows of the one Excel table of the workbook's table sheet, header first."""
    sheet = load_workbook(path)[sp.DATA_SHEET]
    (ref,) = [table.ref for table in sheet.tables.values()]
    return [[cell.value for cell in row] for row in sheet[ref]]


# ---------------------------------------------------------------- a table's workbook
def test_a_tables_workbook_has_a_cover_contents_notes_and_exactly_its_rows_and_columns(tmp_path):
    path, _ = _written(tmp_path)
    assert sp.workbook_tables(path) == {"Cover": [], "Contents": ["contents_table"], "Notes": ["notes_table"],
                                        sp.DATA_SHEET: ["table_02_synthetic_synthetic_comparison"]}
    assert _table_rows(path) == [
        list(SYNTHETIC_TABLE.columns),
        ["2023-24", 8174, 591.3, "104 / 153"],  # plain numbers are numbers; periods and ranks are text
        ["2024-25", 8583, 18.0, "52 / 153"],
        ["2024-25", 12, "c", "not ranked (c)"],  # the symbol stays as text
    ]
    sheet = load_workbook(path)[sp.DATA_SHEET]
    # Each number is shown as the book writes it: '8,583', '18.0', '12'.
    formats = {cell.coordinate: cell.number_format for row in sheet.iter_rows() for cell in row
               if isinstance(cell.value, (int, float))}
    assert sorted(set(formats.values())) == ["#,##0", "0", "0.0"]
    table_rows = _rows(sheet)
    assert table_rows[0] == ["Synthetic referrals compared"]
    assert "Source: Synthetic source of the figures" in [row[0] for row in table_rows if len(row) == 1]


def test_the_cover_names_the_title_the_edition_and_the_source(tmp_path):
    path, _ = _written(tmp_path)
    workbook = load_workbook(path)
    cover = [row[0] for row in _rows(workbook["Cover"])]
    assert cover[0] == "Synthetic referrals compared"
    assert any(EDITION in line for line in cover)
    assert "Source: Synthetic source of the figures." in cover
    assert ["Table 1", "Synthetic referrals compared"] in _rows(workbook["Contents"])
    assert workbook.properties.created == datetime(2025, 3, 31)


def test_the_notes_say_how_figures_are_written_what_the_symbols_mean_and_the_notes_under_the_table(tmp_path):
    path, _ = _written(tmp_path)
    workbook = load_workbook(path)
    notes = _rows(workbook["Notes"])[3:]
    assert [number for number, _ in notes] == [1, 2, 3, 4]
    texts = [text for _, text in notes]
    assert texts[0] == sp.FIGURES_NOTE
    assert texts[1] == "Figures that are not published are shown by a symbol: c, suppressed to protect " \
                       "confidentiality (small number)."
    assert texts[2:] == ["Synthetic referrals: Rose slightly", "Synthetic rate: Fell"]
    subtitles = [row[0] for row in _rows(workbook[sp.DATA_SHEET])[1:4]]
    assert subtitles == ["How the figures are written[note 1]", "Symbols used in the table[note 2]",
                         "Change on the year before[note 3][note 4]"]


def test_a_table_without_symbols_or_notes_has_only_the_note_on_how_figures_are_written(tmp_path):
    data = sp.TableData(pd.DataFrame({"Synthetic item": ["First", "Second"]}), "Synthetic list",
                        "Synthetic lists. Note: a synthetic note.", notes=(("Synthetic blank definition", " "),))
    path, _ = _written(tmp_path, data, "synthetic-list")
    workbook = load_workbook(path)
    assert [text for _, text in _rows(workbook["Notes"])[3:]] == [sp.FIGURES_NOTE]  # a blank note is no note
    assert _table_rows(path) == [["Synthetic item"], ["First"], ["Second"]]
    assert "Source: Synthetic lists. Note: a synthetic note." in [row[0] for row in _rows(workbook["Cover"])]


@pytest.mark.parametrize("cell, number", [
    ("8,583", (8583, "#,##0")), ("591.3", (591.3, "0.0")), ("18.0", (18.0, "0.0")), ("2024", (2024, "0")),
    ("-2.5", (-2.5, "0.0")), ("1,234.50", (1234.5, "#,##0.00")), ("0", (0, "0")),
    ("2024-25", None), ("104 / 153", None), ("85%", None), ("c", None), ("007", None), ("8,58", None),
    ("591.3 (575.9 to 607.1)", None), ("", None),
])
def test_only_a_plain_number_becomes_a_number(cell, number):
    assert sp.plain_number(cell) == number


def test_the_older_colon_symbol_is_written_as_x_as_excel_refuses_punctuation_alone(tmp_path):
    data = sp.TableData(pd.DataFrame({"Year": ["2024"], "Synthetic": [":"]}), "Synthetic colon", "Synthetic")
    path, _ = _written(tmp_path, data, "colon")
    assert _table_rows(path)[1] == [2024, "x"]
    assert "x, not available" in _rows(load_workbook(path)["Notes"])[4][1]


def test_columns_of_codes_and_versions_stay_text_and_the_notes_say_so(tmp_path):
    table = pd.DataFrame({"Package": ["synthetic", "other"], "Version": ["2024.2", "1.10"], "Files": ["8,583", "12"]})
    data = sp.TableData(table, "Synthetic versions", "Synthetic", text_columns=("Version",))
    path, _ = _written(tmp_path, data, "versions")
    # The version '1.10' is not the number 1.1; the other columns are as before.
    assert _table_rows(path) == [["Package", "Version", "Files"], ["synthetic", "2024.2", 8583], ["other", "1.10", 12]]
    workbook = load_workbook(path)
    assert [text for _, text in _rows(workbook["Notes"])[3:]] == [
        sp.FIGURES_NOTE, "Version: text, as the book shows it, even where a cell looks like a number: a version, "
                         "a code or a fingerprint is not a quantity."]
    assert _rows(workbook[sp.DATA_SHEET])[1] == ["How the figures are written[note 1][note 2]"]
    with pytest.raises(ValueError, match="no column"):
        sp.sheet_cells(table, ("Synthetic missing",))


def test_a_table_with_no_rows_has_no_workbook_and_no_link(tmp_path):
    empty = sp.TableData(pd.DataFrame(columns=["Synthetic"]), "Synthetic empty", "Synthetic")
    downloads = sp.Downloads(tmp_path, "02_synthetic", EDITION, DAY)
    assert downloads.spreadsheet(empty, "empty") == "" and list(tmp_path.iterdir()) == []
    assert type(downloads.table(empty.table, "Synthetic empty", name="empty", source="Synthetic")) is HTML


# ---------------------------------------------------------------- the same bytes, unique names
def test_a_workbook_is_the_same_bytes_every_time_and_dated_by_the_edition(tmp_path):
    first, _ = _written(tmp_path / "first")
    second, _ = _written(tmp_path / "second")
    assert first.read_bytes() == second.read_bytes()
    other_year = sp.data_workbook_bytes(SYNTHETIC_DATA, "02_synthetic-synthetic-comparison", EDITION, date(2026, 3, 31))
    assert other_year != first.read_bytes()


def test_names_are_unique_within_a_page(tmp_path):
    downloads = sp.Downloads(tmp_path, "04_synthetic", EDITION, DAY)
    assert [downloads.file_stem(name) for name in ("Comparison", "comparison", "trend-a_b", "Comparison")] == [
        "04_synthetic-comparison", "04_synthetic-comparison-2", "04_synthetic-trend-a_b", "04_synthetic-comparison-3"]


# ---------------------------------------------------------------- the link on the page
def test_the_link_is_a_download_role_naming_the_file_and_its_size(tmp_path):
    path, link = _written(tmp_path)
    size = sp.file_size_text(path.stat().st_size)
    assert re.fullmatch(r"\d+ KB", size) and size != "0 KB"
    assert (f"{{download}}`Download the data as a spreadsheet (02_synthetic-synthetic-comparison.xlsx, {size}) "
            f"<{path.as_posix()}>`") in link
    assert link.startswith('<div class="data-download">\n\n') and link.endswith("\n\n</div>\n")
    assert (sp.file_size_text(1), sp.file_size_text(1024), sp.file_size_text(1025)) == ("1 KB", "1 KB", "2 KB")


def _shown(monkeypatch) -> list:
    shown = []
    monkeypatch.setattr(tables, "display", shown.append)
    monkeypatch.setattr(charts, "display", lambda output: output._ipython_display_())
    return shown


def test_a_chart_shows_its_html_then_its_spreadsheet_link(tmp_path, monkeypatch):
    chart = line_chart({"Synthetic area": pd.Series([1.5, 2.0, 3.25], index=["2022-23", "2023-24", "2024-25"])},
                       title="Synthetic rises", subtitle="Synthetic measure, by year", unit="ratio",
                       source="synthetic values", value_heading="Synthetic", chart_id="trend-synthetic", decimals=2)
    downloads = sp.Downloads(tmp_path, "09_synthetic", EDITION, DAY)
    link = downloads.spreadsheet(chart.data(), chart.chart_id)
    shown = _shown(monkeypatch)
    chart.show(link)
    assert [type(output) for output in shown] == [HTML, Markdown]
    assert shown[0].data == chart.to_html() and shown[1].data == link
    path = tmp_path / "09_synthetic-trend-synthetic.xlsx"
    assert _table_rows(path) == [["Year", "Synthetic area"], ["2022-23", 1.5], ["2023-24", 2.0], ["2024-25", 3.25]]
    cover = [row[0] for row in _rows(load_workbook(path)["Cover"])]
    assert cover[0] == "Synthetic rises" and "The data of one chart of " + EDITION + ", as the book shows it." in cover
    assert _rows(load_workbook(path)[sp.DATA_SHEET])[1] == ["Synthetic measure, by year"]


def test_a_table_shows_its_html_then_its_link_and_keeps_its_html_as_data(monkeypatch):
    shown = _shown(monkeypatch)
    output = tables.show_table(SYNTHETIC_TABLE, "Synthetic", link="synthetic link")
    assert output.data == tables.show_table(SYNTHETIC_TABLE, "Synthetic").data
    output._ipython_display_()
    assert [(type(item), item.data) for item in shown] == [(HTML, output.data), (Markdown, "synthetic link")]
    shown.clear()
    tables.together([output, HTML("<p>synthetic</p>"), tables.WithDownload("<p>b</p>", "link b")])._ipython_display_()
    assert [item.data for item in shown] == [output.data, "synthetic link", "<p>synthetic</p>", "<p>b</p>", "link b"]


# ---------------------------------------------------------------- through the page
def test_a_page_writes_each_tables_spreadsheet_into_its_side_file_folder(tmp_path):
    page = Page("12_priorities", "2024-25", "E09000007", "", str(tmp_path / "out"))
    output = page.list_table("priorities_current", "Priority", "Including")
    path = tmp_path / "out" / "12_priorities-priorities_current.xlsx"
    assert f"<{path.as_posix()}>" in output.parts[0][1]
    soup = BeautifulSoup(output.data, "lxml")
    shown = [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in soup.find_all("tr")]
    assert [["" if cell is None else cell for cell in row] for row in _table_rows(path)] == shown
    assert len(shown) > 2 and "" in shown[2]  # an item without detail: an empty cell, in both
    # A page run by hand (no side-file folder) shows the table without a link.
    by_hand = Page("12_priorities", "2024-25", "E09000007", "", "")
    assert type(by_hand.list_table("priorities_current", "Priority", "Including")) is HTML


def test_a_page_outside_a_build_names_its_year_and_area_on_the_cover(tmp_path):
    assert Page("12_priorities", "2024-25", "E09000007", "", str(tmp_path / "a" / "b")).edition_title() == \
        "the 2024-25 edition of the analysis book for E09000007"
    stage = tmp_path / "stage"
    (stage / "_data" / "12_priorities").mkdir(parents=True)
    (stage / "_config.yml").write_text("title: 'Synthetic partnership: annual report 2024-25'\n", encoding="utf-8")
    page = Page("12_priorities", "2024-25", "E09000007", "", str(stage / "_data" / "12_priorities"))
    assert page.edition_title() == "Synthetic partnership: annual report 2024-25"


# ---------------------------------------------------------------- the notebooks
# A call that shows a chart or a table on a page.
SHOWS = re.compile(r"\.trend\(|\.summary\(|list_table\(|sources_table\(|show_reconciliation\(|show_chart\(|"
                   r"show_table\(|show_change_table\(|_dictionary\(|input_format\(|^standing$|"
                   r"downloads\.table\(|show_claims\(|show_open_data\(", re.MULTILINE)


def cells_without_myst_links(notebook: dict) -> list[int]:
    """The code cells that show a chart or table but render their Markdown as CommonMark, where a
    {download} link would be shown as text, not published."""
    return [number for number, cell in enumerate(notebook["cells"], start=1)
            if cell["cell_type"] == "code" and SHOWS.search("".join(cell["source"]))
            and (cell["metadata"].get("mystnb") or {}).get("markdown_format") != "myst"]


def test_every_cell_that_shows_a_chart_or_table_renders_its_link_as_myst():
    paths = sorted((PROJECT_ROOT / "notebooks").glob("[0-9]*.ipynb")) + sorted(
        (PROJECT_ROOT / "notebooks" / "assurance").glob("*.ipynb"))
    notebooks = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in paths}
    assert {"claims.ipynb", "data_log.ipynb", "provenance.ipynb", "register.ipynb", "reproduction.ipynb"} <= set(notebooks)
    assert {name: cells for name, notebook in notebooks.items() if (cells := cells_without_myst_links(notebook))} == {}
    # and a cell without it is found
    notebook = notebooks["02_front_door.ipynb"]
    shown = next(cell for cell in notebook["cells"] if ".trend(" in "".join(cell["source"]))
    del shown["metadata"]["mystnb"]
    assert cells_without_myst_links(notebook) == [notebook["cells"].index(shown) + 1]
    for name, call in (("reproduction.ipynb", "downloads.table("), ("claims.ipynb", "show_claims(")):
        notebook = notebooks[name]
        shown = next(cell for cell in notebook["cells"] if call in "".join(cell["source"]))
        del shown["metadata"]["mystnb"]
        assert cells_without_myst_links(notebook) == [notebook["cells"].index(shown) + 1]
