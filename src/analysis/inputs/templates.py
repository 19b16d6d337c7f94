"""new-edition: next year's folder, with a return template for each partner.

Each year the partnership's business unit asks its partners (council, health, police,
education: the catalogue's ``partner`` column) for their figures. ``new_edition(year)``
creates ``data/partnerships/<id>/<year>/`` with, for each partner, a return template as CSV
and as Excel (``returns/<partner>.csv`` and ``returns/<partner>.xlsx``: the partner
fills in whichever suits them), a template for the qualitative lists (``lists.csv``),
the documents list (``documents.csv``) and a README saying what to fill in.
"""
from __future__ import annotations

import csv
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from analysis.config import data_paths, display_path
from analysis.inputs.committee_paper import paper_path
from analysis.inputs.catalogue import load_catalogue, load_list_catalogue
from analysis.inputs.partnership import edition_partnership, reported_catalogues
from analysis.errors import ParameterError
from analysis.inputs.edition import PartnershipData
from analysis.inputs.formats import (
    CLAIM_COLUMNS, CLAIMS_FILE, DOCUMENT_COLUMNS, GUIDANCE_SHEET, LIST_COLUMNS, PARTNER_NAMES, RETURN_COLUMN_MEANINGS, RETURN_COLUMNS,
    RETURN_REFERENCE_COLUMNS, RETURN_SHEET, RETURNS_FOLDER,
)
from analysis.inputs.readers import column_letter
from analysis.periods import ReportYear, expected_period


class EditionExists(RuntimeError):
    """new-edition refuses to write over a year folder that already exists."""


@dataclass
class NewEdition:
    folder: Path
    files: list[Path]
    previous_year: str | None  # the edition whose values are shown for reference, if any

    def report(self) -> str:
        lines = [f"Created {display_path(self.folder)}/ with:"]
        lines += [f"  {path.relative_to(self.folder).as_posix()}" for path in self.files]
        if self.previous_year:
            lines.append(f"Last year's values (from the {self.previous_year} edition) are in the templates for reference.")
        else:
            lines.append("There is no previous edition folder, so the templates show no values from last year.")
        lines.append(f"Next: send each partner its return, then read {display_path(self.folder)}/README.md.")
        return "\n".join(lines)


def _template_rows(year: ReportYear, catalogue, previous) -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    for indicator in catalogue.itertuples():
        if indicator.source_type != "partnership":
            continue
        before = previous.figure(indicator.indicator_id,
                                 expected_period(indicator.period_type, year.previous())) if previous else None
        rows.setdefault(indicator.partner or "council", []).append({
            "indicator_id": indicator.indicator_id,
            "title": indicator.title,
            "unit": indicator.unit,
            "period": expected_period(indicator.period_type, year),
            "required": indicator.required,
            "previous_period": before.period if before else "",
            "previous_value": before.text if before else "",
            "value": "", "numerator": "", "denominator": "", "qualifier": "", "source": "", "notes": "",
            "definition": indicator.definition,
        })
    return rows


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    # UTF-8 with a byte-order mark: Excel then opens '–' and '’' correctly.
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _write_xlsx(path: Path, partner: str, year: ReportYear, rows: list[dict[str, str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = RETURN_SHEET
    sheet.append(RETURN_COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in RETURN_COLUMNS])
    bold = Font(bold=True)
    fill_in = PatternFill("solid", fgColor="FFF2CC")
    reference = PatternFill("solid", fgColor="EDEDED")
    widths = {"indicator_id": 34, "title": 44, "unit": 16, "period": 10, "required": 10,
              "previous_period": 16, "previous_value": 16, "value": 12, "numerator": 12,
              "denominator": 13, "qualifier": 12, "source": 30, "notes": 30, "definition": 80}
    for index, column in enumerate(RETURN_COLUMNS, start=1):
        letter = column_letter(index - 1)
        sheet.column_dimensions[letter].width = widths[column]
        header = sheet.cell(row=1, column=index)
        header.font = bold
        for row_number in range(2, len(rows) + 2):
            cell = sheet.cell(row=row_number, column=index)
            if column in ("period", "indicator_id", "previous_period"):
                cell.number_format = "@"  # text: Excel must not turn 2025 or 2025/26 into a number or date
            if column in ("value", "numerator", "denominator", "qualifier", "source", "notes"):
                cell.fill = fill_in
            elif column in RETURN_REFERENCE_COLUMNS:
                cell.fill = reference
            if column == "definition":
                cell.alignment = Alignment(wrap_text=False)
    sheet.freeze_panes = "B2"
    if rows:
        qualifiers = DataValidation(type="list", formula1='"about,more than,fewer than,at least"', allow_blank=True)
        qualifiers.error = "Leave blank, or choose about, more than, fewer than or at least"
        sheet.add_data_validation(qualifiers)
        column = column_letter(RETURN_COLUMNS.index("qualifier"))
        qualifiers.add(f"{column}2:{column}{len(rows) + 1}")
    guidance = workbook.create_sheet(GUIDANCE_SHEET)
    guidance.column_dimensions["A"].width = 20
    guidance.column_dimensions["B"].width = 110
    guidance.append([f"Return of figures from {PARTNER_NAMES.get(partner, partner)} for {year.label}"])
    guidance["A1"].font = bold
    guidance.append([])
    guidance.append(["Fill in the yellow columns of the 'figures' sheet: one value per row."])
    guidance.append(["Type values, not formulas (a formula is refused: copy and Paste Special, Values)."])
    guidance.append(["Do not rename the sheet, the columns or the file; do not add columns."])
    guidance.append(["Leave a value blank if you cannot supply it; a required value must be supplied."])
    guidance.append([])
    guidance.append(["Column", "What it holds"])
    guidance.cell(row=guidance.max_row, column=1).font = bold
    guidance.cell(row=guidance.max_row, column=2).font = bold
    for column in RETURN_COLUMNS:
        guidance.append([column, RETURN_COLUMN_MEANINGS[column]])
    workbook.save(path)


def _readme(year: ReportYear, rows: dict[str, list[dict[str, str]]], list_catalogue, previous_year: str | None) -> str:
    label = year.label
    lines = [
        f"# Partnership figures for {label}",
        "",
        f"This folder holds the partnership's own figures for the {label} edition of the book",
        f"({year.first_day.day} April {year.start} to {year.last_day.day} March {year.end}).",
        f"It was created by `python -m analysis new-edition {label}`.",
        "",
        "## What to fill in",
        "",
        "1. **Partner returns** (`returns/`). Each partner has a return as CSV and as Excel:",
        "   `returns/<partner>.csv` and `returns/<partner>.xlsx`. Send each partner one of the two;",
        "   save the filled-in file back under the same name, replacing the template. A return whose",
        "   `value` column is still entirely blank counts as not returned, so the unused twin is ignored.",
        "   Fill in `value` (and, for a percentage, `numerator` and `denominator` if known),",
        "   `qualifier` if the value is approximate, and `source`/`notes`. Leave `period` as it is",
        "   unless the value really covers another period. Type values: formulas are refused.",
        "2. **Qualitative lists** (`lists.csv`): one row per item, numbered by `position`, for each",
        "   list. The template has one empty row per list; copy it for more items. Rows with an empty",
        "   `item` are ignored.",
        "3. **Documents** (`documents.csv`): one row per source document. The partner returns are",
        "   listed already (`return-<partner>`); add any report a figure or list item is quoted from.",
        "4. **Claims** (`claims.csv`, optional): once the year's report is written, one row per claim it",
        "   makes that national statistics could test (which way a figure moved, a level against",
        "   England), with its exact quote; the book checks each one (see data/partnerships/README.md",
        "   and the README's Data section). Leave it with its header only if there are none.",
        "5. **Committee paper** (`committee_paper.md`, when last year's edition had one): the council's",
        "   cover report to its scrutiny committee, copied from last year's. Bring its details, dates",
        "   and words up to date; its figures are placeholders filled from this year's data. Then",
        f"   `python -m analysis committee-paper --year {label}` writes it as Word and PDF.",
        "",
        "Then check everything:",
        "",
        "```bash",
        f"python -m analysis validate --year {label}     # or: make validate YEAR={label}",
        "```",
        "",
        "It lists every problem at once (file, sheet, row, column, value and the rule broken).",
        "Fix them and run it again until it reports no errors; warnings (an optional figure not",
        "supplied, for example) do not stop the build. Then build the edition:",
        "",
        "```bash",
        f"python -m analysis build --year {label}        # or: make book YEAR={label}",
        "```",
        "",
        "## Rules the figures must follow",
        "",
        "- `indicator_id` must be in `data/reference/indicators.csv`; each indicator once per period.",
        "- `value` is a number without units: no text such as 'n/a' (leave it blank instead).",
        "- Counts are whole numbers and not negative; percentages are between 0 and 100.",
        "- `numerator` cannot be greater than `denominator`, and `value` must equal",
        "  numerator / denominator x 100 to the decimals given.",
        f"- `period` must be the edition's period for the indicator's period type: {label} for a",
        f"  financial year, {year.start} for a calendar year, {year.start}/{year.end % 100:02d} for an academic year.",
        f"  Last year's period ({year.previous().label}, {year.start - 1}, "
        f"{expected_period('academic_year', year.previous())}) is accepted",
        "  only as a restatement of last year's figure; it is compared with the previous edition.",
        "- Required indicators must have a value (an error otherwise); optional ones may be blank",
        "  (a warning; the book shows them as 'not supplied').",
        "",
    ]
    if previous_year:
        lines += [f"The `previous_value` column shows what the {previous_year} edition published, for reference.", ""]
    lines += ["## Indicators expected, by partner", ""]
    for partner in sorted(rows):
        lines += [f"### {partner}: {PARTNER_NAMES.get(partner, partner)}", "",
                  "| indicator_id | what | period | required |", "|---|---|---|---|"]
        for row in rows[partner]:
            lines.append(f"| `{row['indicator_id']}` | {row['title']} | {row['period']} | {row['required']} |")
        lines.append("")
    lines += ["## Lists expected (`lists.csv`)", "", "| list_id | what | required |", "|---|---|---|"]
    for item in list_catalogue.itertuples():
        lines.append(f"| `{item.list_id}` | {item.title} | {item.required} |")
    lines.append("")
    return "\n".join(lines)


def _copy_committee_paper(previous_folder: Path, folder: Path, year: ReportYear) -> None:
    """Last year's committee paper as this year's starting point, marked as a copy (its dates
    are last year's, and the paper is refused until they are this year's)."""
    previous = paper_path(previous_folder)
    if not previous.is_file():
        return
    lines = previous.read_text(encoding="utf-8-sig").splitlines()
    note = (f"# Copied from the {year.previous().label} paper by new-edition: bring the details, the dates and "
            f"the words up to date for {year.label}. The figures fill themselves in.")
    paper_path(folder).write_text("\n".join(lines[:1] + [note] + lines[1:]) + "\n", encoding="utf-8")


def new_edition(year: str, data_dir: Path | str | None = None, area: str | None = None) -> NewEdition:
    """Create ``<data>/partnerships/<id>/<year>/`` with the return templates for the indicators
    the partnership reports (``area``'s partnership, else the default one); never overwrite.

    The folder is written under a temporary name and renamed into place at the end, so
    a failure leaves nothing behind.
    """
    report_year = ReportYear.parse(year)
    partnership = edition_partnership(area, data_dir)
    if partnership is None:
        raise ParameterError(f"no partnership in {display_path(data_paths(data_dir).partnerships)} "
                             + (f"for {area!r}" if area else "supplies its own figures")
                             + ": run `python -m analysis new-partnership CODE` first")
    folder = partnership.year_folder(report_year.label)
    if folder.exists():
        raise EditionExists(
            f"{display_path(folder)} already exists: new-edition never overwrites an edition's "
            "figures. Remove or rename the folder first if you really mean to start again."
        )
    catalogue, list_catalogue = reported_catalogues(partnership, load_catalogue(data_dir),
                                                    load_list_catalogue(data_dir))
    previous_folder = partnership.year_folder(report_year.previous().label)
    previous = None
    if previous_folder.is_dir():
        previous = PartnershipData(report_year.previous().label, partnership.edition_area, data_dir,
                                   previous_edition=False)
        if not previous.available:
            previous = None
    rows = _template_rows(report_year, catalogue, previous)

    folder.parent.mkdir(parents=True, exist_ok=True)
    building = folder.parent / f".new-{report_year.label}-{uuid.uuid4().hex[:8]}"
    try:
        (building / RETURNS_FOLDER).mkdir(parents=True)
        for partner, partner_rows in sorted(rows.items()):
            _write_csv(building / RETURNS_FOLDER / f"{partner}.csv", RETURN_COLUMNS, partner_rows)
            _write_xlsx(building / RETURNS_FOLDER / f"{partner}.xlsx", partner, report_year, partner_rows)
        _write_csv(building / "lists.csv", LIST_COLUMNS, [
            {"list_id": item.list_id, "period": report_year.label, "position": "1", "item": "", "detail": "",
             "document_id": "", "source_section": "", "source_quote": ""}
            for item in list_catalogue.itertuples()
        ])
        _write_csv(building / CLAIMS_FILE, CLAIM_COLUMNS, [])
        _write_csv(building / "documents.csv", DOCUMENT_COLUMNS, [
            {"document_id": f"return-{partner}",
             "title": f"Return of figures from {PARTNER_NAMES.get(partner, partner)} for {report_year.label}",
             "publisher": "", "date": "", "location": f"{RETURNS_FOLDER}/{partner}.csv or .xlsx"}
            for partner in sorted(rows)
        ])
        _copy_committee_paper(previous_folder, building, report_year)
        (building / "README.md").write_text(
            _readme(report_year, rows, list_catalogue, previous.year if previous else None), encoding="utf-8")
        if folder.exists():
            raise EditionExists(f"{display_path(folder)} appeared while the templates were being written")
        os.rename(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return NewEdition(folder, files, previous.year if previous else None)
