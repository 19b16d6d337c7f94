"""What goes into the PDF of an edition besides the printed book: its options, the cover,
the contents with page numbers and the bookmarks (``analysis.build.pdf`` prints it).

Chromium cannot number a list of contents while printing (it has no ``target-counter``),
so the book is printed twice: the first print says on which page each chapter's heading
lands (read from the bookmarks Chromium makes from the headings), the numbers are written
into the contents, which keeps its height, and the second print is checked against them.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import json
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import ParameterError
from analysis.periods import ReportYear

# The PDF's options are kept in its own metadata, so a rebuild of the edition can print it again.
OPTIONS_KEY = "/AnalysisPdfOptions"


@dataclass(frozen=True)
class PdfOptions:
    """``appendices``: print the parts after the first (methods, data, assurance) too.
    ``committee_date``: ISO date of the meeting the papers are for, or None."""

    appendices: bool = False
    committee_date: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "PdfOptions":
        data = json.loads(text)
        date = data.get("committee_date")
        return cls(appendices=bool(data.get("appendices")),
                   committee_date=parse_committee_date(date).isoformat() if date else None)


def parse_committee_date(text: str) -> dt.date:
    """The committee date given as YYYY-MM-DD; ParameterError naming the value otherwise."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ParameterError(f"--committee-date {text!r} is not a date written YYYY-MM-DD "
                             "(for example 2025-09-18)") from None


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --------------------------------------------------------------------------
# Which parts are printed
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    caption: str
    documents: tuple[str, ...]  # Sphinx document names, e.g. notebooks/01_context
    appendix: bool  # every part after the first is an appendix


def _document(entry: str) -> str:
    suffix = Path(entry).suffix
    return entry[: -len(suffix)] if suffix in (".ipynb", ".md") else entry


def toc_parts(toc: dict[str, Any]) -> tuple[str, list[Part]]:
    """The root document and the parts of a Jupyter Book table of contents (_toc.yml):
    the first part is the report itself, the later ones are its appendices."""
    root = _document(str(toc.get("root") or "index"))
    parts = []
    for number, part in enumerate(toc.get("parts") or []):
        documents = tuple(_document(str(chapter["file"])) for chapter in part.get("chapters") or [])
        parts.append(Part(str(part.get("caption") or ""), documents, appendix=number > 0))
    return root, parts


def read_toc_parts(stage_dir: Path) -> tuple[str, list[Part]]:
    return toc_parts(yaml.safe_load((Path(stage_dir) / "_toc.yml").read_text(encoding="utf-8")) or {})


def left_out(parts: list[Part], options: PdfOptions) -> list[str]:
    """The documents the PDF leaves out: the appendices, unless they were asked for."""
    return [] if options.appendices else [doc for part in parts if part.appendix for doc in part.documents]


# --------------------------------------------------------------------------
# Cover
# --------------------------------------------------------------------------


def nowrap(text: str) -> str:
    """HTML for ``text`` with each report year (2024-25) kept on one line."""
    return re.sub(r"\b(\d{4}-\d{2})\b", r'<span style="white-space:nowrap">\1</span>', html.escape(text))


def title_parts(title: str) -> tuple[str, str]:
    """'<Area> Safeguarding Children Partnership: annual report 2024-25' -> whose book, and what it is."""
    who, _, what = title.partition(": ")
    return (who, what[:1].upper() + what[1:]) if what else (title, "")


def edition_line(what: str, year: str) -> tuple[str, str]:
    """('Annual report 2024-25', '1 April 2024 to 31 March 2025'): the edition and its dates."""
    span = ReportYear.parse(year)
    return what or span.label, f"1 April {span.start} to 31 March {span.end}"


def cover_html(title: str, manifest: dict[str, Any], options: PdfOptions, printed: dt.date) -> str:
    parameters = manifest.get("parameters") or {}
    who, what = title_parts(title)
    area = parameters.get("area_name") or ""
    code = parameters.get("area_code") or ""
    rows = [("Area", f"{area} ({code})" if area else code)]
    authorities = manifest.get("local_authorities") or []
    if len(authorities) > 1:  # a partnership over several authorities: name each
        rows = [("Area", f"{area}: " + " and ".join(f"{a['name']} ({a['code']})" for a in authorities))]
    if options.committee_date:
        rows.append(("For the meeting on", long_date(parse_committee_date(options.committee_date))))
    git = manifest.get("git") or {}
    built = (manifest.get("build_started_utc") or "")[:10]
    version = []
    if built:
        version.append(f"built {long_date(dt.date.fromisoformat(built))}")
    if git.get("commit"):
        version.append(f"from commit {git['commit'][:12]}" + (" with uncommitted changes" if git.get("dirty") else ""))
    if version:
        rows.append(("Version", ", ".join(version)))
    rows.append(("Printed", long_date(printed)))
    contains = ("Key findings, the findings and the appendices on methods, data and assurance."
                if options.appendices else
                "Key findings and the findings. The appendices on methods, data and assurance "
                "are in the online edition.")
    rows.append(("Contents", contains))
    edition, dates = edition_line(what, parameters.get("year") or "")
    table = "".join(f"<tr><th scope='row'>{html.escape(label)}</th><td>{nowrap(value)}</td></tr>"
                    for label, value in rows)
    return (f"<p class='pdf-cover-who'>{nowrap(who)}</p>"
            f"<h1 class='pdf-cover-title'>{nowrap(edition)} "
            f"<span class='pdf-cover-dates'>{html.escape(dates)}</span></h1>"
            f"<table class='pdf-cover-facts'>{table}</table>"
            "<p class='pdf-cover-note'>Printed from the analysis book. Every figure is computed from "
            "the data; the online edition's run manifest and register of figures say where each one "
            "came from.</p>")


# --------------------------------------------------------------------------
# Contents
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a part's caption (no anchor) or a chapter."""

    title: str
    anchor: str | None = None  # id of the chapter's heading
    heading: int | None = None  # index of that heading among the printed headings


def contents_entries(root: dict[str, Any], parts: list[Part], chapters: dict[str, dict[str, Any]],
                     dropped: list[str]) -> list[Entry]:
    """The lines of the contents: the front page, then each printed part and its chapters.
    ``chapters`` maps a document to its heading as found in the page (title, id, index)."""
    entries = [Entry(root["title"], root["id"], root["index"])]
    for part in parts:
        printed = [doc for doc in part.documents if doc not in dropped]
        if not printed:
            continue
        entries.append(Entry(part.caption))
        for doc in printed:
            if doc not in chapters:
                raise ValueError(f"{doc} is in _toc.yml but has no heading in the single page")
            found = chapters[doc]
            entries.append(Entry(found["title"], found["id"], found["index"]))
    return entries


def contents_html(entries: list[Entry], pages: dict[int, int] | None = None) -> str:
    """The contents list; without ``pages`` the numbers are blanks of the same width, so that
    the list is as tall in the first print as in the second."""
    lines = []
    for entry in entries:
        if entry.anchor is None:
            lines.append(f"<li class='pdf-toc-part'>{nowrap(entry.title)}</li>")
            continue
        number = str(pages[entry.heading]) if pages else ""
        lines.append(f"<li class='pdf-toc-chapter'><a href='#{html.escape(entry.anchor)}'>"
                     f"<span class='pdf-toc-title'>{nowrap(entry.title)}</span>"
                     f"<span class='pdf-toc-leader'></span>"
                     f"<span class='pdf-toc-page'>{number}</span></a></li>")
    return "<h2 class='pdf-toc-heading'>Contents</h2><ul class='pdf-toc'>" + "".join(lines) + "</ul>"


def squeezed(text: str) -> str:
    """Text without white space and with one kind of apostrophe, to compare bookmark titles
    (Chromium's lose the spaces where a heading wraps)."""
    return "".join(text.split()).replace("\u2019", "'")


def heading_pages(headings: list[dict[str, Any]], bookmarks: list[tuple[str, int]]) -> list[int]:
    """The page (from 1) of each printed heading, from Chromium's bookmarks, which follow the
    headings in order; ValueError when the two lists do not correspond."""
    if len(headings) != len(bookmarks):
        raise ValueError(f"the PDF has {len(bookmarks)} bookmarks for {len(headings)} headings")
    for heading, (title, _) in zip(headings, bookmarks):
        # Chromium may repeat a heading's words in its bookmark: compare the first and last words.
        words = heading["text"].split() or [""]
        if not (squeezed(title).startswith(squeezed(words[0])) and squeezed(words[-1]) in squeezed(title)):
            raise ValueError(f"the bookmark {title!r} does not match the heading {heading['text']!r}")
    return [page for _, page in bookmarks]


def moved(entries: list[Entry], before: dict[int, int], after: list[int]) -> list[str]:
    """Chapters whose page in the second print is not the one the contents gives."""
    return [f"{entry.title}: contents says page {before[entry.heading]}, printed on page {after[entry.heading]}"
            for entry in entries if entry.anchor is not None and before[entry.heading] != after[entry.heading]]


# --------------------------------------------------------------------------
# Bookmarks and the options, in the printed PDF
# --------------------------------------------------------------------------


def bookmarks(reader) -> list[tuple[str, int]]:
    """Chromium's bookmarks in order: (title, page from 1)."""
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def quiet_pypdf() -> None:
    # Chromium's PDFs make pypdf warn about a trailer size that it then corrects.
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def with_bookmarks(pdf: bytes, headings: list[dict], options: PdfOptions) -> bytes:
    """The PDF with its bookmarks titled by the headings' own text (Chromium's repeat a
    heading's text or lose its spaces where it wraps) and the options it was printed with."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit, NameObject

    quiet_pypdf()
    reader = PdfReader(io.BytesIO(pdf))
    places = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                places.append((reader.get_destination_page_number(item), item.get("/Top")))

    walk(reader.outline)
    writer = PdfWriter(clone_from=reader)
    if "/Outlines" in writer.root_object:
        del writer.root_object["/Outlines"]
    parents: list[tuple[int, object]] = []  # the open bookmarks above the next one: (level, item)
    for heading, (page_number, top) in zip(headings, places):
        while parents and parents[-1][0] >= heading["level"]:
            parents.pop()
        fit = Fit.xyz(left=0, top=float(top)) if top is not None else Fit.fit()
        parent = parents[-1][1] if parents else None
        item = writer.add_outline_item(title=heading["text"], page_number=page_number, parent=parent,
                                       fit=fit, is_open=False)
        parents.append((heading["level"], item))
    writer.root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    writer.add_metadata({**(reader.metadata or {}), OPTIONS_KEY: options.to_json()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def printed_options(pdf_path: Path) -> PdfOptions | None:
    """The options a PDF of an edition was printed with (defaults for one printed before
    they were recorded), or None when there is no PDF."""
    if not Path(pdf_path).is_file():
        return None
    from pypdf import PdfReader

    try:
        recorded = (PdfReader(str(pdf_path)).metadata or {}).get(OPTIONS_KEY)
        return PdfOptions.from_json(str(recorded)) if recorded else PdfOptions()
    except Exception:  # noqa: BLE001 - an unreadable PDF is printed again with the defaults
        return PdfOptions()
