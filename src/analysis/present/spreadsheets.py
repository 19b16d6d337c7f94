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
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analysis.files import write_atomically
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
