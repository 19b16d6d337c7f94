"""A PDF of one edition, for committee papers, made offline.

``make_pdf(year, area_code, options=PdfOptions(...))`` needs the edition built first
(``python -m analysis build``), because it reuses the staged book with its executed
notebooks in ``stage_root/<area_code>/<year>/``:

1. check that the edition is built and that the staged book is the one that was
   published (a later failed build leaves a different stage behind);
2. build the staged book as one single HTML page with Jupyter Book
   (``--builder singlehtml``, warnings are errors), which runs nothing;
3. make that page ready for paper in headless Chromium (Playwright), with the browser's
   network switched off: a cover, the contents, the appendices left out unless asked for
   (every part of _toc.yml after the first), nothing that only works on screen (code,
   download links, buttons, permalinks), every collapsible open, tables fitted to the
   width of the sheet;
4. print it to A4 twice: the first print says on which page each chapter starts, the
   second has those numbers in the contents and is checked against them
   (``analysis.build.pdf_contents``); bookmarks from the headings, a running header,
   "Page n of N" and a tagged (accessible) PDF structure;
5. write it into the published edition:
   ``site_dir/<area_code>/<year>/analysis-book-<area_code>-<year>.pdf``, with the options
   it was printed with in its metadata (``pdf_contents.printed_options``), so that rebuilding the
   edition, which replaces the published folder, prints it again the same way
   (``analysis.build.pipeline``).

The browser is Debian's Chromium (``apt-get install chromium``), found at
``$ANALYSIS_CHROMIUM``, ``/usr/bin/chromium`` or on the PATH; Playwright's own
browser download is not used.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import yaml

from analysis.assurance.manifest import MANIFEST_NAME
from analysis.build import pdf_contents as contents
from analysis.build.failures import BuildFailed
from analysis.build.jupyterbook import failure_message, run_jupyter_book
from analysis.config import SITE_DIR, STAGE_DIR, check_edition_area
from analysis.periods import ReportYear

CHROMIUM_ENV = "ANALYSIS_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
# Headless, and nothing that phones home: the book must be made and read offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install Debian's Chromium with `apt-get install chromium` (CI's .ci/run does this), "
    f"or point {CHROMIUM_ENV} at a Chromium executable"
)
SINGLEHTML_LOG_NAME = "jupyter-book-singlehtml.log"
SINGLE_PAGE_NAME = "analysis-book.html"

Progress = Callable[[str], None]


class PdfFailed(BuildFailed):
    """The PDF could not be made; the message says why and what to do (exit code 1)."""


# --------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------


def find_chromium() -> str | None:
    """Path of the Chromium executable to drive, or None when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def launch_chromium(playwright, executable: str | None = None):
    """Launch headless Chromium with Playwright; raise PdfFailed when it cannot be found."""
    executable = executable or find_chromium()
    if executable is None:
        raise PdfFailed(f"Chromium is not installed: {INSTALL_HINT}")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - playwright is pinned in requirements.txt
        raise PdfFailed(f"Python Playwright is not installed ({error}): pip install -r requirements.txt") from error
    return sync_playwright()


# --------------------------------------------------------------------------
# 1. Is the edition built?
# --------------------------------------------------------------------------


def pdf_name(area_code: str, year: str) -> str:
    return f"analysis-book-{area_code}-{year}.pdf"


def check_built(year: str, area_code: str, stage_root: Path, site_dir: Path) -> tuple[Path, Path]:
    """The staged book and the published edition; PdfFailed when the edition is not built."""
    build_command = f"python -m analysis build --year {year} --area {area_code} (or make book YEAR={year} AREA={area_code})"
    stage_dir = Path(stage_root) / area_code / year
    published = Path(site_dir) / area_code / year
    if not (published / "index.html").is_file():
        raise PdfFailed(
            f"the {year} edition for {area_code} has not been built: there is no {published / 'index.html'}. "
            f"Build it first with {build_command}"
        )
    staged_manifest = stage_dir / MANIFEST_NAME
    if not (stage_dir / "_config.yml").is_file() or not staged_manifest.is_file():
        raise PdfFailed(
            f"the {year} edition for {area_code} is published but its staged book with the executed "
            f"notebooks is not in {stage_dir} (was _build/stage removed?). Build it again with {build_command}"
        )
    published_manifest = published / MANIFEST_NAME
    if not published_manifest.is_file() or published_manifest.read_bytes() != staged_manifest.read_bytes():
        raise PdfFailed(
            f"the staged book in {stage_dir} is not the edition published in {published} "
            f"(a later build probably failed). Build it again with {build_command}"
        )
    return stage_dir, published


# --------------------------------------------------------------------------
# 2. One HTML page
# --------------------------------------------------------------------------


def singlehtml_log(stage_dir: Path) -> Path:
    # Under the stage's _build/ with Sphinx's other working files, so that it is not
    # taken for part of the edition (python -m analysis verify compares the stage).
    return stage_dir / "_build" / SINGLEHTML_LOG_NAME


def build_single_page(stage_dir: Path) -> Path:
    """Build the staged book as one HTML page; return that page."""
    output = stage_dir / "_build" / "singlehtml"
    if output.exists():
        shutil.rmtree(output)
    log_path = singlehtml_log(stage_dir)
    code, text = run_jupyter_book(stage_dir, log_path, builder="singlehtml")
    page = output / (_root_page(stage_dir) + ".html")
    if code != 0 or not page.is_file():
        raise PdfFailed(failure_message("the single-page HTML", code, text, log_path, "."))
    # Sphinx writes the single page where the root document lives (notebooks/...) but
    # makes its links to _static/ and _downloads/ relative to the output folder: move it there.
    single = output / SINGLE_PAGE_NAME
    if page != single:
        page.replace(single)
    return single


def _root_page(stage_dir: Path) -> str:
    toc = yaml.safe_load((stage_dir / "_toc.yml").read_text(encoding="utf-8")) or {}
    root = str(toc.get("root") or "index")
    return root[: -len(Path(root).suffix)] if Path(root).suffix in (".ipynb", ".md") else root


# --------------------------------------------------------------------------
# 3. Print
# --------------------------------------------------------------------------

# Only for the PDF (the book's own print rules are in book/_static/analysis-book.css).
# The width of the printed text: A4 less the side margins, in CSS pixels (96 to the inch).
PAGE_MARGINS = {"top": "20mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
PRINT_WIDTH_PX = round((210 - 30) / 25.4 * 96)
PDF_CSS = """
@page { size: A4; }
/* The theme's printed title and list of contents are replaced by the cover and the
   numbered contents (analysis.build.pdf_contents). */
#jb-print-docs-body > :not(.pdf-cover):not(.pdf-contents) { display: none !important; }
.pdf-cover { break-after: page; padding-top: 18vh; }
.pdf-cover-who { font-size: 1.35rem; font-weight: 600; margin: 0 0 0.6rem 0; color: #1d1d1d; }
.pdf-cover .pdf-cover-title { display: block !important; font-size: 1.9rem; line-height: 1.25;
  text-align: left !important; margin: 0 0 2.5rem 0; }
.pdf-cover-dates { display: block; font-size: 1.35rem; font-weight: 500; margin-top: 0.4rem; white-space: nowrap; }
.pdf-cover-facts { border-collapse: collapse; font-size: 1rem; margin: 2.5rem 0 2.5rem 0; }
.pdf-cover-facts th { text-align: left; font-weight: 600; padding: 0.25rem 1.5rem 0.25rem 0;
  vertical-align: top; white-space: nowrap; }
.pdf-cover-facts td { padding: 0.25rem 0; }
.pdf-cover-note { font-size: 0.95rem; color: #3d3d3d; max-width: 36em; }
.pdf-contents { break-after: page; }
.pdf-contents .pdf-toc-heading { display: block !important; font-size: 1.6rem; margin: 0 0 1rem 0; }
.pdf-toc { list-style: none; padding: 0; margin: 0; font-size: 1rem; }
.pdf-toc li { margin: 0; line-height: 1.9; }
.pdf-toc-part { font-weight: 600; margin-top: 0.8rem !important; }
.pdf-toc-chapter a { display: flex; align-items: baseline; color: inherit !important;
  text-decoration: none !important; padding-left: 1rem; }
.pdf-toc-title { flex: 0 1 auto; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pdf-toc-leader { flex: 1 1 auto; border-bottom: 1px dotted #6b6b6b; margin: 0 0.4rem; min-width: 1.5rem; }
/* The same width with or without the number, so the list keeps its height between prints. */
.pdf-toc-page { flex: 0 0 2.5em; text-align: right; font-variant-numeric: tabular-nums; }
/* The theme hides every section's first h1 in print (it expects one page per chapter);
   the single page needs its headings. Each chapter starts a new sheet. */
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
.bd-article .toctree-wrapper > section { break-before: page; }
h1, h2, h3, h4, h5, h6 { break-after: avoid; break-inside: avoid; }
figure, .chart, .analysis-tile, img, svg, .table-key { break-inside: avoid; }
/* Headline tiles in smaller type on paper: two rows of them to a sheet rather than one. */
.analysis-tile { font-size: 0.8em; padding: 0.5rem 0.7rem; }
.analysis-tile-figure { font-size: 1.5rem; }
.chart-title, .chart-subtitle, caption, summary { break-after: avoid; }
p { orphans: 3; widows: 3; }
/* Tables fit the width of the sheet: smaller type, words kept whole (the book lets any
   word break, which splits short words in narrow columns); long tokens such as
   fingerprints marked pdf-long-token may break anywhere. */
.bd-main .bd-content table { width: 100% !important; max-width: 100% !important; table-layout: auto; }
.bd-main .bd-content .table-wrapper, .bd-main .bd-content .chart-data { overflow: visible !important; }
.bd-content table.table th, .bd-content table.table td { overflow-wrap: break-word; word-break: normal;
  hyphens: manual; padding: 0.2rem 0.3rem; }
.bd-content table.table td.pdf-long-token { overflow-wrap: anywhere; }
.bd-main .bd-content table.pdf-wide { font-size: 7.5pt; }
.bd-main .bd-content table.pdf-wide th, .bd-main .bd-content table.pdf-wide td { padding: 0.15rem 0.2rem; }
/* Ten columns or more (the register of figures): the smallest type, and any cell may break. */
.bd-main .bd-content table.pdf-widest { font-size: 7pt; }
.bd-content table.pdf-widest td { overflow-wrap: anywhere; }
pre, code { white-space: pre-wrap !important; overflow-wrap: anywhere; }
details > summary { list-style: none; }
details > summary::-webkit-details-marker { display: none; }
"""

# Things that only make sense on a screen. They are removed from the page before printing
# (not only hidden), so that neither the text nor the tagged structure has them.
SCREEN_ONLY = ", ".join([
    ".headerlink", ".skip-link", "#pst-skip-link", "details.admonition.hide", ".analysis-code",
    ".cell_input", "button", ".search-button-field", ".bd-search", ".theme-switch-button",
    ".bd-header", ".bd-header-article", ".bd-sidebar-primary", ".bd-sidebar-secondary",
    ".prev-next-area", ".bd-footer", ".bd-footer-article", ".bd-footer-content", ".header-article-items",
    ".dropdown-download-buttons", ".article-header-buttons",
    ".screen-only",  # text a page marks as being about the screen (<span class="screen-only">)
])
# Sentences that tell a reader to press or open something on screen. A sentence with a
# download link goes too; other mentions of downloading are ordinary words and stay.
SCREEN_ONLY_WORDS = r"\b(toggle|click|tap|press)\b"

_PREPARE_SCRIPT = r"""({dropped, cover, screenOnly, screenWords}) => {
  const article = document.querySelector('article.bd-article');
  if (!article) throw new Error('the single page has no article');
  // The appendices left out: each document is a marker and the section after it.
  for (const doc of dropped) {
    const mark = document.getElementById('document-' + doc);
    if (!mark) throw new Error('the single page has no document ' + doc);
    const section = mark.nextElementSibling;
    if (section && section.tagName === 'SECTION') section.remove();
    mark.remove();
  }
  document.querySelectorAll('.toctree-wrapper').forEach(w => { if (!w.querySelector('section')) w.remove(); });
  // Sentences about downloading or pressing things: the whole paragraph when every
  // sentence is such, otherwise only those sentences.
  const words = new RegExp(screenWords, 'i');
  for (const p of [...article.querySelectorAll('p')]) {
    const links = [...p.querySelectorAll('a[download]')];
    if (!links.length && !words.test(p.textContent)) continue;
    const nodes = [], walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let text = '';
    while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
    const at = (offset) => {
      for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
      return [nodes[0][0], 0];
    };
    // A sentence ends at a full stop followed by a space (not the one in "figures.csv").
    const sentences = [...text.matchAll(/\S[\s\S]*?(?:[.!?](?=\s|$)|$)/g)];
    const ranges = sentences.map(m => {
      const range = document.createRange();
      const [a, ao] = at(m.index), [b, bo] = at(m.index + m[0].length);
      range.setStart(a, ao); range.setEnd(b, Math.min(bo, b.data.length));
      return [range, words.test(m[0]) || links.some(l => range.intersectsNode(l))];
    });
    if (ranges.every(([, screen]) => screen)) { p.remove(); continue; }
    ranges.reverse().forEach(([range, screen]) => { if (screen) range.deleteContents(); });
  }
  document.querySelectorAll(screenOnly + ', a[download]').forEach(e => e.remove());
  // On paper every collapsible is open (tables of numbers, notes, definitions) but the
  // sources of the figures, which the book prints only when a reader opened them; a
  // summary that only said "show" goes.
  document.querySelectorAll('details:not(.sources)').forEach(d => {
    d.open = true;
    const summary = d.querySelector(':scope > summary');
    if (summary && words.test(summary.textContent)) summary.remove();
  });
  // A report year (2024-25) is never split across lines.
  const years = /\b\d{4}-\d{2}\b/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) if (years.test(walker.currentNode.data)) found.push(walker.currentNode);
  for (const node of found) {
    if (node.parentElement.closest('script, style, pre')) continue;
    const parts = node.data.split(/(\b\d{4}-\d{2}\b)/);
    const fragment = document.createDocumentFragment();
    parts.forEach((part, i) => {
      if (i % 2) { const s = document.createElement('span'); s.style.whiteSpace = 'nowrap'; s.textContent = part; fragment.append(s); }
      else if (part) fragment.append(part);
    });
    node.replaceWith(fragment);
  }
  // Tables: many columns print in smaller type; long tokens may break anywhere.
  article.querySelectorAll('table').forEach(t => {
    const columns = Math.max(0, ...[...t.rows].map(r => r.cells.length));
    if (columns >= 7) t.classList.add('pdf-wide');
    if (columns >= 10) t.classList.add('pdf-widest');
    t.querySelectorAll('td').forEach(td => {
      // Identifiers and paths (children_population, national/x.csv) may break after _ or /.
      const texts = [], cells = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      while (cells.nextNode()) if (/[_\/]\S{3}/.test(cells.currentNode.data)) texts.push(cells.currentNode);
      for (const node of texts) {
        const fragment = document.createDocumentFragment();
        node.data.split(/(?<=[_\/])/).forEach((piece, i) => {
          if (i) fragment.append(document.createElement('wbr'));
          fragment.append(piece);
        });
        node.replaceWith(fragment);
      }
      if (td.textContent.split(/[\s_\/]+/).some(w => w.length > 20)) td.classList.add('pdf-long-token');
    });
  });
  // Cover and contents in place of the theme's printed title and contents.
  const front = document.getElementById('jb-print-docs-body');
  if (!front) throw new Error('the single page has no #jb-print-docs-body');
  const box = document.createElement('section');
  box.className = 'pdf-cover';
  box.innerHTML = cover;
  const contents = document.createElement('nav');
  contents.className = 'pdf-contents';
  contents.setAttribute('aria-label', 'Contents');
  contents.innerHTML = "<h2 class='pdf-toc-heading'>Contents</h2>";  // filled in later
  front.replaceChildren(box, contents);
  // The headings Chromium makes bookmarks of, in order, and each document's first one.
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible);
  const clean = (h) => {  // the heading's own words, without its permalink
    const copy = h.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach(e => e.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim();
  };
  const index = (h) => headings.indexOf(h);
  const first = (root) => [...root.querySelectorAll('h1, h2, h3, h4, h5, h6')].find(visible);
  const chapters = {};
  document.querySelectorAll('span[id^="document-"]').forEach(mark => {
    const h = mark.nextElementSibling && first(mark.nextElementSibling);
    if (h) chapters[mark.id.slice('document-'.length)] = {title: clean(h), id: h.closest('section').id, index: index(h)};
  });
  const top = first(article);
  return {
    headings: headings.map(h => ({level: Number(h.tagName[1]), text: clean(h)})),
    root: {title: clean(top), id: top.closest('section').id, index: index(top)},
    chapters,
  };
}"""

_CONTENTS_SCRIPT = """(html) => { document.querySelector('.pdf-contents').innerHTML = html; }"""


def header_template(title: str) -> str:
    return ('<div style="font-size:8pt;color:#3d3d3d;width:100%;padding:0 15mm;'
            'font-family:DejaVu Sans,Arial,sans-serif">' + contents.nowrap(title) + "</div>")


FOOTER_TEMPLATE = (
    '<div style="font-size:8pt;color:#3d3d3d;width:100%;padding:0 15mm;text-align:right;'
    'font-family:DejaVu Sans,Arial,sans-serif">Page <span class="pageNumber"></span> of '
    '<span class="totalPages"></span></div>'
)


def print_pdf(page_path: Path, pdf_path: Path, *, title: str, cover: str, parts: list[contents.Part],
              options: contents.PdfOptions, executable: str | None = None) -> int:
    """Print ``page_path`` (a local HTML file) to ``pdf_path``; return the PDF's size in bytes.

    Playwright runs in a thread of its own, so that this works wherever it is called
    from (a notebook's event loop, or a program already driving a browser)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis-pdf") as pool:
        return pool.submit(_print_pdf, page_path, pdf_path, title=title, cover=cover, parts=parts,
                           options=options, executable=executable).result()


def open_for_print(browser, page_path: Path, *, cover: str, dropped: list[str]):
    """A page of ``browser`` with the single page made ready to print (print media, cover,
    appendices left out, nothing screen-only); returns the page, what the preparation found
    and the lists of remote and failed requests."""
    refused: list[str] = []
    failed: list[str] = []

    def note_remote(request):
        if not request.url.startswith(("file:", "data:", "blob:", "about:")):
            refused.append(request.url)

    def note_failure(request):
        # The single page has no search index; anything else missing (a stylesheet, a
        # picture) would spoil the PDF.
        if request.url.startswith("file:") and not request.url.endswith("/searchindex.js"):
            failed.append(f"{request.url} ({request.failure})")

    # offline: the network is switched off, so nothing can be fetched from elsewhere.
    context = browser.new_context(color_scheme="light", offline=True,
                                  viewport={"width": PRINT_WIDTH_PX, "height": 1000})
    page = context.new_page()
    page.on("request", note_remote)
    page.on("requestfailed", note_failure)
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.add_style_tag(content=PDF_CSS)
    page.emulate_media(media="print")
    found = page.evaluate(_PREPARE_SCRIPT, {"dropped": dropped, "cover": cover, "screenOnly": SCREEN_ONLY,
                                            "screenWords": SCREEN_ONLY_WORDS})
    return page, found, refused, failed


def _pages_of_headings(pdf: bytes, headings: list[dict]) -> list[int]:
    from pypdf import PdfReader

    contents.quiet_pypdf()
    try:
        return contents.heading_pages(headings, contents.bookmarks(PdfReader(io.BytesIO(pdf))))
    except ValueError as error:
        raise PdfFailed(f"could not tell on which page each chapter is printed: {error}") from error


def _print(page, title: str) -> bytes:
    return page.pdf(format="A4", print_background=True, margin=PAGE_MARGINS, display_header_footer=True,
                    header_template=header_template(title), footer_template=FOOTER_TEMPLATE,
                    outline=True, tagged=True)


def _print_pdf(page_path: Path, pdf_path: Path, *, title: str, cover: str, parts: list[contents.Part],
               options: contents.PdfOptions, executable: str | None = None) -> int:
    dropped = contents.left_out(parts, options)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = pdf_path.with_name(f".{pdf_path.name}.tmp")
    with _sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        try:
            page, found, refused, failed = open_for_print(browser, page_path, cover=cover, dropped=dropped)
            page.evaluate("(title) => { document.title = title; }", title)
            try:
                entries = contents.contents_entries(found["root"], parts, found["chapters"], dropped)
            except ValueError as error:
                raise PdfFailed(f"could not make the contents of {page_path}: {error}") from error
            # Print once to learn the pages, write them into the contents, print again.
            page.evaluate(_CONTENTS_SCRIPT, contents.contents_html(entries))
            first = _pages_of_headings(_print(page, title), found["headings"])
            numbers = {entry.heading: first[entry.heading] for entry in entries if entry.anchor}
            page.evaluate(_CONTENTS_SCRIPT, contents.contents_html(entries, numbers))
            final = _print(page, title)
            shifted = contents.moved(entries, numbers, _pages_of_headings(final, found["headings"]))
            if shifted:
                raise PdfFailed("the page numbers in the contents moved between the two prints: "
                                + "; ".join(shifted))
        finally:
            browser.close()
    if refused or failed:
        problems = [f"asked for {url} from another site (the PDF must be made offline)"
                    for url in sorted(set(refused))]
        problems += [f"could not load {item}" for item in failed]
        raise PdfFailed(f"printing {page_path} failed; the page " + "; ".join(problems))
    temporary.write_bytes(contents.with_bookmarks(final, found["headings"], options))
    temporary.replace(pdf_path)
    return pdf_path.stat().st_size


# --------------------------------------------------------------------------
# The whole thing
# --------------------------------------------------------------------------


def make_pdf(year: str, area_code: str, *, stage_root: Path = STAGE_DIR, site_dir: Path = SITE_DIR,
             options: contents.PdfOptions | None = None, progress: Progress | None = print) -> Path:
    """Make the PDF of a built edition; return its path. Raises PdfFailed or ParameterError.

    ``options``: the appendices or not (default: not) and the committee date (default: none)."""
    progress = progress or (lambda message: None)
    options = options or contents.PdfOptions()
    year = ReportYear.parse(year).label
    area_code = check_edition_area(area_code)
    if options.committee_date:
        contents.parse_committee_date(options.committee_date)
    started = time.perf_counter()
    stage_dir, published = check_built(year, area_code, Path(stage_root), Path(site_dir))
    executable = find_chromium()
    if executable is None:
        raise PdfFailed(f"Chromium is needed to print the PDF and is not installed: {INSTALL_HINT}")
    progress(f"Building the single-page HTML of {area_code} {year} (log: {singlehtml_log(stage_dir)})")
    page = build_single_page(stage_dir)
    manifest = json.loads((stage_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    config = yaml.safe_load((stage_dir / "_config.yml").read_text(encoding="utf-8")) or {}
    book_title = str(manifest.get("title") or config.get("title") or f"Analysis book {year}")
    area_name = (manifest.get("parameters") or {}).get("area_name")
    title = f"{area_name}: {book_title}" if area_name and area_name not in book_title else book_title
    _, parts = contents.read_toc_parts(stage_dir)
    cover = contents.cover_html(title, manifest, options, dt.date.today())
    pdf_path = published / pdf_name(area_code, year)
    what = "with the appendices" if options.appendices else "without the appendices"
    progress(f"Printing it {what} with Chromium ({executable})")
    size = print_pdf(page, pdf_path, title=title, cover=cover, parts=parts, options=options,
                     executable=executable)
    progress(f"Wrote the PDF ({size / 1_000_000:.1f} MB) in {time.perf_counter() - started:.1f} s: {pdf_path}")
    return pdf_path
