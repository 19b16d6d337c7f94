"""Every page as a reader's browser shows it: tables that fit, titles that say whose book it is,
and the code out of the reader's way.

Every page of the session's Camden and Islington 2024-25 editions (``camden_edition``,
``islington_edition`` in tests/conftest.py; Islington has no partnership figures) is opened in
Chromium, afresh at 1366x900 and at 390x844 (search.html and genindex.html, which hold no tables
of the book's own, at 1366 only), and read once for all the tests below:

- tables that fit: with every collapsible opened so that the tables inside them are measured
  too, the page must be no wider than the window, every table's box no wider than the room it
  has, and no table may reach past the right edge of the article (into the contents bar);
- titles: the browser title, the sidebar's book title and the footer must name the area (the
  partnership's name from data/partnerships/<id>/partnership.toml for a partnership's area, else
  the area's name in the national statistics) and the year;
- the code: the code behind a page sits in one collapsed block after the page's last heading: no
  page shows more than one code toggle, and none before its last section.
"""
from __future__ import annotations

import csv

import pytest

from analysis.config import PROJECT_ROOT
from analysis.inputs.partnership import partnership_for_area
from browser_support import PHONE, Server, edition_pages, laid_out

YEAR = "2024-25"
LAPTOP = {"width": 1366, "height": 900}
SIZES = {"laptop": LAPTOP, "phone": PHONE}
# index.html only redirects to the first page.
PAGES = [path for path in edition_pages() if path != "index.html"]
# search.html and genindex.html hold no tables of the book's own.
BOOK_PAGES = [path for path in PAGES if path not in ("search.html", "genindex.html")]

# Returns one line for each thing that is wider than its room, after opening every <details>.
_OVERFLOW_SCRIPT = """
() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
  }
  const article = document.querySelector('.bd-article') || document.body;
  const edge = article.getBoundingClientRect().right;
  document.querySelectorAll('table').forEach((table, index) => {
    const caption = table.caption ? table.caption.textContent.trim().slice(0, 60) : `table ${index + 1}`;
    const box = table.parentElement;
    if (box.scrollWidth > box.clientWidth + 1) {
      problems.push(`"${caption}" is ${box.scrollWidth} px wide in a ${box.clientWidth} px box`);
    }
    const right = table.getBoundingClientRect().right;
    if (right > edge + 1) {
      problems.push(`"${caption}" reaches ${Math.round(right - edge)} px past the article`);
    }
  });
  return problems;
}
"""


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


def read_every_page(edition, area: str, browser) -> dict[str, dict[str, dict]]:
    """{page: {size: {"facts": its titles and code toggles, "overflow": what is wider than its
    room}}} for every page of one edition (a statistics profile has fewer pages than an annual
    report), each page loaded afresh at each size."""
    server = Server(edition.site_index.parent)
    context = browser.new_context()
    page = context.new_page()
    read: dict[str, dict[str, dict]] = {}
    try:
        for path in [path for path in PAGES if (edition.html_dir / path).is_file()]:
            for name, size in SIZES.items() if path in BOOK_PAGES else [("laptop", LAPTOP)]:
                page.set_viewport_size(size)
                page.goto(f"{server.origin}/{area}/{YEAR}/{path}", wait_until="load")
                laid_out(page)
                facts = page.evaluate(_FACTS_SCRIPT)  # before the overflow script opens every collapsible
                read.setdefault(path, {})[name] = {"facts": facts, "overflow": page.evaluate(_OVERFLOW_SCRIPT)}
    finally:
        context.close()
        server.close()
    return read


@pytest.fixture(scope="module")
def camden_read(camden_edition, browser):
    """Every page of Camden's edition, read (``read_every_page``)."""
    return read_every_page(camden_edition, "E09000007", browser)


@pytest.fixture(scope="module")
def islington_read(islington_edition, browser):
    """Every page of Islington's edition, read (``read_every_page``)."""
    return read_every_page(islington_edition, "E09000019", browser)


# --------------------------------------------------------------------------
# Tables that fit
# --------------------------------------------------------------------------


def overflow_found(read: dict[str, dict[str, dict]]) -> dict[str, list[str]]:
    """{"page at size": [what is wider than its room]} for the book's pages at both sizes."""
    found = {}
    for path, sizes in read.items():
        for name, seen in sizes.items():
            if path in BOOK_PAGES and seen["overflow"]:
                size = SIZES[name]
                found[f"{path} at {name} {size['width']}x{size['height']}"] = seen["overflow"]
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def test_no_table_or_page_scrolls_sideways_in_camden(camden_read):
    assert set(camden_read) == set(PAGES) and all(set(camden_read[path]) == set(SIZES) for path in BOOK_PAGES)
    found = overflow_found(camden_read)
    assert not found, "wider than the window or the article:\n" + _report(found)


def test_no_table_or_page_scrolls_sideways_in_islington(islington_read):
    found = overflow_found(islington_read)
    assert not found, "wider than the window or the article:\n" + _report(found)


# --------------------------------------------------------------------------
# Titles, and the code
# --------------------------------------------------------------------------


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


def laptop_facts(read: dict[str, dict[str, dict]]) -> dict[str, dict]:
    """{page: its titles and code toggles} as read at 1366 pixels wide."""
    return {path: sizes["laptop"]["facts"] for path, sizes in read.items()}


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


def test_every_camden_page_names_the_partnership_and_the_year(camden_read):
    facts = laptop_facts(camden_read)
    assert set(facts) == set(PAGES)
    problems = title_problems(facts, expected_name("E09000007"))
    assert not problems, "\n".join(problems)


def test_every_islington_page_names_the_area_and_the_year(islington_read):
    facts = laptop_facts(islington_read)
    # A statistics profile: the pages about a partnership report are not in it.
    assert "notebooks/00_key_findings.html" in facts and "notebooks/13_reconciliation.html" not in facts
    assert set(facts) < set(PAGES) and len(facts) >= 12
    problems = title_problems(facts, expected_name("E09000019"))
    assert not problems, "\n".join(problems)


def test_the_code_is_one_toggle_at_the_end_of_each_camden_page(camden_read):
    facts = laptop_facts(camden_read)
    problems = code_problems(facts)
    assert not problems, "\n".join(problems)
    # The code is still there for a scrutineer: every notebook page has its block.
    notebooks = [path for path in BOOK_PAGES if (PROJECT_ROOT / path).with_suffix(".ipynb").is_file()]
    assert notebooks and [path for path in notebooks if len(facts[path]["toggles"]) != 1] == []


def test_the_code_is_one_toggle_at_the_end_of_each_islington_page(islington_read):
    problems = code_problems(laptop_facts(islington_read))
    assert not problems, "\n".join(problems)
