"""Accessible spreadsheets: the book's tables as an .xlsx workbook made with ``gptables``.

``gptables`` is the Government Analysis Function's package for spreadsheets that follow its
guidance on releasing statistics in spreadsheets
(https://analysisfunction.civilservice.gov.uk/policy-store/releasing-statistics-in-spreadsheets/):
a cover sheet, a contents sheet linking every table, a notes sheet, and one table per
worksheet, marked up as an Excel table with a title, its subtitles and its source above it
and no merged cells or blank rows in it.

:func:`workbook_bytes` makes such a workbook from :class:`SheetTable` objects;
:func:`write_workbook` writes it in one step (:func:`analysis.files.write_atomically`). The
workbook's creation date is fixed by the caller (the edition's date, never the clock), so two
builds of one edition write the same bytes. :func:`register_sheets` cuts the register of
figures, as the register page shows it, into one table per page of the book, and
:func:`register_workbook` writes it with its cover and notes. :func:`workbook_tables` reads a
written workbook back, to check it has the sheets and tables it should.

Every chart and table of a page has a workbook of its own too: :class:`TableData` is its
numbers as the page shows them with its title, source and notes; :class:`Downloads` writes
it as ``<page>-<name>.xlsx`` into the page's side-file folder and returns the MyST Markdown
that links it (:func:`spreadsheet_link`), which Sphinx publishes with the page; a table with no
rows has none. Its ``text_columns`` (versions, codes, fingerprints) stay text where a cell looks
like a number. :func:`written_spreadsheet_link` links a workbook already written, such as the
register of figures under the register page's table.
"""
from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis.files import write_atomically
from analysis.present.tables import show_table, symbols_in
from analysis.vocabulary import SYMBOLS

# Excel: a worksheet name has at most 31 characters and none of these; a table name is a letter
# or underscore then letters, digits, underscores and full stops.
SHEET_NAME_LIMIT = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
COVER, CONTENTS, NOTES = "Cover", "Contents", "Notes"
NOTE_COLUMNS = ["Note reference", "Note text"]


@dataclass(frozen=True)
class SheetTable:
    """One table on its own worksheet."""

    label: str  # the worksheet's tab, at most 31 characters
    table_name: str  # the Excel table's name: letters, digits, underscores
    title: str
    table: pd.DataFrame
    subtitles: tuple[str, ...] = ()
    source: str = ""
    # Excel number formats of single cells, (row, column, format), so a number is shown as the
    # book writes it ('8,583', '18.0') while the cell holds the number.
    number_formats: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class CoverText:
    """The cover sheet: a title and paragraphs under 'Introductory information' and 'About these data'."""

    title: str
    intro: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    contact: tuple[str, ...] = field(default_factory=tuple)


def sheet_label(text: str, taken: set[str] | None = None) -> str:
    """A worksheet name Excel accepts, made from ``text``: without the characters Excel refuses,
    at most 31 characters, and not one of ``taken`` (whatever the case) — a number is added."""
    taken = {name.lower() for name in (taken or set())}
    base = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", str(text)).split()).strip("'") or "Table"
    label = base[:SHEET_NAME_LIMIT].rstrip()
    number = 2
    while label.lower() in taken or label.lower() in (COVER.lower(), CONTENTS.lower(), NOTES.lower(), "history"):
        suffix = f" ({number})"
        label = base[:SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        number += 1
    return label


def table_name(text: str) -> str:
    """An Excel table name made from ``text``: '02_front_door' -> 'table_02_front_door'."""
    name = "table_" + re.sub(r"[^A-Za-z0-9_]+", "_", str(text)).strip("_")
    if not _TABLE_NAME.match(name):
        raise ValueError(f"{name!r} is not a name Excel accepts for a table")
    return name


def _gptables():
    # Imported when a workbook is made, so that the rest of the book does not load it.
    import gptables

    return gptables


def workbook_bytes(tables: list[SheetTable], cover: CoverText, notes: pd.DataFrame, created: date) -> bytes:
    """The .xlsx workbook of ``tables`` with a cover, a contents sheet and ``notes`` (columns
    'Note reference' and 'Note text'; a table refers to a note with ``$$<note reference>$$`` in
    its title or a subtitle, which gptables writes as '[note 1]', numbering the notes in the order
    they are referred to). ``created`` is the date the workbook's properties give, so the bytes
    depend on nothing but the arguments."""
    if not tables:
        raise ValueError("a workbook needs at least one table")
    labels = [table.label for table in tables]
    if len({label.lower() for label in labels}) != len(labels):
        raise ValueError(f"two worksheets would have one name: {labels}")
    gpt = _gptables()
    sheets = {
        table.label: gpt.GPTable(table=table.table.reset_index(drop=True), table_name=table.table_name,
                                 title=table.title, subtitles=list(table.subtitles), source=table.source or None,
                                 additional_formatting=_cell_formats(table.number_formats),
                                 instructions="This worksheet contains one table. Some cells may refer to notes, "
                                              "which can be found on the notes worksheet.")
        for table in tables
    }
    front = gpt.Cover(cover.title, intro=list(cover.intro) or None, about=list(cover.about) or None,
                      contact=list(cover.contact) or None, cover_label=COVER)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # gptables' own notices (a note no table refers to, pandas' advice on its code) are not
        # the reader's business; the tests check what the workbook holds.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        workbook = gpt.produce_workbook(buffer, sheets, cover=front, contentsheet_label=CONTENTS,
                                        notes_table=notes.loc[:, NOTE_COLUMNS], notesheet_label=NOTES)
        workbook.set_properties({"title": cover.title, "created": datetime(created.year, created.month, created.day)})
        workbook.close()
    return buffer.getvalue()


def _cell_formats(number_formats) -> list[dict]:
    """gptables' formatting of single cells: one entry per cell (gptables applies an entry's
    format to the last of its cells only); its row 0 is the header, so data rows count from 1."""
    return [{"cell": {"cells": (row + 1, column), "format": {"num_format": number_format}}}
            for row, column, number_format in number_formats]


def write_workbook(path: Path | str, tables: list[SheetTable], cover: CoverText, notes: pd.DataFrame,
                   created: date) -> Path:
    """Write the workbook (:func:`workbook_bytes`) to ``path`` in one step."""
    return write_atomically(path, workbook_bytes(tables, cover, notes, created))


def workbook_tables(path: Path | str) -> dict[str, list[str]]:
    """Each worksheet of a written workbook, in order, with the names of the Excel tables on it."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    return {sheet.title: sorted(sheet.tables) for sheet in workbook.worksheets}


# --------------------------------------------------------------------------
# The register of figures
# --------------------------------------------------------------------------

REGISTER_NAME = "register-of-figures.xlsx"
PAGE_TITLE = "Page title"
PAGE = "Page"
RAW_VALUE = "Raw value"
KINDS_OF_SOURCE = {
    "partnership": "the partnership's own figures for the year",
    "national": "published national statistics (DfE and ONS)",
    "derived": "worked out by the book from other figures; the source says how",
    "catalogue": "words from the book's catalogues of indicators and lists",
    "code": "a value the book's code uses (a threshold or a rule)",
    "parameter": "a parameter the edition was built with",
    "changelog": "the methods changelog",
    "not supplied": "a figure the partnership did not supply for the year",
    "record_level": "counted from record-level data",
}
REGISTER_NOTES = pd.DataFrame([
    ("register_columns", "Each row is one value inserted into the text of the page: its name, the indicator it "
                         "belongs to, the text shown, the raw value behind it, its unit and period, the kind of "
                         "source it came from and the source itself."),
    ("raw_value", "Raw value is the number behind the text shown, as the book holds it before it is written "
                  "out; it is empty where the text is words rather than a number."),
    ("kind_of_source", "Kind of source: " + "; ".join(f"{kind}, {meaning}" for kind, meaning in
                                                      KINDS_OF_SOURCE.items()) + "."),
    ("symbols", "Figures that are not published are shown by a symbol: "
                + "; ".join(f"{symbol}, {meaning}" for symbol, meaning in SYMBOLS.items()) + "."),
], columns=NOTE_COLUMNS)


def _raw_values(cells: pd.Series) -> pd.Series:
    """The raw values as numbers where they are numbers (so a spreadsheet stores them as
    numbers), empty where there is none ('nan': the text shown is a symbol), as written otherwise."""
    numbers = pd.to_numeric(cells, errors="coerce")
    empty = {"nan", "inf", "-inf"}
    return pd.Series(["" if str(cell).strip().lower() in empty else number if pd.notna(number) else cell
                      for cell, number in zip(cells, numbers)], index=cells.index, dtype=object)


def register_sheets(shown: pd.DataFrame) -> list[SheetTable]:
    """The register as the page shows it (its first column 'Page title', then 'Page', the
    notebook's name) cut into one table per page, in the order the pages come."""
    tables: list[SheetTable] = []
    taken: set[str] = set()
    for page, rows in shown.groupby(PAGE, sort=False):
        title = str(rows[PAGE_TITLE].iloc[0])
        label = sheet_label(title, taken)
        taken.add(label)
        table = rows.drop(columns=[PAGE_TITLE, PAGE]).reset_index(drop=True)
        if RAW_VALUE in table.columns:
            table[RAW_VALUE] = _raw_values(table[RAW_VALUE])
        count = len(table)
        tables.append(SheetTable(
            label=label, table_name=table_name(page), title=f"Register of figures: {title}",
            subtitles=(f"Each of the {count} value{'s' if count != 1 else ''} inserted into the text of this page "
                       "and where it came from$$register_columns$$",
                       "Raw values$$raw_value$$, kinds of source$$kind_of_source$$ and symbols$$symbols$$ are "
                       "explained on the notes worksheet"),
            source="The book's register of figures for this edition (register-of-figures.csv)",
            table=table))
    return tables


def register_workbook(shown: pd.DataFrame, path: Path | str, edition_title: str, created: date) -> None:
    """Write the register of figures (as the register page shows it) as an accessible
    workbook: a cover naming the edition, contents, notes and a table per page of the book.
    Returns nothing, so a notebook cell that ends with it shows no output."""
    tables = register_sheets(shown)
    cover = CoverText(
        title=f"Register of figures: {edition_title}",
        intro=("Every value inserted into the text of this edition of the book: the exact text shown, its "
               "raw value, unit and period, the kind of source and the source it came from.",
               "There is one table for each page of the book, in the order of the book; the contents "
               "worksheet links each of them."),
        about=("The same register is published as register-of-figures.csv beside this workbook, and the "
               "figures of its indicators as open data in the Explore Education Statistics format.",
               "The notes worksheet explains the columns, the kinds of source and the symbols used."))
    write_workbook(path, tables, cover, REGISTER_NOTES, created)


# --------------------------------------------------------------------------
# One chart's or table's data, as a workbook of its own
# --------------------------------------------------------------------------

DATA_SHEET = "Table 1"
TEXT_COLUMNS_NOTE = ("{columns}: text, as the book shows it, even where a cell looks like a number: a version, "
                     "a code or a fingerprint is not a quantity.")
FIGURES_NOTE = ("Figures are as the book shows them. A cell that holds only a number is stored as a number, "
                "shown with the decimal places and thousands separators the book shows; other cells (periods, "
                "ranks, figures with their confidence intervals, words and symbols) are text.")
# A cell that is a number and nothing else: '8,583', '591.3', '-2', '0.5' (not '007', '2024-25', '85%').
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.(\d+))?")
# DfE's older symbol for 'not available': Excel tables refuse a cell of punctuation alone, so it
# is written as its current form, as the EES open data files write it.
_OLDER_SYMBOLS = {":": "x"}


@dataclass(frozen=True)
class TableData:
    """A chart's or a table's numbers as the page shows them, with what a reader needs to use
    them on their own: its title, the measure, the source and the notes shown under it."""

    table: pd.DataFrame
    title: str
    source: str
    subtitle: str = ""
    kind: str = "table"  # 'table' or 'chart': how the cover names it
    notes_heading: str = ""  # what the notes are about, e.g. 'Change on the year before'
    notes: tuple[tuple[str, str], ...] = ()  # (term, text), one note each
    # Columns of codes and versions ('2024.2', a SHA-256), kept as text even where a cell looks
    # like a number: a version is not a number and a fingerprint must keep every character.
    text_columns: tuple[str, ...] = ()

    def written_notes(self) -> list[tuple[str, str]]:
        """The notes that say something (a blank definition is no note)."""
        return [(term, text) for term, text in self.notes if str(text).strip()]

    def source_sentence(self) -> str:
        return f"Source: {self.source.rstrip('. ')}"


def plain_number(cell) -> tuple[int | float, str] | None:
    """A text cell that is a number and nothing else, as that number and the Excel number format
    that writes it as the book does ('8,583' -> (8583, '#,##0'); '18.0' -> (18.0, '0.0')); None
    for any other cell ('2024-25', '104 / 153', '85%', 'c')."""
    if not isinstance(cell, str) or not _PLAIN_NUMBER.fullmatch(cell.strip()):
        return None
    text = cell.strip()
    decimals = len(_PLAIN_NUMBER.fullmatch(text).group(1) or "")
    number_format = ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")
    number = float(text.replace(",", "")) if decimals else int(text.replace(",", ""))
    return number, number_format


def sheet_cells(table: pd.DataFrame, text_columns: tuple[str, ...] = ()) -> tuple[pd.DataFrame,
                                                                             tuple[tuple[int, int, str], ...]]:
    """The table's cells as the sheet holds them (numbers as numbers, empty cells empty, every
    other cell, and every cell of ``text_columns``, as its text) and the number format of each number."""
    unknown = set(text_columns) - {str(column) for column in table.columns}
    if unknown:
        raise ValueError(f"the table has no column {sorted(unknown)} to keep as text")
    as_text = [str(column) in text_columns for column in table.columns]
    rows, formats = [], []
    for row_number, row in enumerate(table.itertuples(index=False)):
        cells = []
        for column_number, cell in enumerate(row):
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                cells.append("")
            elif as_text[column_number]:
                cells.append(str(cell))
            elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
                cells.append(cell)
            elif (number := plain_number(str(cell))) is not None:
                cells.append(number[0])
                formats.append((row_number, column_number, number[1]))
            else:
                text = str(cell)
                cells.append(_OLDER_SYMBOLS.get(text.strip(), text))
        rows.append(cells)
    return pd.DataFrame(rows, columns=[str(column) for column in table.columns], dtype=object), tuple(formats)


def _listed(words: tuple[str, ...]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def data_notes(data: TableData, written: pd.DataFrame) -> pd.DataFrame:
    """The notes worksheet: how the figures are written, the symbols the sheet shows (when it
    shows any) and the notes shown under the table, one a row."""
    rows = [("figures", FIGURES_NOTE)]
    if data.text_columns:
        rows.append(("text_columns", TEXT_COLUMNS_NOTE.format(columns=_listed(data.text_columns))))
    symbols = symbols_in(written)
    if symbols:
        rows.append(("symbols", "Figures that are not published are shown by a symbol: "
                     + "; ".join(f"{symbol}, {SYMBOLS[symbol]}" for symbol in symbols) + "."))
    rows += [(f"note_{number}", f"{term}: {text}")
             for number, (term, text) in enumerate(data.written_notes(), start=1)]
    return pd.DataFrame(rows, columns=NOTE_COLUMNS)


def data_sheet(data: TableData, name: str) -> tuple[SheetTable, pd.DataFrame]:
    """The one table worksheet of a chart's or table's workbook, and its notes. Its subtitles
    refer to each note, so that gptables numbers them ('[note 1]')."""
    written, formats = sheet_cells(data.table, data.text_columns)
    notes = data_notes(data, written)
    subtitles = [data.subtitle] if data.subtitle else []
    subtitles.append("How the figures are written$$figures$$"
                     + ("$$text_columns$$" if data.text_columns else ""))
    if "symbols" in set(notes[NOTE_COLUMNS[0]]):
        subtitles.append("Symbols used in the table$$symbols$$")
    if data.written_notes():
        references = "".join(f"$$note_{number}$$" for number in range(1, len(data.written_notes()) + 1))
        subtitles.append((data.notes_heading or "Notes") + references)
    sheet = SheetTable(label=DATA_SHEET, table_name=table_name(name), title=data.title, table=written,
                       subtitles=tuple(subtitles), source=data.source_sentence(), number_formats=formats)
    return sheet, notes


def data_cover(data: TableData, edition: str, symbols: bool = False) -> CoverText:
    """The cover: the chart's or table's title, the edition it is from and its source
    (``symbols``: whether the table shows symbols, which the notes explain)."""
    return CoverText(
        title=data.title,
        intro=(f"The data of one {data.kind} of {edition}, as the book shows it.",
               f"The table is on the worksheet {DATA_SHEET}; the contents worksheet links it."),
        about=(data.source_sentence() + ".",
               "The notes worksheet says how the figures are written"
               + (" and what the symbols mean." if symbols else ".")))


def data_workbook_bytes(data: TableData, name: str, edition: str, created: date) -> bytes:
    """The workbook of one chart or table (:func:`workbook_bytes`); ``name`` names its Excel table."""
    sheet, notes = data_sheet(data, name)
    symbols = "symbols" in set(notes[NOTE_COLUMNS[0]])
    return workbook_bytes([sheet], data_cover(data, edition, symbols), notes, created)


def file_size_text(size: int) -> str:
    """A download's size as a reader is told it: '7 KB' (whole kilobytes, rounded up)."""
    return f"{max(1, math.ceil(size / 1024))} KB"


def spreadsheet_link(target: str, size: int) -> str:
    """MyST Markdown linking a spreadsheet with the {download} role, so that Sphinx publishes the
    file with the page. ``target`` is its path from the notebook's folder. The link sits in a
    ``data-download`` block, which the book's print rules leave out."""
    name = Path(target).name
    return ('<div class="data-download">\n\n'
            f"{{download}}`Download the data as a spreadsheet ({name}, {file_size_text(size)}) <{target}>`\n\n"
            "</div>\n")


def written_spreadsheet_link(path: Path | str) -> str:
    """:func:`spreadsheet_link` for a workbook already written (``path``, from the notebook's
    folder), such as the register of figures."""
    return spreadsheet_link(Path(path).as_posix(), Path(path).stat().st_size)


def _file_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", str(text).lower()).strip("-") or "table"


class Downloads:
    """The spreadsheets of one page: a workbook for each chart and table, written into the page's
    side-file folder as ``<page>-<name>.xlsx``, a name no other chart or table of the page has.
    ``created`` is the edition's date (never the clock), so two builds write the same bytes.
    Without a folder (a notebook run by hand), or for a table with no rows, nothing is written
    and nothing linked."""

    def __init__(self, folder: Path | str | None, page: str, edition: str, created: date):
        self.folder = Path(folder) if folder else None
        self.page, self.edition, self.created = page, edition, created
        self.taken: set[str] = set()

    def file_stem(self, name: str) -> str:
        """'<page>-<name>', numbered when the page already has one ('-2', '-3')."""
        stem = f"{self.page}-{_file_slug(name)}"
        unique, number = stem, 2
        while unique in self.taken:
            unique, number = f"{stem}-{number}", number + 1
        self.taken.add(unique)
        return unique

    def spreadsheet(self, data: TableData, name: str) -> str:
        """Write the workbook of ``data`` and return the Markdown that links it ('' without a folder,
        or for a table with no rows: it has no data to download, and an Excel table needs a row)."""
        if self.folder is None or data.table.empty:
            return ""
        stem = self.file_stem(name)
        path = write_atomically(self.folder / f"{stem}.xlsx",
                                data_workbook_bytes(data, stem, self.edition, self.created))
        return spreadsheet_link(path.as_posix(), path.stat().st_size)

    def table(self, table: pd.DataFrame, caption: str, *, name: str, source: str, after: str = "",
              notes_heading: str = "", notes: dict[str, str] | None = None,
              text_columns: tuple[str, ...] = ()) -> HTML:
        """A table as analysis.present.tables.show_table shows it, with its spreadsheet linked under
        it. ``name`` makes the file's name; ``notes`` (term: text, about ``notes_heading``) are what
        ``after`` shows under the table, for the notes worksheet; ``text_columns`` (codes,
        versions) stay text in the workbook."""
        data = TableData(table, caption, source, notes_heading=notes_heading, notes=tuple((notes or {}).items()),
                         text_columns=tuple(text_columns))
        return show_table(table, caption, after, self.spreadsheet(data, name))
