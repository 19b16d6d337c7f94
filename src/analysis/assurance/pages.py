"""The tables of the assurance pages, built from data given to them.

The four assurance notebooks (``notebooks/assurance/``) read the staged edition and its
inputs (``analysis.assurance.edition``) and show these tables:

- Reproduction: does the book reproduce each figure the published report states?
- Register of figures: every value glued into the book, with its source and page.
- Provenance: the run manifest (parameters, code version, packages, inputs, timings).
- Data log: every source of data with its version, licence and sha256; the assumptions log.

Every function here takes data (a register, a manifest, the importer's provenance record)
and returns a table, so each can be tested without building the book.

Each table is shown with its data as an accessible spreadsheet linked under it
(:func:`assurance_downloads`, analysis.present.spreadsheets.Downloads), with the source its
workbook names (the ``*_SOURCE`` constants). The register's table links the register of figures
workbook, which holds its rows one page of the book a sheet. Two tables of the provenance page
have no spreadsheet: they show when the build started and how long each notebook took, which
differ on every build, so a workbook of them would too (``python -m analysis verify`` compares
every published file byte for byte); their data is in the page's manifest.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.assurance.edition import StagedEdition
from analysis.periods import ReportYear
from analysis.present.spreadsheets import Downloads

# The report's numbers are read as the input rules read a quote's: digits, or the words in
# analysis.inputs.rules.NUMBER_WORDS (extend it there).
from analysis.inputs.rules import WrittenNumber, numbers_written, parse_number

# --------------------------------------------------------------------------
# The tables' spreadsheets
# --------------------------------------------------------------------------


def assurance_downloads(page: str, year: str, output_dir: str) -> Downloads:
    """Where an assurance page's tables are written as spreadsheets: its side-file folder
    (``output_dir``, in the stage), each workbook's cover naming the staged edition
    (StagedEdition.title) and dated the last day of the edition's year, never the clock, so that
    every build of the edition writes the same bytes."""
    edition = StagedEdition.from_output_dir(output_dir)
    return Downloads(output_dir, page, edition.title, ReportYear.parse(year).last_day)


REPRODUCTION_SOURCE = ("the copy of the published report kept in the edition's sources/ folder, the figures "
                       "transcribed from it (figures.csv) and the book's register of figures")
MANIFEST_SOURCE = "the run manifest of this edition (manifest.json, published with the provenance page)"
DATA_LOG_SOURCE = ("the edition's source documents (documents.csv) with the SHA-256 of the copies kept in its "
                   "sources/ folder, and the national importer's record of the files it read (provenance.json)")
NATIONAL_SOURCES_SOURCE = "the national importer's record of the files it read (provenance.json)"
ASSUMPTIONS_SOURCE = "the partnership's assumptions and caveats log (assumptions.csv)"
# Columns of codes and versions, kept as text in the workbooks.
PARAMETER_TEXT = ("Value",)
PACKAGE_TEXT = ("Version",)
INPUT_FILE_TEXT = ("File", "SHA-256")
SOURCE_TEXT = ("Version or date", "SHA-256")
ASSUMPTION_TEXT = ("Id",)

# --------------------------------------------------------------------------
# Reproduction of the published report
# --------------------------------------------------------------------------
#
# Each figure figures.csv transcribes as "reported" names the sentence of the report that
# states it (source_quote) and which number of that sentence it is (quote_number, as the
# report writes it: "8,583", "79.4%", "five"). The check reads that number from the copy of
# the report kept in the year's sources/ folder, not from the transcription, and compares with
# it both the number the book shows (on every page, by the register of figures) and the value
# transcribed: a sentence states other numbers too ("six notifications, leading to five rapid
# reviews and one new review"), and only the one named is the figure.

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Characters a copy of the report and a transcription may write differently: curly or straight
# quotes and apostrophes, dashes, non-breaking spaces; and runs of white space.
_SAME_CHARACTERS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                  "\u2013": "-", "\u2014": "-", "\u00a0": " "})

NO_TEXT = "Not checked: no text copy of the report is kept in the edition's sources/ folder"
NO_QUOTE = "Not checked: figures.csv gives no quote for this figure"
QUOTE_NOT_FOUND = "Not found: the report does not contain this quote"
NO_QUOTE_NUMBER = "Not checked: figures.csv does not say which number of the quote this figure is (quote_number)"


def numbers_stated(text: str) -> list[float]:
    """Numbers a sentence states, in digits or as words, in order: 'six ... 8,583 ... 79.4%' -> [6, 8583, 79.4]."""
    return [number.value for number in numbers_written(text)]


def number_shown(text: str) -> float | None:
    """The number in the text the book shows: 'about 44,000' -> 44000; 'not supplied' -> None."""
    match = _NUMBER.search(text)
    return float(match.group().replace(",", "")) if match else None


def normalise_quote(text: str) -> str:
    """A text as a quote is looked for in it: quotes, apostrophes and dashes made straight, and
    every run of white space (line breaks included) one space."""
    return " ".join(str(text).translate(_SAME_CHARACTERS).split())


@dataclass(frozen=True)
class ReportText:
    """A source document's text, ready for quotes to be looked for in it."""

    text: str
    numbers: tuple[WrittenNumber, ...]

    @classmethod
    def of(cls, document: str) -> "ReportText":
        text = normalise_quote(document)
        return cls(text, tuple(numbers_written(text)))

    def number(self, quote: str, quote_number: str) -> WrittenNumber | str:
        """The number ``quote_number`` names in the report's own words of ``quote``, as the
        report writes it, or why it cannot be read (a result for the reproduction table)."""
        wanted = normalise_quote(quote)
        if not wanted:
            return NO_QUOTE
        at = self.text.find(wanted)
        if at < 0:
            return QUOTE_NOT_FOUND
        if not str(quote_number).strip():
            return NO_QUOTE_NUMBER
        end = at + len(wanted)
        # The numbers of the report's text the quote covers, whole ('8,583' for a quote that starts "583").
        stated = [number for number in self.numbers if number.start < end and number.end > at]
        named = [number for number in stated if number.is_written(quote_number)]
        if not named:
            states = ", ".join(number.text for number in stated) or "no number"
            return f"Not found: the report's sentence does not state \u201c{quote_number}\u201d (it states {states})"
        return named[0]


def _pages(rows: list[dict], page_titles: dict[str, str]) -> str:
    return ", ".join(page_titles.get(page, page) for page in dict.fromkeys(row["page"] for row in rows))


REPRODUCTION_COLUMNS = ["Figure", "Period", "Report says, in section", "Report's number", "Book shows", "Pages",
                        "Result"]


def reproduction_table(register: pd.DataFrame, figures: pd.DataFrame, indicator_titles: dict[str, str] | None = None,
                       page_titles: dict[str, str] | None = None, *,
                       report_texts: dict[str, str]) -> pd.DataFrame:
    """For each figure the report states: the report's words, the number the report states
    there, the book's value, match or not and why.

    ``report_texts`` is each source document's text by document_id
    (``analysis.assurance.edition.source_document_texts``). The report's number is read from
    that text: the number ``quote_number`` names in the sentence ``source_quote`` quotes. A
    figure matches when every page of the book that shows it (the register's rows of the
    partnership's values) shows that number and figures.csv transcribes that number. Each
    figure is named by its indicator's title (its id without a title) and each page by its own
    title; the report's words are followed by the section they are in."""
    indicator_titles, page_titles = indicator_titles or {}, page_titles or {}
    texts = {document_id: ReportText.of(text) for document_id, text in report_texts.items()}
    # The rows that glue a value of the partnership's figures (not the period or words about it).
    glued = register[(register["source_kind"] == "partnership") & (register["indicator_id"] != "")
                     & (register["raw_value"].astype(str).str.strip() != "")]
    shown: dict[tuple[str, str], list[dict]] = {}
    for row in glued.to_dict("records"):
        shown.setdefault((row["indicator_id"], row["period"]), []).append(row)
    rows = []
    for figure in figures[figures["status"] == "reported"].itertuples():
        on_pages = shown.get((figure.indicator_id, figure.period), [])
        book = "; ".join(dict.fromkeys(row["text"] for row in on_pages)) if on_pages else "not shown"
        text = texts.get(getattr(figure, "document_id", ""))
        found = NO_TEXT if text is None else text.number(figure.source_quote, getattr(figure, "quote_number", ""))
        if isinstance(found, str):
            stated, verdict = "", found
        else:
            stated, verdict = found.text, _verdict(found, figure, on_pages, page_titles)
        rows.append({
            "Figure": indicator_titles.get(figure.indicator_id, figure.indicator_id), "Period": figure.period,
            "Report says, in section": f"\u201c{figure.source_quote}\u201d, section {figure.source_section}",
            "Report's number": stated, "Book shows": book, "Pages": _pages(on_pages, page_titles), "Result": verdict,
        })
    return pd.DataFrame(rows, columns=REPRODUCTION_COLUMNS)


def _verdict(reported: WrittenNumber, figure, on_pages: list[dict], page_titles: dict[str, str]) -> str:
    """'Match', or 'Differs: ...' saying what differs from the number the report states."""
    differences = []
    if not on_pages:
        differences.append("the book does not show this figure")
    else:
        wrong = [row for row in on_pages if not _same(number_shown(row["text"]), reported.value)]
        wrong_texts = list(dict.fromkeys(row["text"] for row in wrong))
        if len(wrong) == len(on_pages) and len(wrong_texts) == 1:
            differences.append(f"the book shows {wrong_texts[0]}")
        elif wrong:
            differences.append("the book shows " + " and ".join(
                f"{text} on {_pages([row for row in wrong if row['text'] == text], page_titles)}"
                for text in wrong_texts))
    value = str(getattr(figure, "value", "")).strip()
    transcribed, _ = parse_number(value, "percentage") if value else (None, value)
    if transcribed is None:
        differences.append("figures.csv gives no value (a transcription error)")
    elif not _same(transcribed, reported.value):
        differences.append(f"figures.csv transcribes it as {value} (a transcription error)")
    if not differences:
        return "Match"
    return f"Differs: {'; '.join(differences)}; the report states {reported.text}"


def _same(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) < 1e-9


def reproduction_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row: how many figures the report states, how many the book reproduces exactly."""
    matches = int((table["Result"] == "Match").sum())
    return pd.DataFrame([{"Figures the report states": len(table), "Reproduced exactly": matches,
                          "Differ or not shown": len(table) - matches}])


# --------------------------------------------------------------------------
# Register of figures
# --------------------------------------------------------------------------

REGISTER_HEADINGS = {"page": "Page", "name": "Name", "indicator_id": "Indicator", "text": "Text shown",
                     "raw_value": "Raw value", "unit": "Unit", "period": "Period",
                     "source_kind": "Kind of source", "source": "Source"}


def register_table(register: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The register as the page shows it: each row with its page's title first (``titles``
    maps a notebook's name to its page's title, as StagedEdition.page_titles gives them)."""
    shown = register.rename(columns=REGISTER_HEADINGS)
    shown.insert(0, "Page title", register["page"].map(titles).fillna(register["page"]))
    return shown


# --------------------------------------------------------------------------
# Provenance: the run manifest (analysis.assurance.manifest) as tables
# --------------------------------------------------------------------------


PARAMETER_LABELS = {
    "year": "Edition (financial year)",
    "area_code": "Area code",
    "area_name": "Area",
    "jobs": "Notebooks executed at the same time",
    "data_dir": "Data folder",
}


def parameters_table(manifest: dict) -> pd.DataFrame:
    """The parameters the edition was built with, in words ('Data folder: the project's data/
    folder' when none was given)."""
    rows = []
    for name, value in manifest["parameters"].items():
        if name == "data_dir" and not value:
            value = "the project's data/ folder"
        rows.append({"Parameter": PARAMETER_LABELS.get(name, name.replace("_", " ")),
                     "Value": "" if value is None else str(value)})
    return pd.DataFrame(rows, columns=["Parameter", "Value"])


def code_table(manifest: dict) -> pd.DataFrame:
    """The code's version (git commit and whether it had uncommitted changes), the Python
    version and when the build started, in words."""
    git = manifest["git"]
    if git.get("available"):
        rows = [{"Item": "Code version (git commit)", "Value": str(git.get("commit") or "")}]
        if git.get("dirty"):
            rows.append({"Item": "Uncommitted changes", "Value": "Yes: the SHA-256 of the changes is "
                                                                 f"{git.get('uncommitted_sha256') or 'not recorded'}"})
        else:
            rows.append({"Item": "Uncommitted changes", "Value": "No"})
    else:
        rows = [{"Item": "Code version (git commit)",
                 "Value": f"Not recorded: {git.get('note') or 'the code was not in a git working tree'}"}]
    rows += [{"Item": "Python", "Value": manifest["python"]["version"]},
             {"Item": "Build started (UTC)", "Value": manifest["build_started_utc"]}]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def packages_table(manifest: dict) -> pd.DataFrame:
    return pd.DataFrame([{"Package": name, "Version": str(version)}
                         for name, version in manifest["packages"].items()], columns=["Package", "Version"])


def input_files_table(manifest: dict) -> pd.DataFrame:
    files = pd.DataFrame(manifest["inputs"]["files"], columns=["path", "sha256", "bytes"])
    return files.rename(columns={"path": "File", "sha256": "SHA-256", "bytes": "Bytes"})


def notebook_seconds_table(manifest: dict, titles: dict[str, str]) -> pd.DataFrame:
    """How long each page's notebook took to execute: the page's title, its notebook, seconds."""
    return pd.DataFrame([{"Page": titles.get(Path(name).stem, Path(name).stem), "Notebook": name,
                          "Seconds": f"{seconds:.1f}"}
                         for name, seconds in manifest["notebook_seconds"].items()],
                        columns=["Page", "Notebook", "Seconds"])


# --------------------------------------------------------------------------
# Data log and assumptions
# --------------------------------------------------------------------------

SOURCE_COLUMNS = ["Source", "Publisher", "Version or date", "Licence", "SHA-256", "Where"]
NATIONAL_SOURCES_WHERE = "Explore Education Statistics (DfE)"


def document_sources(documents: pd.DataFrame, inputs: dict, year: str) -> pd.DataFrame:
    """The edition's source documents (documents.csv), each with the sha256 of the copies kept in
    the year's sources/ folder (``inputs``: the run manifest's hashes of every input file)."""
    # The manifest hashes the edition's own partnership folder only: partnerships/<id>/<year>/sources/.
    kept = [f["sha256"] for f in inputs["files"]
            if re.match(rf"partnerships/[^/]+/{re.escape(year)}/sources/", f["path"])]
    return pd.DataFrame([{
        "Source": doc.title, "Publisher": doc.publisher, "Version or date": doc.date,
        "Licence": doc.licence or "not stated", "SHA-256": "; ".join(kept) or "not kept", "Where": doc.location,
    } for doc in documents.itertuples()], columns=SOURCE_COLUMNS)


def national_sources(provenance: dict) -> pd.DataFrame:
    """Every file the national importer read (its provenance.json), with its sha256 and licence."""
    return pd.DataFrame([{
        "Source": source["file"], "Publisher": source["publication"],
        "Version or date": provenance["import_date"], "Licence": source["licence"],
        "SHA-256": source["sha256"], "Where": NATIONAL_SOURCES_WHERE,
    } for source in provenance["source_files"]], columns=SOURCE_COLUMNS)


def sources_table(documents: pd.DataFrame, inputs: dict, provenance: dict, year: str) -> pd.DataFrame:
    """The data log: the partnership's source documents, then the national statistics files."""
    return pd.concat([document_sources(documents, inputs, year), national_sources(provenance)],
                     ignore_index=True)


ASSUMPTION_HEADINGS = {"assumption_id": "Id", "section": "Section", "kind": "Kind",
                       "statement": "Assumption or caveat", "impact": "What it means for the figures"}


def assumptions_table(assumptions: pd.DataFrame) -> pd.DataFrame:
    return assumptions[list(ASSUMPTION_HEADINGS)].rename(columns=ASSUMPTION_HEADINGS)
