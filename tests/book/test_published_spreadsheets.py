"""Every chart and table on the front page, the findings pages and the methods and data pages of
the built Camden 2024-25 edition links its data as an accessible spreadsheet: the link works, the file is published
with the site, and it opens with the table's data. A spreadsheet holding a postcode stops the
build, as a CSV does.

How each workbook is made is unit tested in tests/unit/test_table_spreadsheets.py, the scan of
workbooks in tests/unit/test_privacy_spreadsheets.py. The postcode is SYNTHETIC: SW1A 1AA is a
public, non-residential postcode.
"""
from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from analysis.assurance.privacy import scan_edition
from analysis.build.failures import BuildFailed
from analysis.build.pipeline import build_edition
from analysis.config import PROJECT_ROOT
from analysis.present.spreadsheets import DATA_SHEET, plain_number
from support.folders import snapshot
from support.sites import published_site

LINK_TEXT = re.compile(r"Download the data as a spreadsheet \((?P<name>[\w.-]+\.xlsx), (?P<kb>\d+) KB\)")
FIXTURE_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_book"


def pages_with_spreadsheets() -> list[str]:
    """The front page and the chapters of the "Findings" and "Methods and data" parts, from the
    table of contents (the assurance pages are not among them yet)."""
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = [part for part in toc["parts"] if part["caption"] in ("Findings", "Methods and data")]
    assert len(parts) == 2
    return [toc["root"]] + [chapter["file"] for part in parts for chapter in part["chapters"]]


def _cells(table) -> list[list[str]]:
    return [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


def _as_shown(value) -> object:
    """A workbook cell compared with the page's text: a number as the number, blank as ''."""
    return "" if value is None else value


def _page_text_as_stored(text: str) -> object:
    number = plain_number(text)
    return number[0] if number else text


def _linked_tables(page_path: Path) -> list[tuple[str, list[list[str]], object]]:
    """Each output on the page that shows a table (a chart's data table, or a table): its kind,
    its rows as the page shows them, and the block right after it (the spreadsheet's link)."""
    soup = BeautifulSoup(page_path.read_text(encoding="utf-8"), "lxml")
    found = []
    for output in soup.select("div.output.text_html"):
        shown = output.select("table.table")
        if not shown:
            continue
        assert len(shown) == 1, f"{page_path.name}: one output shows {len(shown)} tables"
        kind = "chart" if output.select_one("figure.chart") else "table"
        found.append((kind, _cells(shown[0]), output.find_next_sibling()))
    return found


def _workbook_rows(path: Path) -> list[list]:
    sheet = load_workbook(path)[DATA_SHEET]
    (ref,) = [table.ref for table in sheet.tables.values()]
    return [[_as_shown(cell.value) for cell in row] for row in sheet[ref]]


def spreadsheet_problems(page_path: Path, html_dir: Path, edition: str) -> tuple[list[str], dict[str, int]]:
    """What is wrong with the spreadsheet links of one page (nothing when each chart and table has
    a working link to a published workbook holding its data), and how many charts and tables."""
    problems, counts = [], {"chart": 0, "table": 0}
    linked = _linked_tables(page_path)
    if len(page_path.read_text(encoding="utf-8").split('class="data-download"')) - 1 != len(linked):
        problems.append(f"{page_path.name}: not one spreadsheet link for each chart and table")
    for kind, rows, block in linked:
        counts[kind] += 1
        where = f"{page_path.name}: {kind} {rows[0]}"
        link = block.select_one("a.reference.download[href]") if block is not None else None
        if link is None or "data-download" not in block.get("class", []):
            problems.append(f"{where}: no spreadsheet link")
            continue
        text = LINK_TEXT.fullmatch(" ".join(link.get_text().split()))
        path = (page_path.parent / link["href"]).resolve()
        if not text or not path.is_file() or path.parent.parent != (html_dir / "_downloads").resolve():
            problems.append(f"{where}: the link {link.get_text()!r} is not to a published spreadsheet")
            continue
        if path.name != text["name"] or int(text["kb"]) != math.ceil(path.stat().st_size / 1024):
            problems.append(f"{where}: the link names {text['name']}, {text['kb']} KB")
        # The workbook opens with the table's data: its header and every row, cell by cell.
        if _workbook_rows(path) != [rows[0]] + [[_page_text_as_stored(cell) for cell in row] for row in rows[1:]]:
            problems.append(f"{where}: {path.name} does not hold the table's data")
        workbook = load_workbook(path)
        cover = [row[0].value for row in workbook["Cover"].iter_rows() if row[0].value]
        if workbook.sheetnames != ["Cover", "Contents", "Notes", DATA_SHEET] or not any(edition in line
                                                                                         for line in cover):
            problems.append(f"{where}: {path.name} has sheets {workbook.sheetnames} and cover {cover[:3]}")
    return problems, counts


def _edition_title(built) -> str:
    return yaml.safe_load((built.stage_dir / "_config.yml").read_text(encoding="utf-8"))["title"]


def test_every_chart_and_table_of_the_findings_and_methods_links_its_data_as_a_spreadsheet(camden_edition):
    html_dir, edition = camden_edition.html_dir, _edition_title(camden_edition)
    problems, counts, names = [], {"chart": 0, "table": 0}, []
    for page in pages_with_spreadsheets():
        found, page_counts = spreadsheet_problems(html_dir / f"{page}.html", html_dir, edition)
        problems += found
        counts = {kind: counts[kind] + page_counts[kind] for kind in counts}
        names += [path.name for path in html_dir.glob("_downloads/*/*.xlsx") if path.name.startswith(Path(page).name)]
    assert problems == []
    # Every section's trend chart and the learning reviews' bar chart; several tables on most pages.
    assert counts["chart"] >= 6 and counts["table"] >= 30, counts
    assert len(names) == len(set(names)) == sum(counts.values())  # one published file for each, none twice


def test_a_missing_link_or_a_workbook_without_the_tables_data_is_reported(camden_edition, tmp_path):
    copy = tmp_path / "edition"
    shutil.copytree(camden_edition.html_dir, copy)
    page_path = copy / "notebooks" / "02_front_door.html"
    html = page_path.read_text(encoding="utf-8")
    page_path.write_text(html.replace('<div class="data-download">', '<div class="other">', 1), encoding="utf-8")
    (path,) = copy.glob("_downloads/*/02_front_door-comparison.xlsx")
    workbook = load_workbook(path)
    sheet = workbook[DATA_SHEET]
    (ref,) = [table.ref for table in sheet.tables.values()]
    sheet[ref][1][0].value = "Synthetic measure"
    workbook.save(path)
    problems, _ = spreadsheet_problems(page_path, copy, _edition_title(camden_edition))
    assert len(problems) == 4, "\n".join(problems)
    assert problems[0] == "02_front_door.html: not one spreadsheet link for each chart and table"
    assert problems[1].startswith("02_front_door.html: chart ") and problems[1].endswith(": no spreadsheet link")
    # openpyxl saved the changed workbook at another size than the link says, and with other data.
    assert re.search(r": the link names 02_front_door-comparison\.xlsx, \d+ KB$", problems[2])
    assert problems[3].endswith(": 02_front_door-comparison.xlsx does not hold the table's data")


def test_a_postcode_in_a_published_spreadsheet_is_found_with_its_sheet_and_cell(camden_edition, tmp_path):
    copy = tmp_path / "edition"
    shutil.copytree(camden_edition.html_dir, copy)
    path = sorted(copy.glob("_downloads/*/02_front_door-comparison.xlsx"))[0]
    workbook = load_workbook(path)
    workbook[DATA_SHEET]["A7"] = "SW1A 1AA"
    workbook.save(path)
    found = scan_edition(copy, stage_dir=camden_edition.stage_dir)
    assert [str(finding) for finding in found] == [
        f"{path.relative_to(copy).as_posix()} (sheet 'Table 1', cell A7): a UK postcode (SW1A ***)"]


def test_a_build_publishing_a_spreadsheet_with_a_postcode_is_not_published(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURE_BOOK, book)
    site_dir = published_site(tmp_path / "published", "2024-25", "E09000007")
    before = snapshot(site_dir)
    notebook_path = book / "notebooks" / "02_synthetic_side_file.ipynb"
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    notebook["cells"].append({
        "cell_type": "code", "execution_count": None, "id": "synthetic-spreadsheet", "outputs": [],
        "metadata": {"mystnb": {"markdown_format": "myst"}},
        "source": ("from pathlib import Path\n"
                   "from IPython.display import Markdown, display\n"
                   "from openpyxl import Workbook\n"
                   "workbook = Workbook()\n"
                   "workbook.active.append(['Synthetic area', 'Synthetic count'])\n"
                   "workbook.active.append(['SW1A' + ' 1AA', 12])\n"
                   "workbook.save(Path(output_dir, 'synthetic.xlsx'))\n"
                   "display(Markdown('{download}`synthetic.xlsx <' + output_dir + '/synthetic.xlsx>`'))\n"),
    })
    notebook_path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_edition("2024-25", "E09000007", data_dir=FIXTURE_BOOK / "data", book_root=book,
                      stage_root=tmp_path / "stage", site_dir=site_dir, progress=None)
    message = str(caught.value)
    assert "nothing was published" in message
    assert re.search(r"_downloads/\w+/synthetic\.xlsx \(sheet 'Sheet', cell A2\): a UK postcode \(SW1A \*\*\*\)",
                     message), message
    assert snapshot(site_dir) == before
