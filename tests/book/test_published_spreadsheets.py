"""Every chart and table on the front page, the findings pages, the methods and data pages and the
assurance pages of the built Camden 2024-25 edition links its data as an accessible spreadsheet: the
link works, the file is published with the site, and it opens with the table's data. A spreadsheet
holding a postcode stops the build, as a CSV does.

Two tables of the provenance page have none: they show when the build started and how long each
notebook took, which differ on every build (a workbook of them would fail ``python -m analysis
verify``); the page says next to each that its data is in manifest.json. The register page's
table of every figure links the register of figures workbook, which holds its rows one page of the
book a sheet.

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
from analysis.present.spreadsheets import DATA_SHEET, REGISTER_NAME, plain_number
from support.folders import snapshot
from support.sites import published_site

LINK_TEXT = re.compile(r"Download the data as a spreadsheet \((?P<name>[\w.-]+\.xlsx), (?P<kb>\d+) KB\)")
FIXTURE_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_book"
# The provenance page's tables of build times, which differ on every build: no spreadsheet.
WITHOUT_SPREADSHEET = frozenset({"The code that built this edition", "How long each notebook took to execute"})
REGISTER_TITLE = "Register of figures: "


def pages_with_spreadsheets() -> list[str]:
    """The front page and the chapters of the "Findings" and "Methods and data" parts, from the
    table of contents."""
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = [part for part in toc["parts"] if part["caption"] in ("Findings", "Methods and data")]
    assert len(parts) == 2
    return [toc["root"]] + [chapter["file"] for part in parts for chapter in part["chapters"]]


def assurance_pages() -> list[str]:
    """The chapters of the "Assurance" part, from the table of contents."""
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (part,) = [part for part in toc["parts"] if part["caption"] == "Assurance"]
    return [chapter["file"] for chapter in part["chapters"]]


def _cells(table) -> list[list[str]]:
    return [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


def _as_shown(value) -> object:
    """A workbook cell compared with the page's text: a number as the number, blank as ''."""
    return "" if value is None else value


def _page_text_as_stored(text: str) -> object:
    number = plain_number(text)
    return number[0] if number else text


def _linked_tables(page_path: Path) -> list[tuple[str, list[list[str]], object, object]]:
    """Each output on the page that shows a table (a chart's data table, or a table): its kind,
    its rows as the page shows them, the block right after it (the spreadsheet's link) and the
    output itself."""
    soup = BeautifulSoup(page_path.read_text(encoding="utf-8"), "lxml")
    found = []
    for output in soup.select("div.output.text_html"):
        shown = output.select("table.table")
        if not shown:
            continue
        assert len(shown) == 1, f"{page_path.name}: one output shows {len(shown)} tables"
        kind = "chart" if output.select_one("figure.chart") else "table"
        found.append((kind, _cells(shown[0]), output.find_next_sibling(), output))
    return found


def _workbook_rows(path: Path) -> list[list]:
    sheet = load_workbook(path)[DATA_SHEET]
    (ref,) = [table.ref for table in sheet.tables.values()]
    return [[_as_shown(cell.value) for cell in row] for row in sheet[ref]]


def _register_workbook_rows(path: Path) -> list[list]:
    """The register of figures workbook's tables, one a page of the book, put back together as
    the register page shows them: each row after its page's title (its sheet's title after
    'Register of figures: ') and its page (its Excel table's name after 'table_')."""
    rows = []
    for sheet in load_workbook(path).worksheets[3:]:
        (table,) = sheet.tables.values()
        name, title = table.name, str(sheet["A1"].value)
        assert title.startswith(REGISTER_TITLE) and name.startswith("table_"), (title, name)
        header, *body = [[_as_shown(cell.value) for cell in row] for row in sheet[table.ref]]
        rows = rows or [["Page title", "Page"] + header]
        rows += [[title[len(REGISTER_TITLE):], name[len("table_"):]] + row for row in body]
    return rows


def _same_cell(stored, shown: str) -> bool:
    """A workbook cell holds what the page shows: the same text, or for a cell stored as a number,
    the number the page writes (a column of codes or versions may keep '2024.2' as text). A
    spreadsheet keeps a number to 15 or 16 significant digits: the register's raw values
    (24.730695090146277 on the page) are the same to one part in 10^14."""
    if isinstance(stored, str):
        return stored == shown
    number = plain_number(shown)
    return number is not None and math.isclose(number[0], stored, rel_tol=1e-14, abs_tol=0)


def _holds(stored: list[list], shown: list[list[str]], exact_types: bool) -> bool:
    """The workbook's table is the page's: its header and every row, cell by cell (``exact_types``:
    each plain number stored as a number, every other cell as text)."""
    if exact_types:
        return stored == [shown[0]] + [[_page_text_as_stored(cell) for cell in row] for row in shown[1:]]
    return (len(stored) == len(shown) and stored[0] == shown[0]
            and all(len(a) == len(b) and all(map(_same_cell, a, b)) for a, b in zip(stored[1:], shown[1:])))


def _manifest_sentence_problems(where: str, output, page_path: Path) -> list[str]:
    """A table without a spreadsheet is followed by a sentence saying so, linking manifest.json."""
    after = output.find_parent("div", class_="cell").find_next_sibling()
    link = after.select_one("a.reference.download[href]") if after is not None else None
    if after is None or after.name != "p" or "no spreadsheet" not in after.get_text() or link is None \
            or link.get_text() != "manifest.json" or not (page_path.parent / link["href"]).resolve().is_file():
        return [f"{where}: no sentence next to it saying its data is in manifest.json"]
    return []


def spreadsheet_problems(page_path: Path, html_dir: Path, edition: str, without_spreadsheet: frozenset = frozenset(),
                         exact_types: bool = True) -> tuple[list[str], dict[str, int]]:
    """What is wrong with the spreadsheet links of one page (nothing when each chart and table has
    a working link to a published workbook holding its data), and how many charts and tables.
    A table captioned as one of ``without_spreadsheet`` has no link but a sentence saying its data
    is in manifest.json. ``exact_types``: each plain number on the page is stored as a number
    (else a cell the workbook keeps as text may be one, see :func:`_same_cell`)."""
    problems, counts = [], {"chart": 0, "table": 0, "without spreadsheet": 0}
    linked = _linked_tables(page_path)
    unlinked = [(kind, rows, block, output) for kind, rows, block, output in linked
                if output.select_one("caption") is not None
                and output.select_one("caption").get_text() in without_spreadsheet]
    linked = [table for table in linked if table not in unlinked]
    for kind, rows, block, output in unlinked:
        counts["without spreadsheet"] += 1
        where = f"{page_path.name}: {kind} {rows[0]}"
        if block is not None and "data-download" in block.get("class", []):
            problems.append(f"{where}: a spreadsheet link, though its data differs on every build")
        problems += _manifest_sentence_problems(where, output, page_path)
    if len(page_path.read_text(encoding="utf-8").split('class="data-download"')) - 1 != len(linked):
        problems.append(f"{page_path.name}: not one spreadsheet link for each chart and table")
    for kind, rows, block, _ in linked:
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
        register = path.name == REGISTER_NAME
        stored = _register_workbook_rows(path) if register else _workbook_rows(path)
        if not _holds(stored, rows, exact_types and not register):
            problems.append(f"{where}: {path.name} does not hold the table's data")
        workbook = load_workbook(path)
        cover = [row[0].value for row in workbook["Cover"].iter_rows() if row[0].value]
        sheets = workbook.sheetnames[:3] == ["Cover", "Contents", "Notes"] and (
            register or workbook.sheetnames[3:] == [DATA_SHEET])
        if not sheets or not any(edition in line for line in cover):
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


# Each table of the assurance pages and its workbook (the register's is the register of figures).
ASSURANCE_WORKBOOKS = [
    "reproduction-summary.xlsx", "reproduction-figures.xlsx",
    "claims-summary.xlsx", "claims-checked.xlsx", "claims-not-checkable.xlsx",
    "register-open-data-files.xlsx", REGISTER_NAME,
    "provenance-parameters.xlsx", "provenance-packages.xlsx", "provenance-input-files.xlsx",
    "data_log-sources.xlsx", "data_log-assumptions.xlsx",
]


def _assurance_problems(html_dir: Path, edition: str) -> tuple[list[str], dict[str, int]]:
    problems, counts = [], {"chart": 0, "table": 0, "without spreadsheet": 0}
    for page in assurance_pages():
        found, page_counts = spreadsheet_problems(html_dir / f"{page}.html", html_dir, edition, WITHOUT_SPREADSHEET,
                                                  exact_types=False)
        problems += found
        counts = {kind: counts[kind] + page_counts[kind] for kind in counts}
    return problems, counts


def test_every_table_of_the_assurance_pages_links_its_data_as_a_spreadsheet(camden_edition):
    html_dir, edition = camden_edition.html_dir, _edition_title(camden_edition)
    problems, counts = _assurance_problems(html_dir, edition)
    assert problems == []
    assert counts == {"chart": 0, "table": len(ASSURANCE_WORKBOOKS), "without spreadsheet": len(WITHOUT_SPREADSHEET)}
    # One published workbook for each table, none for the tables of build times.
    prefixes = tuple(f"{Path(page).name}-" for page in assurance_pages())
    published = [path.name for path in html_dir.glob("_downloads/*/*.xlsx") if path.name.startswith(prefixes)]
    assert sorted(published) == sorted(ASSURANCE_WORKBOOKS)


def test_a_table_of_build_times_without_its_sentence_or_with_a_link_and_a_wrong_register_workbook_are_reported(
        camden_edition, tmp_path):
    copy = tmp_path / "edition"
    shutil.copytree(camden_edition.html_dir, copy)
    edition = _edition_title(camden_edition)
    page_path = copy / "notebooks" / "assurance" / "provenance.html"
    html = page_path.read_text(encoding="utf-8")
    assert html.count("so this table has no spreadsheet") == 2
    page_path.write_text(html.replace("so this table has no spreadsheet", "so this table has none", 1), encoding="utf-8")
    problems, _ = spreadsheet_problems(page_path, copy, edition, WITHOUT_SPREADSHEET, exact_types=False)
    assert problems == ["provenance.html: table ['Item', 'Value']: no sentence next to it saying its data is in "
                        "manifest.json"]
    # A spreadsheet link under a table of build times: one more link than tables that should have one.
    soup = BeautifulSoup(html, "lxml")
    caption = soup.find("caption", string="How long each notebook took to execute")
    caption.find_parent("div", class_="output").insert_after(
        BeautifulSoup('<div class="data-download"><p>synthetic link</p></div>', "lxml").div)
    page_path.write_text(str(soup), encoding="utf-8")
    problems, _ = spreadsheet_problems(page_path, copy, edition, WITHOUT_SPREADSHEET, exact_types=False)
    assert problems == ["provenance.html: table ['Page', 'Notebook', 'Seconds']: a spreadsheet link, though its data "
                        "differs on every build",
                        "provenance.html: not one spreadsheet link for each chart and table"]
    # The register of figures workbook with a figure's text changed on one page's sheet.
    (path,) = copy.glob(f"_downloads/*/{REGISTER_NAME}")
    workbook = load_workbook(path)
    sheet = workbook.worksheets[4]
    (table,) = sheet.tables.values()
    sheet[table.ref][1][2].value = "Synthetic text"
    workbook.save(path)
    problems, _ = spreadsheet_problems(copy / "notebooks" / "assurance" / "register.html", copy, edition)
    assert problems[-1] == f"register.html: table ['Page title', 'Page', 'Name', 'Indicator', 'Text shown', " \
                           f"'Raw value', 'Unit', 'Period', 'Kind of source', 'Source']: {REGISTER_NAME} does not " \
                           "hold the table's data", problems
    assert len(problems) == 2 and re.search(rf": the link names {REGISTER_NAME}, \d+ KB$", problems[0])


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
