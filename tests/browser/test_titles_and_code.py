"""Every page says whose book it is and which year, and the code stays out of the reader's way.

Every page of the session's Camden and Islington 2024-25 editions (``camden_edition``,
``islington_edition`` in tests/conftest.py; Islington has no partnership figures) is opened in
Chromium. Its browser title, the sidebar's book title and the footer must name the area (the
partnership's name from data/partnerships/<id>/partnership.toml for a partnership's area, else the
area's name in the national statistics) and the year. The code behind a page sits in one
collapsed block after the page's last heading: no page shows more than one code toggle, and
none before its last section.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.config import PROJECT_ROOT
from analysis.inputs.partnership import partnership_for_area
from browser_support import Server, edition_pages, laid_out

YEAR = "2024-25"
LAPTOP = {"width": 1366, "height": 900}
# index.html only redirects to the first page.
PAGES = [path for path in edition_pages() if path != "index.html"]
BOOK_PAGES = [path for path in PAGES if path not in ("search.html", "genindex.html")]

# The page's titles, and where each visible code toggle sits relative to the last heading.
_FACTS_SCRIPT = """
() => {
  const text = (node) => node ? node.textContent.replace(/\\s+/g, ' ').trim() : '';
  const article = document.querySelector('article.bd-article') || document.body;
  const headings = [...article.querySelectorAll('h1, h2, h3, h4')];
  const last = headings[headings.length - 1];
  const toggles = [...article.querySelectorAll('details')].filter(
    (d) => d.querySelector('pre, .cell_input') && d.getClientRects().length > 0);
  return {
    title: document.title,
    sidebar: text(document.querySelector('.bd-sidebar-primary .logo__title')),
    footer: text(document.querySelector('footer.bd-footer-content')),
    toggles: toggles.map((d) => ({
      summary: text(d.querySelector('summary')),
      after_last_heading: !last || Boolean(last.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING),
    })),
  };
}
"""


def _rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected_name(area: str) -> str:
    """Whose book it is: the partnership's name for its own area, else the area's national name."""
    partnership = partnership_for_area(area)
    if partnership is not None:
        return partnership.name
    return next(row["area_name"] for row in _rows(PROJECT_ROOT / "data" / "national" / "areas.csv")
                if row["area_code"] == area)


def page_facts(site_dir, area: str, browser) -> dict[str, dict]:
    """{page: its titles and code toggles} for every page of one edition (a statistics
    profile has fewer pages than an annual report)."""
    server = Server(site_dir)
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    facts = {}
    try:
        for path in [path for path in PAGES if (Path(site_dir) / area / YEAR / path).is_file()]:
            page.goto(f"{server.origin}/{area}/{YEAR}/{path}", wait_until="load")
            laid_out(page)
            facts[path] = page.evaluate(_FACTS_SCRIPT)
    finally:
        context.close()
        server.close()
    return facts


def title_problems(facts: dict[str, dict], name: str) -> list[str]:
    problems = []
    for path, fact in facts.items():
        for place in ("title", "sidebar", "footer"):
            if name not in fact[place] or YEAR not in fact[place]:
                problems.append(f"{path}: the {place} {fact[place]!r} does not name {name!r} and {YEAR}")
    return problems


def code_problems(facts: dict[str, dict]) -> list[str]:
    problems = []
    for path, fact in facts.items():
        toggles = fact["toggles"]
        if len(toggles) > 1:
            problems.append(f"{path}: {len(toggles)} code toggles: "
                            + "; ".join(toggle["summary"] for toggle in toggles))
        early = [toggle["summary"] for toggle in toggles if not toggle["after_last_heading"]]
        if early:
            problems.append(f"{path}: a code toggle before the last section: {early}")
    return problems


@pytest.fixture(scope="module")
def titles_browser(browser):
    """The session's browser (tests/browser/conftest.py)."""
    return browser


@pytest.fixture(scope="module")
def camden_facts(camden_edition, titles_browser):
    return page_facts(camden_edition.site_index.parent, "E09000007", titles_browser)


@pytest.fixture(scope="module")
def islington_facts(islington_edition, titles_browser):
    return page_facts(islington_edition.site_index.parent, "E09000019", titles_browser)


def test_every_camden_page_names_the_partnership_and_the_year(camden_facts):
    assert set(camden_facts) == set(PAGES)
    problems = title_problems(camden_facts, expected_name("E09000007"))
    assert not problems, "\n".join(problems)


def test_every_islington_page_names_the_area_and_the_year(islington_facts):
    # A statistics profile: the pages about a partnership report are not in it.
    assert "notebooks/00_key_findings.html" in islington_facts and "notebooks/13_reconciliation.html" not in islington_facts
    assert set(islington_facts) < set(PAGES) and len(islington_facts) >= 12
    problems = title_problems(islington_facts, expected_name("E09000019"))
    assert not problems, "\n".join(problems)


def test_the_code_is_one_toggle_at_the_end_of_each_camden_page(camden_facts):
    problems = code_problems(camden_facts)
    assert not problems, "\n".join(problems)
    # The code is still there for a scrutineer: every notebook page has its block.
    notebooks = [path for path in BOOK_PAGES if (PROJECT_ROOT / path).with_suffix(".ipynb").is_file()]
    assert notebooks and [path for path in notebooks if len(camden_facts[path]["toggles"]) != 1] == []


def test_the_code_is_one_toggle_at_the_end_of_each_islington_page(islington_facts):
    problems = code_problems(islington_facts)
    assert not problems, "\n".join(problems)
