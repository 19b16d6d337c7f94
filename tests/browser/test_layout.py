"""Tables that fit: no page and no table scrolls sideways, on a laptop or on a phone.

Every page of the session's Camden and Islington 2024-25 editions (``camden_edition``,
``islington_edition`` in tests/conftest.py; Islington has no partnership figures) is
opened in Chromium at 1366x900 and at 390x844, with every collapsible opened so that the
tables inside them are measured too. On each, the page must be no wider than the window,
every table's box no wider than the room it has, and no table may reach past the right
edge of the article (into the contents bar).
"""
from __future__ import annotations

import pytest

from browser_support import PHONE, Server, edition_pages, laid_out

YEAR = "2024-25"
LAPTOP = {"width": 1366, "height": 900}
SIZES = {"laptop": LAPTOP, "phone": PHONE}
# search.html and genindex.html hold no tables of the book's own and index.html redirects.
PAGES = [path for path in edition_pages() if path not in ("index.html", "search.html", "genindex.html")]

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


def overflow_problems(page, url: str, size: dict) -> list[str]:
    """What is wider than its room on the page at ``url`` in a window of ``size``."""
    page.set_viewport_size(size)
    page.goto(url, wait_until="load")
    laid_out(page)
    return page.evaluate(_OVERFLOW_SCRIPT)


@pytest.fixture(scope="module")
def layout_browser(browser):
    """The session's browser (tests/browser/conftest.py)."""
    return browser


def _edition_problems(edition, area: str, browser) -> dict[str, list[str]]:
    """{"page at size": [problems]} for every page of one edition, at both sizes."""
    server = Server(edition.site_index.parent)
    context = browser.new_context()
    page = context.new_page()
    found = {}
    try:
        for path in PAGES:
            for name, size in SIZES.items():
                problems = overflow_problems(page, f"{server.origin}/{area}/{YEAR}/{path}", size)
                if problems:
                    found[f"{path} at {name} {size['width']}x{size['height']}"] = problems
    finally:
        context.close()
        server.close()
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def test_no_table_or_page_scrolls_sideways_in_camden(camden_edition, layout_browser):
    found = _edition_problems(camden_edition, "E09000007", layout_browser)
    assert not found, "wider than the window or the article:\n" + _report(found)


def test_no_table_or_page_scrolls_sideways_in_islington(islington_edition, layout_browser):
    found = _edition_problems(islington_edition, "E09000019", layout_browser)
    assert not found, "wider than the window or the article:\n" + _report(found)
