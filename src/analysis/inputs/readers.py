"""Reading an input table (a CSV file or one sheet of a workbook) with where each cell came from.

Reading is deliberately forgiving about how a file was saved and strict about what is
in it: CSV files saved by Excel as cp1252 ("CSV (Comma delimited)") or with a UTF-8 or
UTF-16 byte-order mark are decoded correctly; blank rows are ignored; column names are
matched ignoring case and surrounding spaces. Every cell keeps its file, sheet and row
so that a problem, or a published figure, can be traced to the exact cell. Formulas in
a workbook are refused (the value a formula shows depends on other cells and on when
Excel last calculated it): the partner must paste the value.

The rules about *values* (numbers, periods, duplicates) are in ``analysis.inputs.rules``.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import zip_longest
from pathlib import Path

from analysis.config import display_path
from analysis.errors import InputProblem
from analysis.inputs.formats import GUIDANCE_SHEET, RETURN_SHEET, RETURN_SUFFIXES, RETURNS_FOLDER


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
    unreadable: frozenset[str] = frozenset()
    # Columns whose workbook cell is formatted as a percentage (its number was multiplied by 100).
    percent_formatted: frozenset[str] = frozenset()
    # (Frozen sets, so that every row without such columns shares one empty set: a return of
    # 200,000 rows would otherwise make 400,000 small sets for Python's garbage collector to
    # check over and over.)

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
    # Things read but worth a second look (a value in a hidden row): the book can be built.
    warnings: list[InputProblem] = field(default_factory=list)

    def problem(self, rule: str, row: int | None = None, column: str | None = None, value=None) -> InputProblem:
        shown = self.headers.get(column, column) if column else None
        return InputProblem(self.file, rule, row, shown, value, self.sheet)


# Characters that cannot be seen: pasted from the web or Word, they make 'value' differ from 'value'.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Characters that are not text (a NUL, Excel's end-of-file mark): a cell holding one is refused.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A cell is a number or a sentence or two; a cell this long was pasted by mistake.
LONGEST_CELL = 10_000
# Python's csv module refuses a cell over 131,072 characters with an error about the whole file;
# reading up to 16 MB lets the cell rule above name the row and column instead.
csv.field_size_limit(16 * 1024 * 1024)


# Text decoded twice (UTF-8 read as Windows-1252, then saved again): 'â€™' for '’', 'Ã©' for 'é'.
GARBLED = re.compile(r"â€[\u0080-\u203a™œ\x9d]|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]")


def clean_cell(text: str) -> str:
    """A cell's text without surrounding spaces and invisible characters."""
    return str(text).strip().strip(INVISIBLE).strip()


def canonical(header: object) -> str:
    text = clean_cell(header if header is not None else "").replace("\u00a0", " ")
    return " ".join(text.split()).lower().replace(" ", "_")


def cell_problem(text: str) -> str | None:
    """The rule a cell's text breaks whatever its column (a control character, a huge cell), or None."""
    control = CONTROL.search(text)
    if control:
        return (f"the cell holds a character that is not text (code {ord(control.group()):#04x}, such as a NUL "
                "or an end-of-file mark left by another program): retype the cell")
    if len(text) > LONGEST_CELL:
        return (f"the cell holds {len(text):,} characters (a value or a note is a sentence or two): was "
                "something pasted into it by mistake?")
    return None


class UnreadableText(ValueError):
    """A text file whose bytes cannot be read as text in any encoding Excel or an editor writes."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file however Excel or a text editor saved it; return (text, encoding).

    A byte-order mark decides (UTF-8 or UTF-16); otherwise UTF-8 if the bytes are valid
    UTF-8, else Windows-1252 (what Excel's "CSV (Comma delimited)" writes on Windows:
    '–' and '’' come through as themselves). A UTF-8 mark, once or repeated, in front of
    Windows-1252 bytes (Excel does this after a copy and paste) is read as Windows-1252.
    UnreadableText for UTF-16 cut short.
    """
    if data.startswith(codecs.BOM_UTF8):
        while data.startswith(codecs.BOM_UTF8):  # a file saved twice can carry the mark twice
            data = data[len(codecs.BOM_UTF8):]
        try:
            return data.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace"), "cp1252 after a UTF-8 byte-order mark"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableText(
                "the file is UTF-16 text that is cut short (it ends part way through a character): "
                "save it again from Excel as \"CSV UTF-8\" and replace this copy") from None
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
                letter = column_letter(index)
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


def column_letter(index: int) -> str:
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
    if path.is_symlink():
        table.problems.append(InputProblem(table.file, symbolic_link_rule(path)))
        return table
    try:
        data = path.read_bytes()
        text, table.encoding = decode_text(data)
    except OSError as error:
        table.problems.append(InputProblem(table.file, f"the file cannot be read: {error}"))
        return table
    except UnreadableText as error:
        table.problems.append(InputProblem(table.file, str(error)))
        return table
    disguised = _disguised_format(data)
    if disguised:
        table.problems.append(InputProblem(table.file, disguised))
        return table
    garbled = GARBLED.search(text)
    if garbled:
        line = text.count("\n", 0, garbled.start()) + 1
        table.warnings.append(InputProblem(
            table.file, f"the text looks garbled ({garbled.group()!r}, as in \"â€™\" for \"’\"): the file was probably "
                        "opened in one encoding and saved in another. Save it again from the original as \"CSV UTF-8\"",
            line))
    try:
        # Tuples, not lists: Python's garbage collector soon stops checking a tuple of texts,
        # but would check the lists of a 200,000-row file over and over.
        records = [tuple(record) for record in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        table.problems.append(InputProblem(table.file, f"not a readable CSV file: {error}"))
        return table
    if not records or not any(cell.strip() for cell in records[0]):
        table.problems.append(InputProblem(table.file, "the file is empty: the first row must name the columns", 1))
        return table
    separator = _other_separator(records[0])
    if separator:
        table.problems.append(InputProblem(
            table.file, f"the columns are separated by {separator}, not commas: save it from Excel as "
                        "\"CSV UTF-8 (Comma delimited)\"", 1))
        return table
    title = _title_row([cell for cell in records[0]], records[1] if len(records) > 1 else [])
    if title:
        table.problems.append(InputProblem(table.file, title, 1))
        return table
    raw_headers = records[0]
    width = len(raw_headers)
    table.columns = _header_problems(table, raw_headers, _filled_columns(records[1:], width))
    # A big return repeats the same texts in many rows: each different text is cleaned, and
    # checked against the rules for any cell, once.
    cleaned = {text: clean_cell(text) for text in set().union(*records[1:])}
    broken = _broken_texts(set(cleaned.values()), width)
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank row (Excel often leaves a few at the end)
        extra = [cell for cell in record[width:] if cell.strip()]
        if extra:
            table.problems.append(InputProblem(
                table.file, "the row has more cells than the header row has columns", number,
                column_letter(width), extra[0]))
        values = dict(zip(table.columns, map(cleaned.get, record)))
        values.pop("", None)  # the cells of unnamed columns are not read
        unreadable = set()
        if broken:
            for name, cell in values.items():
                if cell in broken:
                    table.problems.append(table.problem(broken[cell], number, name,
                                                        cell[:60] + ("..." if len(cell) > 60 else "")))
                    unreadable.add(name)
        table.rows.append(SheetRow(number, values, frozenset(unreadable)) if unreadable else SheetRow(number, values))
    return table


def _broken_texts(texts: set[str], width: int) -> dict[str, str]:
    """{text: the rule it breaks} for each text that breaks a rule about any cell of a table
    ``width`` columns wide (an unclosed quotation mark, a control character, a huge cell)."""
    broken = {}
    for text in texts:
        rule = _unclosed_quote(text, width) or cell_problem(text)
        if rule:
            broken[text] = rule
    return broken


def _filled_columns(records: list[tuple[str, ...]], width: int) -> list[bool]:
    """For each of the first ``width`` columns, whether any record has a value in it. Each
    column's different texts are looked at once, however many rows repeat them."""
    filled = [any(cell.strip() for cell in set(column)) for column in zip_longest(*records, fillvalue="")]
    return (filled + [False] * width)[:width]


def _unclosed_quote(cell: str, width: int) -> str | None:
    """A cell that swallowed the rows after it: a quotation mark opened and never closed."""
    if "\n" in cell and cell.count(",") >= width - 1:
        return ("a quotation mark opens this cell and is never closed, so the rows after it were read into "
                "the cell: close the quotation mark, or take it out")
    return None


# The first bytes of files that are not text: a workbook (.xlsx, a zip) and an encrypted or
# old-format workbook (an OLE2 compound file, as a password-protected .xlsx or an .xls is).
ZIP_START, OLE2_START = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _disguised_format(data: bytes) -> str | None:
    """What a file named .csv really is when it is a workbook; None for text."""
    if data.startswith(ZIP_START):
        return ("the file is an Excel workbook (.xlsx) saved under a .csv name: rename it to .xlsx, or open it "
                "in Excel and save it as \"CSV UTF-8 (Comma delimited)\"")
    if data.startswith(OLE2_START):
        return ("the file is a password-protected or old-format (.xls) Excel workbook saved under a .csv name: "
                "open it in Excel and save it as \"CSV UTF-8 (Comma delimited)\"")
    return None


def _other_separator(header: list[str]) -> str | None:
    """'semicolons' or 'tabs' when a header row read as one column is really split by them."""
    if len(header) != 1:
        return None
    for character, name in ((";", "semicolons"), ("\t", "tabs")):
        if header[0].count(character) >= 1:
            return name
    return None


def _title_row(first: list[str], second: list[str]) -> str | None:
    """The rule broken when the first row is a title above the header: one filled cell, with a
    row of two or more filled cells (the real header) beneath it."""
    filled = [cell.strip() for cell in first if cell and cell.strip()]
    below = [cell for cell in second if cell and cell.strip()]
    if len(filled) == 1 and len(below) >= 2:
        return (f"the header row (the column names) must be row 1; row 1 looks like a title: {filled[0]!r}. "
                "Delete the title row")
    return None


def symbolic_link_rule(path: Path) -> str:
    """The rule broken by an input that is a symbolic link, not a file."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "somewhere unknown"
    return (f"the file is a symbolic link to {target}, not a file: an edition keeps its own copy of every input, "
            "so that it can be rebuilt exactly later. Copy the file here in place of the link")


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
    return clean_cell(value)


def read_xlsx_table(path: Path, sheet: str = RETURN_SHEET) -> ReadTable:
    """Read one sheet of an Excel workbook into a ReadTable.

    The workbook is opened with ``data_only=False`` so formulas are seen as formulas
    (not as the value Excel last cached): each is reported as a problem.
    """
    path = Path(path)
    table = ReadTable(path, display_path(path), sheet, [], {}, [], [])
    if path.is_symlink():
        table.problems.append(InputProblem(table.file, symbolic_link_rule(path)))
        table.sheet = None
        return table
    try:
        from openpyxl import load_workbook

        with open(path, "rb") as handle:
            start = handle.read(8)
        if start.startswith(OLE2_START):
            raise UnreadableText("the workbook is password-protected (encrypted) or in the old .xls format: "
                                 "remove the password, or save it as an Excel Workbook (.xlsx)")
        if not start.startswith(ZIP_START):
            raise UnreadableText("the file is named .xlsx but is not an Excel workbook (it looks like text, such "
                                 "as a CSV file): name it .csv, or save it from Excel as an Excel Workbook (.xlsx)")
        _check_unpacked_size(path)
        workbook = load_workbook(path, data_only=False)
    except UnreadableText as error:
        table.problems.append(InputProblem(table.file, str(error)))
        table.sheet = None
        return table
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is a problem to report
        table.problems.append(InputProblem(
            table.file, f"not a readable Excel workbook (.xlsx): {type(error).__name__}: {error}"))
        table.sheet = None
        return table
    if not workbook.sheetnames:
        table.problems.append(InputProblem(
            table.file, "the workbook has no sheet that can be read: was it saved as \"Strict Open XML "
                        "Spreadsheet\"? Save it as \"Excel Workbook (.xlsx)\""))
        table.sheet = None
        return table
    matching = [name for name in workbook.sheetnames if name.strip().lower() == sheet.lower()]
    if not matching:
        table.problems.append(InputProblem(
            table.file, f"the workbook has no sheet named {sheet!r} (it has: {', '.join(workbook.sheetnames)})"))
        table.sheet = None
        return table
    if len(matching) > 1:
        table.problems.append(InputProblem(
            table.file, f"{len(matching)} sheets are named {sheet!r} ({', '.join(repr(n) for n in matching)}): "
                        f"keep the one with the figures and delete or rename the others"))
        table.sheet = None
        return table
    worksheet = workbook[matching[0]]
    table.sheet = worksheet.title
    if worksheet.sheet_state != "visible":
        table.warnings.append(InputProblem(
            table.file, f"the sheet {worksheet.title!r} is hidden in Excel, and it is read: unhide it and check "
                        "its figures", None, None, None, table.sheet))
    far = _far_cells(worksheet)
    if far:
        table.problems.append(InputProblem(table.file, far, None, None, None, table.sheet))
        return table
    try:
        rows = list(worksheet.iter_rows())
    except MemoryError:
        table.problems.append(InputProblem(table.file, "the sheet is too large to read: delete the rows and "
                                                       "columns beyond the figures", None, None, None, table.sheet))
        return table
    if not rows or not any(_cell_text(cell) for cell in rows[0]):
        table.problems.append(InputProblem(
            table.file, "the sheet is empty: the first row must name the columns", 1, None, None, table.sheet))
        return table
    title = _title_row([_cell_text(cell) for cell in rows[0]], [_cell_text(cell) for cell in rows[1]] if len(rows) > 1 else [])
    if title:
        table.problems.append(InputProblem(table.file, title, 1, None, None, table.sheet))
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
            rule = cell_problem(values[name])
            if rule:
                table.problems.append(table.problem(rule, number, name, values[name][:60]))
                unreadable.add(name)
        percent = {table.columns[index] for index, cell in enumerate(row[:width])
                   if table.columns[index] and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
                   and "%" in str(cell.number_format or "")}
        table.rows.append(SheetRow(number, values, frozenset(unreadable), frozenset(percent)))
        if worksheet.row_dimensions[number].hidden:
            table.warnings.append(InputProblem(
                table.file, "the row is hidden in Excel but holds values, and they are read: hiding a row does not "
                            "withdraw it. Delete the values if they should not be used, or unhide the row",
                number, None, None, table.sheet))
    for index, name in enumerate(table.columns):
        letter = column_letter(index)
        if name and used[index] and worksheet.column_dimensions[letter].hidden:
            table.warnings.append(InputProblem(
                table.file, "the column is hidden in Excel but holds values, and they are read: unhide it and "
                            "check them", None, table.headers[name], None, table.sheet))
    _merged_cells(table, worksheet)
    _values_on_other_sheets(table, workbook, worksheet)
    return table


# A return is a few kilobytes: a workbook that unpacks to more than this is refused before it is
# read (a file can unpack to gigabytes and exhaust the memory).
LARGEST_UNPACKED = 100 * 1024 * 1024
# A return's sheet has a few dozen rows and columns; a cell beyond these is a stray keystroke.
MAX_ROWS, MAX_COLUMNS = 100_000, 1_000


def _check_unpacked_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return  # openpyxl says what is wrong
    if size > LARGEST_UNPACKED:
        raise UnreadableText(f"the workbook unpacks to {size / 1024 / 1024:,.0f} MB (a return is a few kilobytes), so "
                             "it is not read: copy the figures into a new workbook, or send them as CSV")


def _far_cells(worksheet) -> str | None:
    """The rule broken by cells far beyond any return's figures (reading them all would take
    gigabytes), naming them; None when the sheet is a sensible size."""
    if worksheet.max_row <= MAX_ROWS and worksheet.max_column <= MAX_COLUMNS:
        return None
    # The workbook's own cells, without making the empty ones in between.
    far = sorted((cell.coordinate, cell.value) for (row, column), cell in worksheet._cells.items()
                 if (row > MAX_ROWS or column > MAX_COLUMNS) and cell.value is not None)
    named = ", ".join(f"{coordinate} ({value!r})" for coordinate, value in far[:5]) or worksheet.dimensions
    return (f"the sheet has cells far beyond the figures: {named}. Clear them (delete the rows below the "
            "figures and the columns to their right), then save")


def _merged_cells(table: ReadTable, worksheet) -> None:
    """Merged cells among the figures: only the first of them holds the value."""
    for merged in worksheet.merged_cells.ranges:
        if merged.max_row < 2:
            continue  # the header row
        table.problems.append(InputProblem(
            table.file, f"the cells {merged.coord} are merged, so only the first holds a value: unmerge them and "
                        "fill in each cell", merged.min_row, column_letter(merged.min_col - 1), None, table.sheet))


# The sheets of a return workbook that are read, or that are there for the partner to read.
_NOT_SCANNED_SHEETS = {RETURN_SHEET, GUIDANCE_SHEET}


def _values_on_other_sheets(table: ReadTable, workbook, figures_sheet) -> None:
    """A partner who typed the values on a copy of the figures sheet ("figures (2)") leaves
    the figures sheet blank: name the sheet that has the values."""
    value_columns = {"value", "numerator", "denominator"}
    if any(row.get(column) for row in table.rows for column in value_columns):
        return
    for worksheet in workbook.worksheets:
        if worksheet is figures_sheet or worksheet.title.strip().lower() in _NOT_SCANNED_SHEETS:
            continue
        rows = list(worksheet.iter_rows(values_only=True))
        if not rows:
            continue
        header = [canonical(cell) for cell in rows[0]]
        if "indicator_id" not in header or "value" not in header:
            continue
        at = header.index("value")
        filled = sum(1 for row in rows[1:] if at < len(row) and row[at] is not None and str(row[at]).strip())
        if filled:
            table.problems.append(InputProblem(
                table.file, f"the sheet {table.sheet!r} has no values, but the sheet {worksheet.title!r} has "
                            f"{filled}: only the sheet {RETURN_SHEET!r} is read. Type or paste the values into "
                            f"{RETURN_SHEET!r} (or delete it and rename {worksheet.title!r} to {RETURN_SHEET!r})",
                None, None, None, table.sheet))
            return


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
        if (path.is_file() or path.is_symlink()) and path.suffix.lower() in RETURN_SUFFIXES
        and not path.name.startswith(("~$", "."))
    )


def other_files_in_returns(year_dir: Path) -> list[Path]:
    """Every file in ``<year>/returns/`` that is not read as a return: another type, a hidden
    file or an Excel lock file, so that each can be named in a warning."""
    folder = Path(year_dir) / RETURNS_FOLDER
    if not folder.is_dir():
        return []
    read = set(return_files(year_dir))
    return sorted(path for path in folder.iterdir() if path not in read)


def why_not_read(path: Path) -> str:
    """Why a file in returns/ is not read, in words a partner can act on."""
    name = Path(path).name
    if Path(path).is_dir() and not Path(path).is_symlink():
        inside = sorted(child.name for child in Path(path).iterdir())
        return ("a folder, and files in folders are not read: move any return in it into returns/ itself"
                + (f" (it holds: {', '.join(inside[:5])}{', ...' if len(inside) > 5 else ''})" if inside else ""))
    if name.startswith("~$"):
        return "an Excel lock file, so not read: the workbook is open in Excel; close it, then check again"
    if name.startswith("."):
        return ("a hidden file (its name starts with a dot), so not read: if it is a return, rename it "
                "to <partner>.csv or <partner>.xlsx")
    return "not a .csv or .xlsx file, so not read"


