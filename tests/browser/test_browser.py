"""The built book in a real browser: Debian's Chromium driven by Python Playwright.

The session's Camden 2024-25 edition (``camden_edition``, tests/conftest.py) is served on
127.0.0.1 by ``http.server``, and every page is opened once, in a browser that
refuses any request to another host. Each visit records what went wrong while
the page loaded and audits it (axe-core, WCAG 2.2 AA, light and dark theme; a
phone-sized screen); the tests below then check those records page by page.
Screenshots of the front page and a section go to _build/screenshots/.

Without Chromium these tests are skipped with the reason; with CI=true they fail.
"""
from __future__ import annotations

import csv
import time

import pytest
from bs4 import BeautifulSoup

from analysis.config import DataPaths
from browser_support import (EDITION, FRONT_PAGE, PHONE, SCREENSHOT_DIR, SECTION_PAGE, PageReport,
                             Recorder, Server, audit_pages, axe_violations, broken_links,
                             describe_violations, edition_pages, refuse_other_hosts, settle)

PAGES = edition_pages()


def _file_soup(camden_edition, path: str) -> BeautifulSoup:
    """The page's HTML as published (index.html redirects to the front page)."""
    page = FRONT_PAGE if path == "index.html" else path
    return BeautifulSoup((camden_edition.html_dir / page).read_text(encoding="utf-8"), "lxml")


def _linked_stylesheets(soup: BeautifulSoup) -> list[str]:
    return [link["href"] for link in soup.find_all("link", rel="stylesheet")]


# --------------------------------------------------------------------------
# Fixtures: one build, one server, one browser, one visit per page
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(camden_edition):
    server = Server(camden_edition.site_index.parent)
    yield server
    server.close()


@pytest.fixture(scope="session")
def reports(chromium_path, server, camden_edition):
    """Every page of the edition, opened once and audited: {page: PageReport}."""
    screenshots = {FRONT_PAGE: "front-page", SECTION_PAGE: "section-front-door"}
    started = time.perf_counter()
    edition = camden_edition.html_dir
    longest_first = sorted(PAGES, key=lambda path: (edition / path).stat().st_size, reverse=True)
    results = audit_pages(longest_first, server.origin, chromium_path, screenshots)
    print(f"\nopened and audited {len(results)} pages in {time.perf_counter() - started:.1f} s")
    return results


@pytest.fixture
def fresh_page(browser, server):
    context = browser.new_context()
    refuse_other_hosts(context, server.origin)
    page = context.new_page()
    yield page, Recorder(page, server.origin)
    context.close()


# --------------------------------------------------------------------------
# Every page, in the browser
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors_or_requests_to_other_hosts(reports, camden_edition, path):
    report = reports[path]
    assert not report.load_problems, f"{path}:\n" + "\n".join(report.load_problems)
    # Every stylesheet the published file links to is linked in the browser too, and loaded.
    expected = _linked_stylesheets(_file_soup(camden_edition, path))
    assert expected and report.facts["linkedStylesheets"] == expected, f"{path}: {report.facts['linkedStylesheets']}"
    assert report.facts["unloadedStylesheets"] == [], f"{path}: stylesheets that did not load"
    assert report.facts["lang"] == "en"


def test_index_redirects_to_the_front_page(reports):
    assert reports["index.html"].final_url.endswith("/" + FRONT_PAGE)


@pytest.mark.parametrize("path", PAGES)
def test_every_image_has_alt_text_and_loads(reports, path):
    images = reports[path].facts["images"]
    missing = [image["src"] for image in images if not (image["alt"] or "").strip()]
    broken = [image["src"] for image in images if not image["loaded"] and not image["hidden"]]
    assert not missing, f"{path}: images without alt text: {missing}"
    assert not broken, f"{path}: images that did not load: {broken}"


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_has_its_numbers_as_a_table_and_csv(reports, path):
    for chart in reports[path].facts["charts"]:
        where = f"{path}, chart {chart['id']!r} ({chart['title'][:60]})"
        assert chart["alt"], f"{where}: the picture has no alt text"
        assert chart["hasDataDetails"], f"{where}: no details.chart-data right after the figure"
        assert chart["rows"] >= 1 and chart["headers"], f"{where}: the data table is empty"
        assert chart["rows"] == chart["csvRows"], f"{where}: the table and the CSV download differ in rows"
        assert chart["caption"], f"{where}: the data table has no caption"
        assert chart["csv"], f"{where}: no CSV download (data:text/csv link)"
        assert chart["open"], f"{where}: the data table should be open under the chart"


def test_every_chart_in_the_published_pages_is_shown(reports, camden_edition):
    for path, report in reports.items():
        published = [figure["id"] for figure in _file_soup(camden_edition, path).find_all("figure", class_="chart")]
        assert [chart["id"] for chart in report.facts["charts"]] == published, path
    assert reports[SECTION_PAGE].facts["charts"], f"{SECTION_PAGE} has no chart"


def test_every_internal_link_and_anchor_resolves(reports, camden_edition, server):
    problems = broken_links(reports, camden_edition.site_index.parent, server.origin)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations_in_the_light_theme(reports, path):
    violations = reports[path].axe_light
    assert not violations, f"{path} (light theme):\n" + describe_violations(violations)


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations_in_the_dark_theme(reports, path):
    violations = reports[path].axe_dark
    assert not violations, f"{path} (dark theme, the reader's system preference):\n" + describe_violations(violations)


@pytest.mark.parametrize("path", PAGES)
def test_phone_screen_needs_no_sideways_scrolling(reports, path):
    phone = reports[path].phone
    assert phone["scrollWidth"] <= phone["clientWidth"], (
        f"{path} at {PHONE['width']}x{PHONE['height']}: the page is {phone['scrollWidth']} px wide "
        f"for a {phone['clientWidth']} px screen; too wide: {phone['wide']}")
    assert not phone["wide"], f"{path}: text wider than the screen: {phone['wide']}"


def test_screenshots_of_the_front_page_and_a_section(reports):
    for name in ("front-page", "section-front-door"):
        for size in ("desktop", "phone"):
            shot = SCREENSHOT_DIR / f"{name}-{size}.png"
            assert shot.is_file() and shot.stat().st_size > 10_000, f"{shot} was not written"


def test_key_figures_are_on_the_front_page(reports):
    # The front page's text, as the browser shows it, carries the glued figures.
    report = reports[FRONT_PAGE]
    assert report.facts["h1"] and "Key findings" in report.facts["h1"][0]
    with open(DataPaths(partnership_id="camden").year("2024-25") / "figures.csv", newline="", encoding="utf-8") as handle:
        referrals = next(row for row in csv.DictReader(handle)
                         if (row["indicator_id"], row["period"]) == ("front_door_referrals", "2024-25"))
    assert f"{int(referrals['value']):,}" in report.facts["text"], "the number of referrals is not on the front page"


# --------------------------------------------------------------------------
# Search, the site index, file://
# --------------------------------------------------------------------------


def test_search_finds_an_indicator(fresh_page, server):
    page, recorder = fresh_page
    report = PageReport(path="search.html", url="")
    recorder.start(report)
    page.goto(f"{server.origin}/{EDITION}/search.html?q=referrals", wait_until="load")
    page.wait_for_selector("#search-results ul.search li a", timeout=15000)
    settle(page)
    recorder.stop()
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    assert any("notebooks/02_front_door.html" in href for href in hrefs), hrefs
    assert not report.load_problems, report.load_problems


def test_site_index_lists_the_edition_and_is_accessible(fresh_page, server):
    page, recorder = fresh_page
    report = PageReport(path="index.html", url="")
    recorder.start(report)
    page.goto(f"{server.origin}/index.html", wait_until="load")
    settle(page)
    recorder.stop()
    assert not report.load_problems, report.load_problems
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert f"{server.origin}/{EDITION}/index.html" in hrefs
    for href in hrefs:
        if href.startswith(server.origin):
            response = page.request.get(href)
            assert response.ok, f"the site index links to {href}, which gives HTTP {response.status}"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_book_reads_from_file_urls_with_the_network_off(browser, camden_edition):
    """Opened straight from the folder (file://), with the network switched off."""
    context = browser.new_context(offline=True)
    page = context.new_page()
    recorder = Recorder(page, "file://")
    try:
        for path in ("index.html", SECTION_PAGE, "search.html?q=referrals"):
            report = PageReport(path=path, url="")
            recorder.start(report)
            target = camden_edition.html_dir / path.split("?")[0]
            page.goto(target.as_uri() + ("?" + path.split("?")[1] if "?" in path else ""), wait_until="load")
            if path == "index.html":
                page.wait_for_url(f"**/{FRONT_PAGE}", timeout=10000)
            if path.startswith("search.html"):
                page.wait_for_selector("#search-results ul.search li a", timeout=15000)
            settle(page)
            recorder.stop()
            assert not report.load_problems, f"{path} from file://:\n" + "\n".join(report.load_problems)
            unloaded = page.evaluate("[...document.querySelectorAll('link[rel~=\"stylesheet\"]')]"
                                     ".filter(link => !link.sheet).map(link => link.getAttribute('href'))")
            assert page.evaluate("document.styleSheets.length") > 0 and unloaded == [], f"{path}: no styles from file://"
            images = page.evaluate("[...document.images].filter(i => i.getClientRects().length)"
                                   ".map(i => i.naturalWidth)")
            assert all(width > 0 for width in images), f"{path}: an image did not load from file://"
    finally:
        context.close()
