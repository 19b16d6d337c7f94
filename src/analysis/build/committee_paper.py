"""The committee paper: the council's cover report to its scrutiny committee, as PDF and Word.

``make_committee_paper(year, area)`` reads the paper's text (``<year>/committee_paper.md`` in the
partnership's folder, checked by ``analysis.inputs.committee_paper``), fills every placeholder
from the edition's data (the same figures, worded the same way, as the book), and writes into
the published edition:

- ``committee-paper-<area>-<year>.docx``: Word, which most councils' committee systems take,
  with real headings and lists (so it reads well with a screen reader) and the document's title
  and language set;
- ``committee-paper-<area>-<year>.pdf``: the same paper printed by Chromium, followed by the
  book's PDF as Appendix 1 (printed first if the edition has none yet), with bookmarks.

The paper follows the council's template: the report's details (council, wards, title, report
of, committee, date), the summary, the recommendations and the signature, then the numbered
sections.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analysis.assurance.manifest import published_parameters
from analysis.build.failures import BuildFailed
from analysis.build.publish import paper_name
from analysis.config import SITE_DIR, STAGE_DIR, check_edition_area
from analysis.errors import InputError
from analysis.inputs.committee_paper import PLACEHOLDER, PaperSource, paper_path, paper_problems, read_paper
from analysis.inputs.edition import PartnershipData
from analysis.periods import ReportYear, previous_expected_period

Progress = Callable[[str], None]
NUMBER_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}


class PaperFailed(BuildFailed):
    """The committee paper could not be made; the message says why and what to do."""


@dataclass
class FilledPaper:
    """The paper with every placeholder filled: the details and the numbered sections (Markdown)."""

    details: dict
    sections: list[tuple[str, str]]  # (heading with its number, body)
    year: str

    @property
    def title(self) -> str:
        return self.details["title"]


# --------------------------------------------------------------------------
# Filling the placeholders
# --------------------------------------------------------------------------


def _sentence_list(items: list[str]) -> str:
    """'a, b and c'; 'a; b, c; and d' when an item has a comma of its own."""
    if len(items) < 2:
        return "".join(items)
    if any("," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


class _Filler:
    """Fills placeholders from one edition's data."""

    def __init__(self, edition: PartnershipData, details: dict):
        self.edition = edition
        self.details = details
        self.missing: list[str] = []

    def _figure(self, indicator: str, previous: bool = False):
        edition = self.edition
        period = edition.expected_period(indicator)
        if previous:
            period_type = edition.catalogue.at[indicator, "period_type"]
            period = previous_expected_period(period_type, ReportYear.parse(edition.year))
        figure = edition.figure(indicator, period)
        if figure is None:
            self.missing.append(f"{indicator} for {period}")
        return figure

    def value(self, kind: str, name: str | None) -> str:
        edition = self.edition
        year = ReportYear.parse(edition.year)
        if kind == "year":
            return year.label
        if kind == "next_year":
            return year.next().label
        if kind in ("partnership", "short_name", "website"):
            about = edition.about
            return {"partnership": about.name, "short_name": about.short_name, "website": about.website}[kind]
        if kind == "appendices":
            return "\n".join(f"- Appendix {n}: {self.fill(text)}" for n, text in enumerate(self.details["appendices"], 1))
        if kind in ("figure", "previous", "period", "change"):
            figure = self._figure(name, previous=kind == "previous")
            if figure is None:
                return "(not supplied)"
            if kind == "period":
                return figure.period
            if kind == "change":
                earlier = self._figure(name, previous=True)
                if earlier is None:
                    return "(no figure for the year before)"
                word = "up from" if figure.value > earlier.value else "down from" if figure.value < earlier.value \
                    else "the same as"
                return f"{word} {earlier.text}"
            return figure.text
        items = edition.items(name)
        if kind == "count":
            return NUMBER_WORDS.get(len(items), str(len(items)))
        if kind == "list_period":
            return edition.list_period(name)
        if kind == "items":
            return _sentence_list(list(items["item"]))
        if kind == "details":
            return _bullets([row.detail or row.item for row in items.itertuples()])
        return _bullets([f"**{row.item}**" + (f": {row.detail}" if row.detail else "") for row in items.itertuples()])

    def fill(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda match: self.value(match.group(1), match.group(2)), text)


def fill_paper(source: PaperSource, edition: PartnershipData) -> FilledPaper:
    """Every placeholder of the paper filled from the edition; PaperFailed naming any figure missing."""
    filler = _Filler(edition, source.details)
    details = {}
    for key, value in source.details.items():
        if isinstance(value, list):
            details[key] = [filler.fill(item) for item in value]
        elif isinstance(value, str):
            details[key] = filler.fill(value.strip())
        else:
            details[key] = value
    sections = [(f"{number}. {filler.fill(heading)}", filler.fill(body))
                for number, (heading, body) in enumerate(source.sections, start=1)]
    if filler.missing:
        raise PaperFailed(f"{source.file}: the paper quotes figures the edition does not have: "
                          f"{', '.join(sorted(set(filler.missing)))}. Supply them, or take them out of the paper")
    return FilledPaper(details, sections, edition.year)


def long_date(value) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


# --------------------------------------------------------------------------
# HTML (for the PDF)
# --------------------------------------------------------------------------

_INLINE = [(re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"), (re.compile(r"\*(.+?)\*"), r"<em>\1</em>"),
           # A year such as 2024-25 is never broken across two lines.
           (re.compile(r"\b(\d{4}-\d{2})\b"), r'<span class="year">\1</span>')]


def _inline_html(text: str) -> str:
    text = html.escape(text, quote=False)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """The Markdown of a section as blocks: ('p', [text]) or ('ul', [item, ...])."""
    found: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", markdown.strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            found.append(("ul", [line.lstrip()[2:].strip() for line in lines]))
        else:
            found.append(("p", [" ".join(line.strip() for line in lines)]))
    return found


def _blocks_html(markdown: str) -> str:
    out = []
    for kind, parts in blocks(markdown):
        if kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline_html(item)}</li>" for item in parts) + "</ul>")
        else:
            out.append(f"<p>{_inline_html(parts[0])}</p>")
    return "\n".join(out)


PAPER_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: Arial, "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45; color: #0b0c0c; }
table.details { width: 100%; border-collapse: collapse; margin-bottom: 1.2em; }
table.details th, table.details td { border: 1px solid #0b0c0c; padding: 6px 8px; text-align: left; vertical-align: top; }
table.details th { width: 28%; background: #f3f2f1; font-weight: bold; }
h1 { font-size: 15pt; margin: 0 0 0.6em; }
h2 { font-size: 12.5pt; margin: 1.3em 0 0.4em; break-after: avoid; }
li { margin-bottom: 0.3em; }
.signature { margin-top: 1.2em; }
.ends { margin-top: 2em; font-weight: bold; text-align: center; }
.year { white-space: nowrap; }
"""


def paper_html(paper: FilledPaper) -> str:
    """The paper as one HTML page, ready to print."""
    d = paper.details
    rows = [("Council", d["council"]), ("Wards", d["wards"]), ("Report title", d["title"]),
            ("Report of", d["report_of"]), ("For submission to", d["submitted_to"]),
            ("Date", long_date(d["committee_date"]))]
    details = "".join(f"<tr><th scope=\"row\">{html.escape(k)}</th><td>{_inline_html(str(v))}</td></tr>" for k, v in rows)
    recommendations = "".join(f"<li>{_inline_html(item)}</li>" for item in d["recommendations"])
    sections = "\n".join(f"<section><h2>{_inline_html(heading)}</h2>\n{_blocks_html(body)}</section>"
                         for heading, body in paper.sections)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(paper.title)}</title>
<style>{PAPER_CSS}</style></head>
<body><main>
<h1>{_inline_html(paper.title)}</h1>
<table class="details" aria-label="The report's details">{details}</table>
<h2>Summary of report</h2>
{_blocks_html(d["summary"])}
<p>{_inline_html(d["access_to_information"])}</p>
<p>Contact officer: {_inline_html(d["contact"])}</p>
<h2>Recommendations</h2>
<p>{_inline_html(d["recommendations_to"])}</p>
<ol>{recommendations}</ol>
<p class="signature">Signed: {_inline_html(d["signed_by"])}<br>Date: {long_date(d["signed_on"])}</p>
{sections}
<p class="ends">Report ends</p>
</main></body></html>
"""


# --------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------


def _add_runs(paragraph, text: str) -> None:
    """Text with **bold** and *italic* as Word runs."""
    for piece in re.split(r"(\*\*.+?\*\*|\*.+?\*)", text):
        if not piece:
            continue
        if piece.startswith("**"):
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*"):
            paragraph.add_run(piece[1:-1]).italic = True
        else:
            paragraph.add_run(piece)


def _add_blocks(document, markdown: str) -> None:
    for kind, parts in blocks(markdown):
        if kind == "ul":
            for item in parts:
                _add_runs(document.add_paragraph(style="List Bullet"), item)
        else:
            _add_runs(document.add_paragraph(), parts[0])


def _set_language(document, language: str = "en-GB") -> None:
    """The document's language, so that Word's spelling and screen readers use British English."""
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), language)


def write_docx(paper: FilledPaper, path: Path) -> None:
    """The paper as a Word document with real headings, a details table and lists."""
    from docx import Document
    from docx.shared import Pt

    d = paper.details
    document = Document()
    document.core_properties.title = paper.title
    document.core_properties.author = d["council"]
    document.core_properties.language = "en-GB"
    _set_language(document)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(paper.title, level=0)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (("Council", d["council"]), ("Wards", d["wards"]), ("Report title", d["title"]),
                         ("Report of", d["report_of"]), ("For submission to", d["submitted_to"]),
                         ("Date", long_date(d["committee_date"]))):
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(str(value))
    document.add_heading("Summary of report", level=1)
    _add_blocks(document, d["summary"])
    _add_runs(document.add_paragraph(), d["access_to_information"])
    _add_runs(document.add_paragraph(), "Contact officer: " + d["contact"])
    document.add_heading("Recommendations", level=1)
    _add_runs(document.add_paragraph(), d["recommendations_to"])
    for item in d["recommendations"]:
        _add_runs(document.add_paragraph(style="List Number"), item)
    document.add_paragraph(f"Signed: {d['signed_by']}")
    document.add_paragraph(f"Date: {long_date(d['signed_on'])}")
    for heading, body in paper.sections:
        document.add_heading(heading, level=1)
        _add_blocks(document, body)
    document.add_paragraph().add_run("Report ends").bold = True
    document.save(str(path))


# --------------------------------------------------------------------------
# PDF, with the book as Appendix 1
# --------------------------------------------------------------------------


def _print_paper(page_html: str, pdf_path: Path, executable: str) -> None:
    """Print the paper's page to ``pdf_path``. Playwright runs in a thread of its own, as for the
    book's PDF, so that this works wherever it is called from (a program already driving a browser)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis-paper") as pool:
        pool.submit(_print_paper_here, page_html, pdf_path, executable).result()


def _print_paper_here(page_html: str, pdf_path: Path, executable: str) -> None:
    from analysis.build.pdf import _sync_playwright, launch_chromium

    source = pdf_path.with_name(pdf_path.stem + ".print.html")
    source.write_text(page_html, encoding="utf-8")
    try:
        with _sync_playwright() as playwright:
            browser = launch_chromium(playwright, executable)
            try:
                page = browser.new_page()
                page.goto(source.resolve().as_uri())
                pdf_path.write_bytes(page.pdf(format="A4", print_background=True, tagged=True, outline=True,
                                              display_header_footer=True, header_template="<span></span>",
                                              footer_template='<div style="font-size:8pt;width:100%;text-align:'
                                              'center">Page <span class="pageNumber"></span> of '
                                              '<span class="totalPages"></span></div>',
                                              margin={"top": "18mm", "bottom": "20mm", "left": "18mm",
                                                      "right": "18mm"}))
            finally:
                browser.close()
    finally:
        source.unlink(missing_ok=True)


def append_book(paper_pdf: Path, book_pdf: Path, out: Path, paper: FilledPaper) -> int:
    """The paper followed by the book's PDF, with a bookmark for each; return the page count."""
    from pypdf import PdfReader, PdfWriter

    from analysis.build.pdf_contents import quiet_pypdf

    quiet_pypdf()
    writer = PdfWriter()
    paper_pages = len(PdfReader(paper_pdf).pages)
    writer.append(str(paper_pdf), outline_item=paper.title)
    writer.append(str(book_pdf), outline_item=f"Appendix 1: {paper.details['appendices'][0]}")
    writer.add_metadata({"/Title": paper.title, "/Author": paper.details["council"]})
    with open(out, "wb") as handle:
        writer.write(handle)
    return paper_pages + len(PdfReader(book_pdf).pages)


def make_committee_paper(year: str, area_code: str, *, data_dir: Path | str | None = None,
                         stage_root: Path = STAGE_DIR, site_dir: Path = SITE_DIR,
                         progress: Progress | None = print) -> tuple[Path, Path]:
    """Write the edition's committee paper as .docx and .pdf into the published edition; return
    both paths. PaperFailed (or InputError for the paper's text) when it cannot be made."""
    from analysis.build import pdf as edition_pdf
    from analysis.build.pdf_contents import PdfOptions

    say = progress or (lambda message: None)
    year = ReportYear.parse(year).label
    area_code = check_edition_area(area_code)
    _, published = edition_pdf.check_built(year, area_code, Path(stage_root), Path(site_dir))
    # The figures of the edition as published: from the data folder it was built from.
    data_dir = data_dir or published_parameters(published).get("data_dir") or None
    edition = PartnershipData(year, area_code, data_dir)
    if not edition.covers_area or edition.folder is None:
        raise PaperFailed(f"{area_code} {year} is a statistics profile (no partnership supplies its own figures "
                          "for it), so it has no annual report to put to a committee")
    source = read_paper(paper_path(edition.folder))
    problems = paper_problems(source, edition.catalogue, edition.list_catalogue, edition.figures, year)
    if problems:
        raise InputError(problems)
    paper = fill_paper(source, edition)
    executable = edition_pdf.find_chromium()
    if executable is None:
        raise PaperFailed(f"Chromium is needed to print the paper and is not installed: {edition_pdf.INSTALL_HINT}")
    docx_path = published / paper_name(area_code, year, "docx")
    write_docx(paper, docx_path)
    say(f"Wrote the committee paper in Word: {docx_path}")
    book_pdf = published / edition_pdf.pdf_name(area_code, year)
    if not book_pdf.is_file():
        say("The edition has no PDF yet: printing it first, as Appendix 1")
        edition_pdf.make_pdf(year, area_code, stage_root=stage_root, site_dir=site_dir, progress=progress,
                             options=PdfOptions(committee_date=str(paper.details["committee_date"])))
    pdf_path = published / paper_name(area_code, year, "pdf")
    cover = pdf_path.with_name(pdf_path.stem + ".cover.pdf")
    try:
        _print_paper(paper_html(paper), cover, executable)
        pages = append_book(cover, book_pdf, pdf_path, paper)
    finally:
        cover.unlink(missing_ok=True)
    say(f"Wrote the committee paper as PDF ({pages} pages, the book's PDF as Appendix 1): {pdf_path}")
    return docx_path, pdf_path
