"""A PDF of one edition, for committee papers, made offline.

``make_pdf(year, area_code)`` needs the edition built first (``python -m
analysis build``), because it reuses the staged book with its executed
notebooks in ``stage_root/<area_code>/<year>/``:

1. check that the edition is built and that the staged book is the one that was
   published (a later failed build leaves a different stage behind);
2. build the staged book as one single HTML page with Jupyter Book
   (``--builder singlehtml``, warnings are errors), which runs nothing;
3. print that page to an A4 PDF with headless Chromium (Playwright), with a
   cover, page numbers, bookmarks from the headings and a tagged (accessible)
   PDF structure, with the browser's network switched off;
4. write it into the published edition:
   ``site_dir/<area_code>/<year>/analysis-book-<area_code>-<year>.pdf``.

Rebuilding the edition replaces the published folder, PDF included, so a PDF
never outlives the HTML it was printed from: make it again after each build.

The browser is Debian's Chromium (``apt-get install chromium``), found at
``$ANALYSIS_CHROMIUM``, ``/usr/bin/chromium`` or on the PATH; Playwright's own
browser download is not used.
"""
from __future__ import annotations

import html
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import yaml

from analysis.assurance.manifest import MANIFEST_NAME
from analysis.build.failures import BuildFailed
from analysis.build.jupyterbook import failure_message, run_jupyter_book
from analysis.config import SITE_DIR, STAGE_DIR, check_area_code
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
# The first sheet is a cover: the edition's title and provenance above the theme's
# printed list of contents; then each chapter of the single page starts a new sheet.
# The theme hides every section's first h1 in print (it expects one page per
# chapter with the title printed separately); the single page needs its headings.
PDF_CSS = """
@page { size: A4; }
#jb-print-docs-body { break-after: page; }
#jb-print-docs-body > h1 { display: none !important; }
.pdf-cover { padding-top: 8vh; margin-bottom: 2rem; }
#jb-print-toc li { margin: 0; line-height: 1.35; }
#jb-print-toc .caption { margin: 0.6rem 0 0.2rem 0; }
.pdf-cover h1 { display: block !important; font-size: 2rem; text-align: left; margin: 0 0 1rem 0; }
.pdf-cover p { font-size: 1.05rem; color: #3d3d3d; }
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
.bd-article .toctree-wrapper > section { break-before: page; }
"""

_COVER_SCRIPT = """(cover) => {
  const box = document.createElement('section');
  box.className = 'pdf-cover';
  box.innerHTML = cover;
  const front = document.getElementById('jb-print-docs-body');
  if (front) {
    front.insertBefore(box, front.firstChild);
  } else {
    const article = document.querySelector('article.bd-article') || document.body;
    article.insertBefore(box, article.firstChild);
  }
}"""


def _cover_html(title: str, manifest: dict) -> str:
    parameters = manifest.get("parameters") or {}
    area = parameters.get("area_name") or parameters.get("area_code") or ""
    year = parameters.get("year") or ""
    lines = [f"<h1>{html.escape(title)}</h1>"]
    if area or year:
        text = f"{area} {year}".strip()
        try:
            span = ReportYear.parse(year)
            text += f": 1 April {span.start} to 31 March {span.start + 1}"
        except Exception:  # noqa: BLE001 - the cover is still useful without the dates
            pass
        lines.append(f"<p>{html.escape(text)}</p>")
    built = (manifest.get("build_started_utc") or "")[:10]
    commit = ((manifest.get("git") or {}).get("commit") or "")[:12]
    detail = ", ".join(part for part in (f"built {built}" if built else "",
                                         f"commit {commit}" if commit else "") if part)
    if detail:
        lines.append(f"<p>Printed from the analysis book ({html.escape(detail)}). Every figure is "
                     "computed from the data; the run manifest and the register of figures say "
                     "where each one came from.</p>")
    return "\n".join(lines)


def print_pdf(page_path: Path, pdf_path: Path, *, title: str, cover: str,
              executable: str | None = None) -> int:
    """Print ``page_path`` (a local HTML file) to ``pdf_path``; return the PDF's size in bytes.

    Playwright runs in a thread of its own, so that this works wherever it is called
    from (a notebook's event loop, or a program already driving a browser)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis-pdf") as pool:
        return pool.submit(_print_pdf, page_path, pdf_path, title=title, cover=cover,
                           executable=executable).result()


def _print_pdf(page_path: Path, pdf_path: Path, *, title: str, cover: str,
               executable: str | None = None) -> int:
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

    header = (
        '<div style="font-size:8pt;color:#3d3d3d;width:100%;padding:0 15mm;'
        'font-family:DejaVu Sans,Arial,sans-serif">' + html.escape(title) + "</div>"
    )
    footer = (
        '<div style="font-size:8pt;color:#3d3d3d;width:100%;padding:0 15mm;text-align:right;'
        'font-family:DejaVu Sans,Arial,sans-serif">Page <span class="pageNumber"></span> of '
        '<span class="totalPages"></span></div>'
    )
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = pdf_path.with_name(f".{pdf_path.name}.tmp")
    with _sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        try:
            # offline: the network is switched off, so nothing can be fetched from elsewhere.
            context = browser.new_context(color_scheme="light", offline=True)
            page = context.new_page()
            page.on("request", note_remote)
            page.on("requestfailed", note_failure)
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            page.add_style_tag(content=PDF_CSS)
            page.evaluate(_COVER_SCRIPT, cover)
            page.evaluate("(title) => { document.title = title; }", title)
            page.emulate_media(media="print")
            page.pdf(path=str(temporary), format="A4", print_background=True,
                     margin={"top": "20mm", "bottom": "20mm", "left": "15mm", "right": "15mm"},
                     display_header_footer=True, header_template=header, footer_template=footer,
                     outline=True, tagged=True)
        finally:
            browser.close()
    if refused or failed:
        temporary.unlink(missing_ok=True)
        problems = [f"asked for {url} from another site (the PDF must be made offline)"
                    for url in sorted(set(refused))]
        problems += [f"could not load {item}" for item in failed]
        raise PdfFailed(f"printing {page_path} failed; the page " + "; ".join(problems))
    temporary.replace(pdf_path)
    return pdf_path.stat().st_size


# --------------------------------------------------------------------------
# The whole thing
# --------------------------------------------------------------------------


def make_pdf(year: str, area_code: str, *, stage_root: Path = STAGE_DIR, site_dir: Path = SITE_DIR,
             progress: Progress | None = print) -> Path:
    """Make the PDF of a built edition; return its path. Raises PdfFailed or ParameterError."""
    progress = progress or (lambda message: None)
    year = ReportYear.parse(year).label
    area_code = check_area_code(area_code)
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
    pdf_path = published / pdf_name(area_code, year)
    progress(f"Printing it with Chromium ({executable})")
    size = print_pdf(page, pdf_path, title=title, cover=_cover_html(book_title, manifest), executable=executable)
    progress(f"Wrote the PDF ({size / 1_000_000:.1f} MB) in {time.perf_counter() - started:.1f} s: {pdf_path}")
    return pdf_path
