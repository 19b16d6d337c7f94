"""Stamping published editions (edition switcher, banner, version stamp) and the site index,
on small fake sites: no build."""
from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from analysis.assurance.manifest import MANIFEST_NAME
from analysis.site.index import write_site_index
from analysis.site.stamp import STAMP_END, STAMP_START, data_fingerprint, stamp_area, strip_stamps

AREA = "E09000007"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>{title}</title></head>
<body><main id="main-content" role="main"><div class="bd-article-container"><div id="searchbox"></div>
<article class="bd-article"><h1>{title}</h1></article></div></main></body></html>
"""


def _edition(site_dir: Path, year: str, pages: list[str], commit="0123456789abcdef", dirty=False) -> Path:
    folder = site_dir / AREA / year
    folder.mkdir(parents=True)
    (folder / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=notebooks/00_key_findings.html" />')
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text(PAGE.format(title=f"{page} {year}"), encoding="utf-8")
    (folder / "_static").mkdir()
    (folder / "_static" / "webpack-macros.html").write_text("{% macro x() %}{% endmacro %}")
    manifest = {"parameters": {"year": year, "area_code": AREA, "area_name": "Camden"},
                "build_started_utc": f"20{year[-2:]}-06-30T09:00:00+00:00",
                "git": {"commit": commit, "dirty": dirty},
                "inputs": {"files": [{"path": f"partnership/{year}/figures.csv", "sha256": "ab" * 32}]}}
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest))
    return folder


def test_stamping_marks_every_page_with_its_edition_switcher_and_banner(tmp_path):
    site_dir = tmp_path / "site"
    old = _edition(site_dir, "2024-25", ["notebooks/00_key_findings.html", "notebooks/only_old.html", "search.html"])
    new = _edition(site_dir, "2025-26", ["notebooks/00_key_findings.html", "search.html"], dirty=True)
    originals = {p: p.read_text() for p in site_dir.rglob("*.html")}
    stamp_area(site_dir, AREA)

    soup = BeautifulSoup((old / "notebooks" / "00_key_findings.html").read_text(), "lxml")
    banner = soup.find(class_="analysis-edition-banner")
    assert banner["role"] == "note" and "This is an earlier edition: 2024-25." in banner.get_text()
    assert banner.find("a")["href"] == "../../2025-26/notebooks/00_key_findings.html"
    nav = soup.find("nav", attrs={"aria-label": "Editions"})
    links = [(a.get_text(), a["href"], a.get("aria-current")) for a in nav.find_all("a")]
    assert links == [("2025-26 (latest)", "../../2025-26/notebooks/00_key_findings.html", None),
                     ("2024-25", "../notebooks/00_key_findings.html", "page"),
                     ("List of all editions", "../../../index.html", None)]
    stamp = soup.find(class_="analysis-edition-stamp")
    assert {s["data-stamp"]: s.get_text() for s in stamp.find_all(attrs={"data-stamp": True})} == {
        "edition": "2024-25", "built": "2025-06-30", "code": "0123456",
        "data": data_fingerprint(json.loads((old / MANIFEST_NAME).read_text()))}
    assert soup.find("div", class_="analysis-edition").find_next_sibling("article") is not None
    assert "http" not in str(soup.find("div", class_="analysis-edition"))  # no external requests
    assert "<style>" in str(soup.head)

    # a page the latest edition does not have: switcher and banner go to its first page
    only_old = BeautifulSoup((old / "notebooks" / "only_old.html").read_text(), "lxml")
    assert only_old.find(class_="analysis-edition-banner").find("a")["href"] == "../../2025-26/index.html"
    # the latest edition: no banner, a dirty build says so, a page at the top level links correctly
    latest = BeautifulSoup((new / "search.html").read_text(), "lxml")
    assert latest.find(class_="analysis-edition-banner") is None
    assert latest.find(attrs={"data-stamp": "code"}).get_text() == "0123456-dirty"
    assert [a["href"] for a in latest.find("nav").find_all("a")] == [
        "search.html", "../2024-25/search.html", "../../index.html"]
    # untouched: the redirect page and the theme's templates
    assert (old / "index.html").read_text().startswith('<meta http-equiv="Refresh"')
    assert "analysis-edition" not in (old / "_static" / "webpack-macros.html").read_text()
    # removing the stamps gives back every page exactly
    for path, text in originals.items():
        assert strip_stamps(path.read_text()) == text


def test_restamping_is_idempotent_and_follows_new_editions(tmp_path):
    site_dir = tmp_path / "site"
    old = _edition(site_dir, "2024-25", ["notebooks/a.html"])
    stamp_area(site_dir, AREA)
    once = (old / "notebooks" / "a.html").read_text()
    assert "role=\"note\"" not in once and once.count(STAMP_START) == 1 == once.count(STAMP_END)
    stamp_area(site_dir, AREA)
    assert (old / "notebooks" / "a.html").read_text() == once
    _edition(site_dir, "2025-26", ["notebooks/a.html"])
    stamp_area(site_dir, AREA)
    twice = (old / "notebooks" / "a.html").read_text()
    assert twice.count(STAMP_START) == 1 and 'role="note"' in twice
    assert strip_stamps(twice) == strip_stamps(once)


def test_site_index_lists_every_edition_latest_first(tmp_path):
    site_dir = tmp_path / "site"
    _edition(site_dir, "2024-25", ["notebooks/a.html"])
    _edition(site_dir, "2025-26", ["notebooks/a.html"])
    listed = write_site_index(site_dir)
    assert [(e.year, e.latest) for e in listed] == [("2025-26", True), ("2024-25", False)]
    index = (site_dir / "index.html").read_text()
    assert index.index("2025-26") < index.index("2024-25") and "(latest)" in index
    assert listed[0].data_fingerprint in index


def test_the_site_index_says_which_kind_of_edition_each_is():
    from analysis.site.index import Edition, render_index

    report = Edition("E09000001", "Area A", "2024-25", "E09000001/2024-25/index.html",
                     title="Area A Safeguarding Children Partnership: annual report 2024-25")
    profile = Edition("E08000001", "Area B", "2024-25", "E08000001/2024-25/index.html",
                      title="Area B: children's safeguarding statistics 2024-25")
    untitled = Edition("E08000002", "Area C", "2024-25", "E08000002/2024-25/index.html")
    links = [a.get_text() for a in BeautifulSoup(render_index([report, profile, untitled]), "html.parser").select("li a")]
    assert links == ["Area A Safeguarding Children Partnership: annual report 2024-25",
                     "Area B: children's safeguarding statistics 2024-25", "Area C 2024-25"]
