"""Shared machinery for the tests that read the built book in a real browser (the
session's Camden 2024-25 edition, ``camden_edition`` in tests/conftest.py).

* ``serve``: the site on http://127.0.0.1:<free port>/ (``http.server``);
* ``launch``: Debian's Chromium driven by Python Playwright, or a skip saying
  how to install it (a failure instead when CI=true: CI must run these tests);
* ``visit``: open one page, record everything that goes wrong while it is open
  (console errors, script errors, failed or refused requests, requests to any
  other host), and audit it: images, charts, links, axe-core (WCAG 2.2 AA, in
  the light and the dark theme) and a phone-sized screen.
"""
from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from analysis.build.pdf import CHROMIUM_ARGS, INSTALL_HINT, find_chromium
from analysis.build.stage import PAGE_SUFFIXES, toc_files
from analysis.config import PROJECT_ROOT

YEAR = "2024-25"
AREA = "E09000007"
EDITION = f"{AREA}/{YEAR}"
SCREENSHOT_DIR = PROJECT_ROOT / "_build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# WCAG 2.2 level A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# The dark theme changes colours only, so in it only the colour rules are run again.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
LOCAL_SCHEMES = ("data:", "blob:", "about:")
# How long after it loaded a page is watched before axe-core runs: as long as Playwright's
# "networkidle" waits for the network to be quiet.
QUIET_SECONDS = 0.5


# --------------------------------------------------------------------------
# Pages of the edition (known before anything is built, so tests can be
# parametrized by page)
# --------------------------------------------------------------------------


def edition_pages() -> list[str]:
    """Every HTML page of an edition, relative to its folder: the book's pages in
    table-of-contents order, then the redirecting index, search and general index."""
    entries, _ = toc_files(PROJECT_ROOT / "_toc.yml")
    pages = []
    for entry in entries:
        suffix = Path(entry).suffix
        stem = entry[: -len(suffix)] if suffix in PAGE_SUFFIXES else entry
        pages.append(f"{stem}.html")
    return pages + ["index.html", "search.html", "genindex.html"]


FRONT_PAGE = edition_pages()[0]  # the root of _toc.yml (index.html redirects to it)
SECTION_PAGE = "notebooks/02_front_door.html"


# --------------------------------------------------------------------------
# The local server
# --------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


class Server:
    """``python -m http.server`` for ``folder`` on 127.0.0.1, on a free port, in a thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------


def chromium_or_skip() -> str:
    executable = find_chromium()
    if executable is None:
        reason = f"Chromium is not installed, so the browser tests cannot run: {INSTALL_HINT}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: the browser tests must run in CI)")
        pytest.skip(reason)
    return executable


def axe_source() -> str:
    """axe-core's axe.min.js, as shipped by the pinned axe-playwright-python package."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, blocking_only: bool = True, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page as it is now: the WCAG 2.2 A and AA rules, or only ``rules``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    result = page.evaluate(
        "(runOnly) => axe.run(document, {runOnly: runOnly, resultTypes: ['violations']})", run_only,
    )
    violations = result["violations"]
    if blocking_only:
        violations = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    return violations


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {node['target']} {node['html'][:160]!r}: {summary[:300]}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# One visit to one page
# --------------------------------------------------------------------------

# Facts about the page's content, gathered in the page after its scripts ran.
_FACTS_SCRIPT = """() => {
  const text = (el) => (el.textContent || '').replace(/\\s+/g, ' ').trim();
  const images = [...document.images].map((img) => ({
    src: img.currentSrc.slice(0, 80), alt: img.getAttribute('alt'),
    loaded: img.complete && img.naturalWidth > 0,
    hidden: !img.getClientRects().length,
  }));
  const charts = [...document.querySelectorAll('figure.chart')].map((figure) => {
    const details = figure.nextElementSibling;
    const isData = !!details && details.matches('details.chart-data');
    const table = isData ? details.querySelector('table') : null;
    const csv = isData ? details.querySelector('a[download][href^="data:text/csv"]') : null;
    const csvText = csv ? decodeURIComponent(csv.getAttribute('href').slice(csv.getAttribute('href').indexOf(',') + 1)) : '';
    const img = figure.querySelector('img');
    return {
      id: figure.id, title: text(figure.querySelector('.chart-title') || figure),
      alt: img ? (img.getAttribute('alt') || '').trim() : null,
      hasDataDetails: isData, open: isData && details.open,
      rows: table ? table.querySelectorAll('tbody tr').length : 0,
      caption: table && table.caption ? text(table.caption) : '',
      headers: table ? [...table.querySelectorAll('thead th')].map(text) : [],
      csv: !!csv, csvRows: csvText.trim() ? csvText.trim().split('\\n').length - 1 : 0,
    };
  });
  const links = [...document.querySelectorAll('a[href]')].map((a) => ({
    href: a.href, raw: a.getAttribute('href'), text: text(a).slice(0, 60),
  }));
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id)
    .concat([...document.querySelectorAll('a[name]')].map((el) => el.getAttribute('name')));
  const h1 = [...document.querySelectorAll('main h1, article h1')].map(text);
  const main = document.querySelector('main') || document.body;
  const linked = [...document.querySelectorAll('link[rel~="stylesheet"]')];
  return {title: document.title, lang: document.documentElement.lang, images, charts, links, ids, h1,
          linkedStylesheets: linked.map((link) => link.getAttribute('href')),
          unloadedStylesheets: linked.filter((link) => !link.sheet).map((link) => link.getAttribute('href')),
          text: main.innerText};
}"""

_OVERFLOW_SCRIPT = """() => {
  const root = document.scrollingElement;
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const wide = [];
  if (article) {
    const limit = article.getBoundingClientRect().right + 1;
    for (const el of article.querySelectorAll('p, li, h1, h2, h3, h4, figure, img, details > summary')) {
      const box = el.getBoundingClientRect();
      if (box.width && box.right > Math.max(limit, root.clientWidth) + 1) {
        wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ': ' +
                  (el.textContent || '').trim().slice(0, 50));
      }
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
          articleScrollWidth: article ? article.scrollWidth : 0,
          articleClientWidth: article ? article.clientWidth : 0, wide: wide.slice(0, 10)};
}"""


@dataclass
class PageReport:
    """What happened when one page was opened, and what it contains."""

    path: str
    url: str
    final_url: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    axe_light: list[dict] = field(default_factory=list)
    axe_dark: list[dict] = field(default_factory=list)
    phone: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def load_problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"script error: {m}" for m in self.page_errors]
                + [f"failed request: {m}" for m in self.failed_requests]
                + [f"request to another host: {m}" for m in self.foreign_requests])


class Recorder:
    """Listens to one browser page and sorts what it sees into a PageReport."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.report: PageReport | None = None
        self.listening = False
        page.on("console", self._console)
        page.on("pageerror", self._page_error)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("request", self._request)

    def start(self, report: PageReport) -> None:
        self.report, self.listening = report, True

    def stop(self) -> None:
        self.listening = False

    @contextlib.contextmanager
    def paused(self):
        """Not listening for a while (to what the audit's own scripts do)."""
        self.listening = False
        try:
            yield
        finally:
            self.listening = True

    def _console(self, message) -> None:
        if self.listening and message.type == "error":
            location = message.location or {}
            where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location else ""
            self.report.console_errors.append(message.text + where)

    def _page_error(self, error) -> None:
        if self.listening:
            self.report.page_errors.append(str(error))

    def _request_failed(self, request) -> None:
        if self.listening and self._is_local(request.url):
            self.report.failed_requests.append(f"{request.url} ({request.failure})")

    def _response(self, response) -> None:
        if self.listening and response.status >= 400:
            self.report.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def _request(self, request) -> None:
        if self.listening and not self._is_local(request.url):
            self.report.foreign_requests.append(request.url)

    def _is_local(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url.startswith(LOCAL_SCHEMES) or url.startswith("file:")


def refuse_other_hosts(context, origin: str) -> None:
    """Nothing leaves the machine: requests to any other host are aborted (and recorded
    by the Recorder as requests to another host)."""

    def handle(route):
        url = route.request.url
        if url.startswith(origin + "/") or url.startswith(LOCAL_SCHEMES) or url.startswith("file:"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", handle)


def settle(page) -> None:
    """Wait until the page has loaded and the network is quiet."""
    page.wait_for_load_state("load")
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:  # noqa: BLE001 - a page that never goes quiet is still audited
        pass


def laid_out(page) -> None:
    """Wait until the page has loaded and its web fonts are in: enough to measure or read what
    the page shows. (The edition's pages load everything they show with the page itself, charts
    included; waiting for the network to be quiet as well, as ``settle`` does, adds half a
    second to every page.)"""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")


def finish_animations(page, timeout_ms: int = 3000) -> None:
    """Wait until the page's CSS animations and transitions have run (at most ``timeout_ms``)."""
    page.evaluate(
        """(timeout) => Promise.race([
             Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))),
             new Promise((resolve) => setTimeout(resolve, timeout)),
           ]).then(() => true)""",
        timeout_ms,
    )


def visit(page, recorder: Recorder, origin: str, path: str, *, screenshot_name: str | None = None
          ) -> PageReport:
    """Open one page of the edition and audit it (see the module docstring)."""
    started = time.perf_counter()
    url = f"{origin}/{EDITION}/{path}"
    report = PageReport(path=path, url=url)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    # What the page does is recorded until the audit of it ends, a second or more after it loaded,
    # so a request it makes late (to another host, or for a file that is missing) is caught. The
    # audit starts at once, rather than after waiting for the network to be quiet for half a second
    # (``settle``); but axe-core does not run before that half second is over, and nothing is
    # recorded while it runs: axe reads the stylesheets again itself, and resolves an @import
    # against the page rather than the stylesheet.
    recorder.start(report)
    page.goto(url, wait_until="load")
    if path == "index.html":  # a meta refresh to the root page
        page.wait_for_url(lambda current: not current.endswith("/index.html"), timeout=10000)
    loaded = time.perf_counter()
    laid_out(page)
    report.final_url = page.url
    # What the reader sees first, before anything is opened.
    if screenshot_name:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{screenshot_name}-desktop.png"), full_page=True)
    # Open the code toggles and the sources, so that the audit covers them too
    # (once their opening animation is over: mid-fade text has too little contrast).
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    finish_animations(page)
    report.facts = page.evaluate(_FACTS_SCRIPT)
    page.wait_for_timeout(max(0.0, QUIET_SECONDS - (time.perf_counter() - loaded)) * 1000)
    with recorder.paused():
        report.axe_light = axe_violations(page)
    page.emulate_media(color_scheme="dark")  # the theme follows the reader's preference ("auto")
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'", timeout=5000)
    finish_animations(page)
    with recorder.paused():
        report.axe_dark = axe_violations(page, rules=COLOUR_RULES)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(PHONE)
    page.evaluate("() => document.querySelectorAll('details:not(.chart-data)').forEach((d) => { d.open = false; })")
    page.wait_for_timeout(100)
    report.phone = page.evaluate(_OVERFLOW_SCRIPT)
    if screenshot_name:
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOT_DIR / f"{screenshot_name}-phone.png"), full_page=False)
    recorder.stop()
    report.seconds = time.perf_counter() - started
    return report


def audit_pages(paths: list[str], origin: str, executable: str, screenshots: dict[str, str],
                workers: int | None = None) -> dict[str, PageReport]:
    """``visit`` every page, in ``workers`` browsers at once (one thread and one
    Playwright each; default: $ANALYSIS_BROWSER_WORKERS or up to 2, one per CPU). Each browser
    takes the next page not yet taken, in the order of ``paths``: put the longest first, so that
    no browser is left with a long page at the end while the others have nothing to do."""
    import queue
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    if workers is None:
        workers = int(os.environ.get("ANALYSIS_BROWSER_WORKERS") or min(2, os.cpu_count() or 1))
    workers = max(1, min(workers, len(paths)))

    waiting: queue.SimpleQueue[str] = queue.SimpleQueue()
    for path in paths:
        waiting.put(path)

    def run(_: int) -> dict[str, PageReport]:
        visited = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport=DESKTOP)
                refuse_other_hosts(context, origin)
                page = context.new_page()
                recorder = Recorder(page, origin)
                while True:
                    try:
                        path = waiting.get_nowait()
                    except queue.Empty:
                        return visited
                    visited[path] = visit(page, recorder, origin, path, screenshot_name=screenshots.get(path))
            finally:
                browser.close()

    results: dict[str, PageReport] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(run, range(workers)):
            results.update(done)
    return {path: results[path] for path in paths}


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------


def broken_links(reports: dict[str, PageReport], site_dir: Path, origin: str) -> list[str]:
    """Every link on the visited pages that points into the site must reach a file, and
    its #anchor an element with that id (in the page as the browser built it, or for
    pages not visited, in the HTML file)."""
    from bs4 import BeautifulSoup

    ids_by_path = {f"/{EDITION}/{path}": set(report.facts.get("ids", []))
                   for path, report in reports.items() if path != "index.html"}
    file_ids: dict[str, set[str]] = {}
    problems = []
    for path, report in reports.items():
        for link in report.facts.get("links", []):
            href = link["href"]
            if href.startswith("data:"):
                if not href.startswith("data:text/csv"):
                    problems.append(f"{path}: link {link['raw']!r} is a data: link that is not CSV")
                continue
            if not href.startswith(origin + "/"):
                continue  # mailto:, or a page on another site (not fetched: the tests are offline)
            address, fragment = urldefrag(href)
            target_path = urlsplit(address).path
            target = site_dir / target_path.lstrip("/")
            if target.is_dir():
                target = target / "index.html"
                target_path = target_path.rstrip("/") + "/index.html"
            if not target.is_file():
                problems.append(f"{path}: link {link['raw']!r} ({link['text']!r}) leads to a missing file {target_path}")
                continue
            if not fragment:
                continue
            ids = ids_by_path.get(target_path)
            if ids is None and target.suffix == ".html":
                if target_path not in file_ids:
                    soup = BeautifulSoup(target.read_text(encoding="utf-8", errors="replace"), "lxml")
                    file_ids[target_path] = {el["id"] for el in soup.select("[id]")} | {
                        el["name"] for el in soup.select("a[name]")}
                ids = file_ids[target_path]
            if ids is not None and fragment not in ids:
                problems.append(f"{path}: link {link['raw']!r} ({link['text']!r}) points to #{fragment}, "
                                f"which is not on {target_path}")
    return sorted(set(problems))
