"""Every table of the assurance pages as an accessible spreadsheet of its own, linked under it
(analysis.assurance.pages.assurance_downloads, analysis.pages.claims.show_claims,
analysis.pages.open_data.show_open_data), and the register's table linking the register of figures
workbook. The two tables of the provenance page that show build times have none: a workbook of
them would differ on every build.

The registers, manifests, records and claims here are SYNTHETIC (made up for these tests, named
so); every workbook is read back with openpyxl, as a reader's spreadsheet program would open it.
How the workbooks of the built edition are published is tested in
tests/book/test_published_spreadsheets.py.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import HTML
from openpyxl import load_workbook

from analysis.assurance import pages as ap
from analysis.assurance.manifest import create_manifest, write_edition_facts
from analysis.pages import claims as cl
from analysis.pages import open_data as od
from analysis.periods import ReportYear
from analysis.present import spreadsheets as sp
from analysis.present import tables

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EDITION = "Synthetic partnership: annual report 2024-25"
YEAR = "2024-25"
WORKBOOK_SHEETS = ["Cover", "Contents", "Notes", sp.DATA_SHEET]


@pytest.fixture
def stage(tmp_path) -> Path:
    """A SYNTHETIC staged edition: its facts (the title the covers name) and the assurance pages'
    side-file folders."""
    stage_dir = tmp_path / "stage"
    write_edition_facts({"title": EDITION, "titles": {"00_synthetic": "Synthetic first page"}, "notebooks": []},
                        {"files": []}, stage_dir)
    for page in ("reproduction", "claims", "register", "provenance", "data_log"):
        (stage_dir / "_data" / page).mkdir(parents=True)
    return stage_dir


def _downloads(stage: Path, page: str) -> sp.Downloads:
    return ap.assurance_downloads(page, YEAR, str(stage / "_data" / page))


def _table_rows(path: Path) -> list[list]:
    """The rows of the one Excel table of the workbook's table sheet, header first."""
    sheet = load_workbook(path)[sp.DATA_SHEET]
    (ref,) = [table.ref for table in sheet.tables.values()]
    return [[cell.value for cell in row] for row in sheet[ref]]


def _linked(output, path: Path) -> bool:
    """The output shows a table, then the Markdown linking the workbook at ``path``."""
    (shown, link), = output.parts
    return f"<{path.as_posix()}>`" in link and link.startswith('<div class="data-download">') and "<table" in shown


def _check(output, stage: Path, page: str, file: str, rows: list[list], title: str) -> Path:
    """The output links ``<page>-<file>.xlsx``: a cover, contents, notes and one table holding exactly ``rows``."""
    path = stage / "_data" / page / f"{page}-{file}.xlsx"
    assert _linked(output, path), output.parts
    assert load_workbook(path).sheetnames == WORKBOOK_SHEETS
    assert _table_rows(path) == rows
    cover = [row[0].value for row in load_workbook(path)["Cover"].iter_rows() if row[0].value]
    assert cover[0] == title and f"The data of one table of {EDITION}, as the book shows it." in cover
    return path


# ---------------------------------------------------------------- the edition and its date
def test_the_workbooks_name_the_staged_edition_and_are_dated_by_its_year(stage, tmp_path):
    table = pd.DataFrame({"Synthetic": ["a"]})
    _downloads(stage, "provenance").table(table, "Synthetic", name="synthetic", source="synthetic source")
    path = stage / "_data" / "provenance" / "provenance-synthetic.xlsx"
    assert load_workbook(path).properties.created == datetime(2025, 3, 31)
    # Two builds of the edition, in other stages, write the same bytes.
    other = tmp_path / "other"
    write_edition_facts({"title": EDITION, "titles": {}, "notebooks": []}, {"files": []}, other)
    ap.assurance_downloads("provenance", YEAR, str(other / "_data" / "provenance")).table(
        table, "Synthetic", name="synthetic", source="synthetic source")
    assert (other / "_data" / "provenance" / "provenance-synthetic.xlsx").read_bytes() == path.read_bytes()
    with pytest.raises(ValueError, match="run in the build"):
        ap.assurance_downloads("provenance", YEAR, "")


# ---------------------------------------------------------------- reproduction
def test_the_reproduction_tables_are_spreadsheets(stage):
    register = pd.DataFrame([{"page": "00_synthetic", "name": "a", "indicator_id": "synthetic_referrals",
                              "text": "8,583", "raw_value": "8583", "unit": "count", "period": YEAR,
                              "source_kind": "partnership", "source": "s"}])
    figures = pd.DataFrame([{"indicator_id": "synthetic_referrals", "period": YEAR, "value": "8583",
                             "status": "reported", "document_id": "r", "source_quote": "There were 8,583 referrals",
                             "quote_number": "8,583", "source_section": "13"}])
    reproduction = ap.reproduction_table(register, figures, {"synthetic_referrals": "Synthetic referrals"},
                                         {"00_synthetic": "Synthetic first page"},
                                         report_texts={"r": "There were 8,583 referrals in the year."})
    downloads = _downloads(stage, "reproduction")
    # As the reproduction page shows them.
    summary = downloads.table(ap.reproduction_summary(reproduction), "How many of the report's figures the book "
                              "reproduces", name="summary", source=ap.REPRODUCTION_SOURCE)
    _check(summary, stage, "reproduction", "summary",
           [["Figures the report states", "Reproduced exactly", "Differ or not shown"], [1, 1, 0]],
           "How many of the report's figures the book reproduces")
    each = downloads.table(reproduction, "Each figure of the report against the book", name="figures",
                           source=ap.REPRODUCTION_SOURCE)
    _check(each, stage, "reproduction", "figures", [
        ap.REPRODUCTION_COLUMNS,
        ["Synthetic referrals", YEAR, "\u201cThere were 8,583 referrals\u201d, section 13", 8583, 8583,
         "Synthetic first page", "Match"]], "Each figure of the report against the book")


# ---------------------------------------------------------------- claims
def _verdict(verdict: str, checkable: bool = True) -> cl.Verdict:
    claim = cl.Claim(claim_id="synthetic", section="Synthetic section", quote="a synthetic claim", kind="direction",
                     indicator_id="synthetic_count" if checkable else "", periods=(2024, 2025) if checkable else (),
                     direction="down", compared_with="", checkable=checkable,
                     why_not_checkable="" if checkable else "not measured", reading="")
    return cl.Verdict(claim, verdict, "fell from 160 to 150" if checkable else "Not measured.")


CLAIMS_CATALOGUE = pd.DataFrame([{"indicator_id": "synthetic_count", "title": "Synthetic children on plans",
                                  "unit": "count", "period_type": "reporting_year", "polarity": "neutral"}])


def test_the_claims_tables_are_spreadsheets(stage):
    verdicts = [_verdict(cl.SUPPORTED), _verdict(cl.NOT_CHECKABLE, checkable=False)]
    output = cl.show_claims(verdicts, CLAIMS_CATALOGUE, _downloads(stage, "claims"), "synthetic claims source")
    folder = stage / "_data" / "claims"
    assert [link for _, link in output.parts] == [
        sp.written_spreadsheet_link(folder / f"claims-{name}.xlsx") for name in ("summary", "checked", "not-checkable")]
    assert _table_rows(folder / "claims-summary.xlsx") == [
        ["Claims recorded", "Supported", "Not supported", "Not checkable"], [2, 1, 0, 1]]
    assert _table_rows(folder / "claims-checked.xlsx") == [
        cl.CHECKED_COLUMNS, ["Synthetic section", "\u201ca synthetic claim\u201d", "Synthetic children on plans "
                             "(2023-24, 2024-25)", "Supported", "fell from 160 to 150", None]]
    assert _table_rows(folder / "claims-not-checkable.xlsx") == [
        cl.NOT_CHECKED_COLUMNS, ["Synthetic section", "\u201ca synthetic claim\u201d", "None", "Not measured.", None]]
    cover = [row[0].value for row in load_workbook(folder / "claims-checked.xlsx")["Cover"].iter_rows()]
    assert "Source: synthetic claims source." in cover
    # The page's HTML is as it was without spreadsheets; run by hand, nothing is linked.
    by_hand = cl.show_claims(verdicts, CLAIMS_CATALOGUE)
    assert type(by_hand) is HTML and by_hand.data == output.data
    # A table with no rows (no claim supported or not) has no workbook and no link.
    only_unchecked = cl.show_claims(verdicts[1:], CLAIMS_CATALOGUE, _downloads(stage, "claims"), "s")
    assert [bool(link) for _, link in only_unchecked.parts] == [True, False, True]


# ---------------------------------------------------------------- register of figures
def test_the_register_table_links_the_register_workbook_which_holds_every_row(stage, tmp_path):
    register = pd.DataFrame([
        {"page": page, "name": name, "indicator_id": "synthetic_referrals", "text": text, "raw_value": raw,
         "unit": "count", "period": YEAR, "source_kind": "partnership", "source": "synthetic source"}
        for page, name, text, raw in [("00_synthetic", "a", "8,583", "8583"), ("00_synthetic", "b", "referrals", ""),
                                      ("01_synthetic", "c", "12", "12")]])
    shown = ap.register_table(register, {"00_synthetic": "Synthetic first page", "01_synthetic": "Synthetic second"})
    path = stage / "notebooks" / "assurance" / sp.REGISTER_NAME
    sp.register_workbook(shown, path, EDITION, ReportYear.parse(YEAR).last_day)
    output = tables.show_table(shown, "Register of figures", link=sp.written_spreadsheet_link(path))
    assert _linked(output, path) and f"({sp.REGISTER_NAME}, " in output.parts[0][1]
    # Its sheets, put back together with each sheet's page, are the table's rows.
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Cover", "Contents", "Notes", "Synthetic first page", "Synthetic second"]
    rows = []
    for sheet in workbook.worksheets[3:]:
        (table,) = sheet.tables.values()
        header, *body = [[cell.value for cell in row] for row in sheet[table.ref]]
        rows += [[sheet["A1"].value.removeprefix("Register of figures: "), table.name.removeprefix("table_")]
                 + [None if cell is None else str(cell) for cell in row] for row in body]
        assert ["Page title", "Page"] + header == list(shown.columns)
    assert rows == [[None if cell == "" else cell for cell in row] for row in shown.astype(str).values.tolist()]


def test_the_open_data_table_is_a_spreadsheet(stage, monkeypatch):
    data = pd.DataFrame({"time_period": ["202324", "202425"], "synthetic_referrals": ["8174", "8583"]})
    meta = pd.DataFrame({"col_name": ["synthetic_referrals"], "col_type": [od.INDICATOR]})
    files = [od.OpenDataFile("register-of-figures-financial-year.csv", "Financial year", data, meta)]
    shown = []
    monkeypatch.setattr(od, "display", shown.append)
    geography = od.Geography(new_la_code="E09000999", la_name="Synthetic Borough", old_la_code="999",
                             region_code="E12000099", region_name="Synthetic Region")
    od.show_open_data(files, geography, _downloads(stage, "register"))
    _check(shown[1], stage, "register", "open-data-files", [
        od.OPEN_DATA_TABLE_COLUMNS, ["Financial year", "2023-24, 2024-25", 2, 1]], "Open data files in the EES format")


# ---------------------------------------------------------------- provenance
@pytest.fixture
def manifest(tmp_path):
    manifest = create_manifest(
        parameters={"year": YEAR, "area_code": "E09000999", "jobs": 2, "data_dir": ""},
        inputs={"data_dir": "data", "folders_not_present": [], "files": [
            {"path": "reference/indicators.csv", "sha256": "1" * 64, "bytes": 7181}]},
        repo_root=tmp_path, build_started="2025-06-30T09:15:02+00:00",
        notebook_seconds={"notebooks/01_context.ipynb": 3.04})
    manifest["packages"] = {"synthetic-package": "2024.2", "synthetic-other": "1.10"}
    return manifest


def test_the_provenance_tables_are_spreadsheets_with_codes_and_versions_as_text(stage, manifest):
    downloads = _downloads(stage, "provenance")
    # As the provenance page shows them.
    parameters = downloads.table(ap.parameters_table(manifest), "Parameters of this edition", name="parameters",
                                 source=ap.MANIFEST_SOURCE, text_columns=ap.PARAMETER_TEXT)
    _check(parameters, stage, "provenance", "parameters", [
        ["Parameter", "Value"], ["Edition (financial year)", YEAR], ["Area code", "E09000999"],
        ["Notebooks executed at the same time", "2"], ["Data folder", "the project's data/ folder"]],
        "Parameters of this edition")
    packages = downloads.table(ap.packages_table(manifest), "Python and package versions", name="packages",
                               source=ap.MANIFEST_SOURCE, text_columns=ap.PACKAGE_TEXT)
    path = _check(packages, stage, "provenance", "packages",
                  [["Package", "Version"], ["synthetic-package", "2024.2"], ["synthetic-other", "1.10"]],
                  "Python and package versions")
    notes = [row[1] for row in load_workbook(path)["Notes"].iter_rows(values_only=True)][3:]
    assert notes[1] == sp.TEXT_COLUMNS_NOTE.format(columns="Version")
    inputs = downloads.table(ap.input_files_table(manifest), "Every input file and its SHA-256 fingerprint",
                             name="input-files", source=ap.MANIFEST_SOURCE, text_columns=ap.INPUT_FILE_TEXT)
    _check(inputs, stage, "provenance", "input-files",
           [["File", "SHA-256", "Bytes"], ["reference/indicators.csv", "1" * 64, 7181]],
           "Every input file and its SHA-256 fingerprint")


def _cells(name: str) -> list[dict]:
    return json.loads((PROJECT_ROOT / "notebooks" / "assurance" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


def test_the_tables_of_build_times_have_no_spreadsheet_but_a_sentence_linking_the_manifest():
    cells = _cells("provenance")
    for table in ("code_table(", "notebook_seconds_table("):
        (number,) = [n for n, cell in enumerate(cells) if cell["cell_type"] == "code"
                     and "".join(cell["source"]).lstrip().startswith("show_table(" + table)]
        assert "link=" not in "".join(cells[number]["source"])
        after = cells[number + 1]
        assert after["cell_type"] == "markdown" and "so this table has no spreadsheet" in "".join(after["source"])
        assert "{download}`manifest.json <manifest.json>`" in "".join(after["source"])
        assert not re.search(r"\d", "".join(after["source"]))  # no typed digits in the prose


# ---------------------------------------------------------------- data log
def test_the_data_log_tables_are_spreadsheets(stage, manifest):
    provenance = {"import_date": "2025-07-01", "source_files": [
        {"file": "synthetic.csv", "publication": "Synthetic statistics", "licence": "Open Government Licence v3.0",
         "sha256": "2" * 64}]}
    documents = pd.DataFrame([{"document_id": "r", "title": "Synthetic report", "publisher": "Synthetic council",
                               "date": "2025", "location": "www.example.org", "licence": ""}])
    downloads = _downloads(stage, "data_log")
    sources = downloads.table(ap.sources_table(documents, manifest["inputs"], provenance, YEAR), "Sources of data",
                              name="sources", source=ap.DATA_LOG_SOURCE, text_columns=ap.SOURCE_TEXT)
    _check(sources, stage, "data_log", "sources", [
        ap.SOURCE_COLUMNS,
        ["Synthetic report", "Synthetic council", "2025", "not stated", "not kept", "www.example.org"],
        ["synthetic.csv", "Synthetic statistics", "2025-07-01", "Open Government Licence v3.0", "2" * 64,
         ap.NATIONAL_SOURCES_WHERE]], "Sources of data")
    assumptions = pd.DataFrame([{"assumption_id": "1", "section": "front_door", "kind": "caveat",
                                 "statement": "Synthetic caveat", "impact": "Synthetic impact"}])
    log = downloads.table(ap.assumptions_table(assumptions), "Assumptions and caveats log", name="assumptions",
                          source=ap.ASSUMPTIONS_SOURCE, text_columns=ap.ASSUMPTION_TEXT)
    _check(log, stage, "data_log", "assumptions", [
        list(ap.ASSUMPTION_HEADINGS.values()), ["1", "front_door", "caveat", "Synthetic caveat", "Synthetic impact"]],
        "Assumptions and caveats log")
