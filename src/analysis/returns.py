"""Partner returns: the templates partners fill in, and reading them back (CSV or Excel).

Each year the partnership's business unit asks its partners (council, health, police,
education: the catalogue's ``partner`` column) for their figures. ``new_edition(year)``
creates ``data/partnership/<year>/`` with, for each partner, a return template as CSV
and as Excel (``returns/<partner>.csv`` and ``returns/<partner>.xlsx``: the partner
fills in whichever suits them), a template for the qualitative lists (``lists.csv``),
the documents list (``documents.csv``) and a README saying what to fill in.

Reading is deliberately forgiving about how a file was saved and strict about what is
in it: CSV files saved by Excel as cp1252 ("CSV (Comma delimited)") or with a UTF-8 or
UTF-16 byte-order mark are decoded correctly; blank rows are ignored; column names are
matched ignoring case and surrounding spaces. Every cell keeps its file, sheet and row
so that a problem, or a published figure, can be traced to the exact cell. Formulas in
a workbook are refused (the value a formula shows depends on other cells and on when
Excel last calculated it): the partner must paste the value.

The rules about *values* (numbers, periods, duplicates, required indicators) are in
``analysis.validation``.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from analysis import paths
from analysis.errors import InputProblem
from analysis.params import ReportYear

RETURNS_FOLDER = "returns"
RETURN_SHEET = "figures"
GUIDANCE_SHEET = "guidance"
RETURN_SUFFIXES = (".csv", ".xlsx")

# Columns of a partner return, in template order. The partner fills in the columns
# marked "fill in"; the others are there for reference and are not read back.
RETURN_COLUMNS = [
    "indicator_id", "title", "unit", "period", "required", "previous_period", "previous_value",
    "value", "numerator", "denominator", "qualifier", "source", "notes", "definition",
]
RETURN_REQUIRED_COLUMNS = ["indicator_id", "period", "value"]
RETURN_REFERENCE_COLUMNS = ["title", "unit", "required", "previous_period", "previous_value", "definition"]
RETURN_COLUMN_MEANINGS = {
    "indicator_id": "The indicator's identifier from the catalogue. Do not change.",
    "title": "What is counted (for reference; not read back).",
    "unit": "count, percentage (0 to 100), percentage_change, rate_per_10000 (for reference).",
    "period": "The period the value covers, filled in with the period expected. Change it only if "
              "the value is for a different period (it will be checked).",
    "required": "yes: the report cannot be built without this value; no: shown as 'not supplied' "
                "when blank (for reference).",
    "previous_period": "The period of last year's value (for reference; not read back).",
    "previous_value": "Last year's value as published (for reference; not read back).",
    "value": "FILL IN: the number, without units (a percentage as 79.4, not 79.4%). "
             "Leave blank if you cannot supply it.",
    "numerator": "Optional, for a percentage: the number of children counted (the top of the fraction).",
    "denominator": "Optional, for a percentage: the number of children it is a percentage of.",
    "qualifier": "Optional: about, more than, fewer than or at least, if the value is approximate.",
    "source": "Optional: where the value comes from (system, report, date of the extract).",
    "notes": "Optional: anything the analyst should know (a change of definition, a caveat).",
    "definition": "The indicator's definition (for reference; not read back).",
}

LIST_COLUMNS = ["list_id", "period", "position", "item", "detail", "document_id", "source_section", "source_quote"]
DOCUMENT_COLUMNS = ["document_id", "title", "publisher", "date", "location", "licence"]

PARTNER_NAMES = {
    "council": "the council (children's services)",
    "health": "health (the integrated care board and NHS providers)",
    "police": "the police",
    "education": "education (schools and early years)",
}


class EditionExists(RuntimeError):
    """new-edition refuses to write over a year folder that already exists."""


# --------------------------------------------------------------------------
# Reading a table (CSV or one sheet of a workbook) with provenance
# --------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One non-blank row: its spreadsheet row number (header = 1) and its cells as text."""

    row: int
    values: dict[str, str]
    # Columns whose cell could not be read as a value (formula, Excel error): already
    # reported, so the value rules skip them.
    unreadable: set[str] = field(default_factory=set)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class ReadTable:
    """A table read from one file: where it came from, its columns, rows and problems."""

    path: Path
    file: str  # as shown in messages: relative to the project when inside it
    sheet: str | None
    columns: list[str]  # canonical (lower case) names, in file order
    headers: dict[str, str]  # canonical name -> the header as written in the file
    rows: list[SheetRow]
    problems: list[InputProblem]
    encoding: str | None = None

    def problem(self, rule: str, row: int | None = None, column: str | None = None, value=None) -> InputProblem:
        shown = self.headers.get(column, column) if column else None
        return InputProblem(self.file, rule, row, shown, value, self.sheet)


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return Path(path).resolve().relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def canonical(header: object) -> str:
    return " ".join(str(header if header is not None else "").split()).lower().replace(" ", "_")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file however Excel or a text editor saved it; return (text, encoding).

    A byte-order mark decides (UTF-8 or UTF-16); otherwise UTF-8 if the bytes are valid
    UTF-8, else Windows-1252 (what Excel's "CSV (Comma delimited)" writes on Windows:
    '–' and '’' come through as themselves).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _header_problems(table: ReadTable, raw_headers: list[str], width_used: list[bool]) -> list[str]:
    """Canonical column names; problems for unnamed or repeated columns go into the table."""
    columns: list[str] = []
    for index, header in enumerate(raw_headers):
        name = canonical(header)
        if not name:
            if width_used[index]:
                letter = _column_letter(index)
                table.problems.append(InputProblem(
                    table.file, "a column with values has no name in the header row", 1, letter, None, table.sheet))
            columns.append("")
            continue
        if name in columns:
            table.problems.append(InputProblem(
                table.file, "the same column name appears twice in the header row", 1, str(header).strip(),
                None, table.sheet))
            columns.append("")
            continue
        columns.append(name)
        table.headers[name] = str(header).strip()
    return columns


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_csv_table(path: Path) -> ReadTable:
    """Read a CSV file into a ReadTable (every cell as text, blank rows dropped)."""
    path = Path(path)
    table = ReadTable(path, display_path(path), None, [], {}, [], [])
    try:
        text, table.encoding = decode_text(path.read_bytes())
    except OSError as error:
        table.problems.append(InputProblem(table.file, f"the file cannot be read: {error}"))
        return table
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        table.problems.append(InputProblem(table.file, f"not a readable CSV file: {error}"))
        return table
    if not records or not any(cell.strip() for cell in records[0]):
        table.problems.append(InputProblem(table.file, "the file is empty: the first row must name the columns", 1))
        return table
    raw_headers = records[0]
    width = len(raw_headers)
    used = [False] * max(width, max((len(r) for r in records[1:]), default=0))
    for record in records[1:]:
        for index, cell in enumerate(record):
            if cell.strip():
                used[index] = True
    table.columns = _header_problems(table, raw_headers, used[:width])
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank row (Excel often leaves a few at the end)
        extra = [cell for cell in record[width:] if cell.strip()]
        if extra:
            table.problems.append(InputProblem(
                table.file, "the row has more cells than the header row has columns", number,
                _column_letter(width), extra[0]))
        values = {name: cell.strip() for name, cell in zip(table.columns, record) if name}
        table.rows.append(SheetRow(number, values))
    return table


def _number_text(number: float) -> str:
    if float(number).is_integer():
        return str(int(number))
    return (f"{number:.10f}").rstrip("0").rstrip(".")


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        # A percentage typed as 79.4% is stored by Excel as 0.794 with a % format.
        if "%" in str(cell.number_format or ""):
            return _number_text(round(value * 100, 10))
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def read_xlsx_table(path: Path, sheet: str = RETURN_SHEET) -> ReadTable:
    """Read one sheet of an Excel workbook into a ReadTable.

    The workbook is opened with ``data_only=False`` so formulas are seen as formulas
    (not as the value Excel last cached): each is reported as a problem.
    """
    path = Path(path)
    table = ReadTable(path, display_path(path), sheet, [], {}, [], [])
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, data_only=False)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is a problem to report
        table.problems.append(InputProblem(
            table.file, f"not a readable Excel workbook (.xlsx): {type(error).__name__}: {error}"))
        table.sheet = None
        return table
    names = {name.strip().lower(): name for name in workbook.sheetnames}
    if sheet.lower() not in names:
        table.problems.append(InputProblem(
            table.file, f"the workbook has no sheet named {sheet!r} (it has: {', '.join(workbook.sheetnames)})"))
        table.sheet = None
        return table
    worksheet = workbook[names[sheet.lower()]]
    table.sheet = worksheet.title
    rows = list(worksheet.iter_rows())
    if not rows or not any(_cell_text(cell) for cell in rows[0]):
        table.problems.append(InputProblem(
            table.file, "the sheet is empty: the first row must name the columns", 1, None, None, table.sheet))
        return table
    header_cells = rows[0]
    raw_headers = [_cell_text(cell) for cell in header_cells]
    width = len(raw_headers)
    used = [False] * width
    for row in rows[1:]:
        for index, cell in enumerate(row[:width]):
            if cell.value is not None and str(cell.value).strip():
                used[index] = True
    table.columns = _header_problems(table, raw_headers, used)
    for row in rows[1:]:
        cells = [cell for cell in row if cell.value is not None and str(cell.value).strip() != ""]
        if not cells:
            continue  # blank row
        number = row[0].row
        values: dict[str, str] = {}
        unreadable: set[str] = set()
        for index, cell in enumerate(row):
            name = table.columns[index] if index < width else ""
            if not name:
                if index >= width and cell.value is not None and str(cell.value).strip():
                    table.problems.append(InputProblem(
                        table.file, "a cell beyond the last named column holds a value", number,
                        cell.column_letter, cell.value, table.sheet))
                continue
            if cell.data_type == "f":
                formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", str(cell.value))
                table.problems.append(table.problem(
                    "a formula, not a value: copy the cell and paste it back as a value (Paste Special, Values)",
                    number, name, formula))
                unreadable.add(name)
                values[name] = str(formula)
                continue
            if cell.data_type == "e":
                table.problems.append(table.problem(
                    "an Excel error value, not a number", number, name, cell.value))
                unreadable.add(name)
                values[name] = str(cell.value)
                continue
            values[name] = _cell_text(cell)
        table.rows.append(SheetRow(number, values, unreadable))
    return table


def read_table(path: Path, sheet: str = RETURN_SHEET) -> ReadTable:
    """Read a .csv or .xlsx file (for a workbook, the given sheet)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_table(path, sheet)
    return read_csv_table(path)


def return_files(year_dir: Path) -> list[Path]:
    """The files in ``<year>/returns/`` that are read as partner returns, sorted by name.

    Excel's lock files (``~$name.xlsx``) and hidden files are skipped; files of any
    other type are the validation's business (it warns about them).
    """
    folder = Path(year_dir) / RETURNS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir()
        if path.is_file() and path.suffix.lower() in RETURN_SUFFIXES
        and not path.name.startswith(("~$", "."))
    )


def other_files_in_returns(year_dir: Path) -> list[Path]:
    folder = Path(year_dir) / RETURNS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir()
        if path.is_file() and path.suffix.lower() not in RETURN_SUFFIXES
        and not path.name.startswith(("~$", "."))
    )


# --------------------------------------------------------------------------
# Periods: what each period type expects for an edition year
# --------------------------------------------------------------------------


def expected_period(period_type: str, year: str | ReportYear) -> str:
    """The period an indicator's value covers in the edition for ``year``.

    financial_year and snapshot_31_march: '2025-26'; calendar_year: '2025' (the calendar
    year in which the financial year starts); academic_year: '2025/26'; reporting_year
    (DfE, year ending 31 March): '2026'; mid_year: '2025'.
    """
    report_year = year if isinstance(year, ReportYear) else ReportYear.parse(year)
    if period_type == "calendar_year" or period_type == "mid_year":
        return str(report_year.start)
    if period_type == "academic_year":
        return f"{report_year.start}/{report_year.end % 100:02d}"
    if period_type == "reporting_year":
        return str(report_year.end)
    return report_year.label


def previous_expected_period(period_type: str, year: str | ReportYear) -> str:
    report_year = year if isinstance(year, ReportYear) else ReportYear.parse(year)
    return expected_period(period_type, report_year.previous())


# --------------------------------------------------------------------------
# new-edition: the templates
# --------------------------------------------------------------------------


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
        letter = _column_letter(index - 1)
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
        column = _column_letter(RETURN_COLUMNS.index("qualifier"))
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


def new_edition(year: str, data_dir: Path | str | None = None) -> NewEdition:
    """Create ``<data>/partnership/<year>/`` with the return templates; never overwrite.

    The folder is written under a temporary name and renamed into place at the end, so
    a failure leaves nothing behind.
    """
    from analysis.catalogue import load_catalogue, load_list_catalogue
    from analysis.partnership import PartnershipData

    report_year = ReportYear.parse(year)
    folder = paths.partnership_year_dir(report_year.label, data_dir)
    if folder.exists():
        raise EditionExists(
            f"{display_path(folder)} already exists: new-edition never overwrites an edition's "
            "figures. Remove or rename the folder first if you really mean to start again."
        )
    catalogue = load_catalogue(data_dir)
    list_catalogue = load_list_catalogue(data_dir)
    previous_folder = paths.partnership_year_dir(report_year.previous().label, data_dir)
    previous = None
    if previous_folder.is_dir():
        previous = PartnershipData(report_year.previous().label, None, data_dir, previous_edition=False)
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
        _write_csv(building / "documents.csv", DOCUMENT_COLUMNS, [
            {"document_id": f"return-{partner}",
             "title": f"Return of figures from {PARTNER_NAMES.get(partner, partner)} for {report_year.label}",
             "publisher": "", "date": "", "location": f"{RETURNS_FOLDER}/{partner}.csv or .xlsx"}
            for partner in sorted(rows)
        ])
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
