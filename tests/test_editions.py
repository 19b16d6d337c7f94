"""Editions: the methods changelog, year-on-year comparisons, stamped pages, and the whole
new-year workflow with a SYNTHETIC second year (tests/fixtures/synthetic_2025_26: invented
values) built beside the real 2024-25 edition."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from analysis import cli, editions, runner, site
from analysis.catalogue import load_catalogue
from analysis.editions import (
    STAMP_END, STAMP_START, ChangelogError, change_summary, change_table, describe_change, load_changelog,
    parse_changelog, stamp_area, strip_stamps,
)
from analysis.manifest import MANIFEST_NAME
from analysis.partnership import PartnershipData

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "synthetic_2025_26"))
from synthetic_fill import copy_data, fill_all  # noqa: E402

AREA = "E09000007"

CHANGELOG = """# Methods changelog

Text before the first edition is ignored.

- not a change

## 2025-26 — second edition

Returns now come from partners directly.

- `missing_episodes`: now counts episodes of children placed in the area by other
  authorities.
- `cla_health_dental_checks` and `cla_under5_development_checks`: health's new system.
- Charts show the previous edition.

## 2024-25 — first edition

- First edition.
"""


# --------------------------------------------------------------------------
# The methods changelog
# --------------------------------------------------------------------------


def test_changelog_is_parsed_into_entries_and_changes():
    entries = parse_changelog(CHANGELOG)
    assert [(e.year, e.title) for e in entries] == [("2025-26", "second edition"), ("2024-25", "first edition")]
    second = entries[0]
    assert second.intro == "Returns now come from partners directly."
    assert [c.indicator_ids for c in second.changes] == [
        ["missing_episodes"], ["cla_health_dental_checks", "cla_under5_development_checks"], []]
    assert second.changes[0].text.endswith("placed in the area by other authorities.")


def test_changelog_html_lists_entries_up_to_the_edition_latest_first():
    entries = parse_changelog(CHANGELOG)
    text = editions.changelog_html(entries, "2025-26")
    assert text.index("2025-26: second edition") < text.index("2024-25: first edition")
    assert '<code style="color:#0b0c0c;background:#f3f4f5">missing_episodes</code>' in text
    assert "second edition" not in editions.changelog_html(entries, "2024-25")
    assert editions.methods_summary(entries, "2025-26").startswith(
        "The methods changelog records 3 changes of definition or method for 2025-26")
    assert editions.methods_summary(entries, "2024-25").startswith(
        "The methods changelog starts with this edition (2024-25)")
    assert "records no change of definition or method for 2026-27" in editions.methods_summary(entries, "2026-27")


@pytest.mark.parametrize("text, message", [
    ("## 2025/26\n- x\n", "line 1: a section heading must name an edition year"),
    ("## 2025-26\n- x\n## 2025-26\n", "line 3: 2025-26 has two sections"),
])
def test_changelog_errors_name_the_line(text, message):
    with pytest.raises(ChangelogError, match=message):
        parse_changelog(text)


def test_project_changelog_starts_with_the_first_edition():
    entries = load_changelog()
    assert entries[-1].year == "2024-25" and entries[-1].title == "first edition"
    assert entries[-1].changes


# --------------------------------------------------------------------------
# Year-on-year changes
# --------------------------------------------------------------------------


def _figure(value, unit="count", decimals=0, qualifier=""):
    return SimpleNamespace(value=value, unit=unit, decimals=decimals, qualifier=qualifier)


@pytest.mark.parametrize("old, new, expected", [
    (_figure(8583), _figure(9012), "up 429 (5.0%)"),
    (_figure(26), _figure(22), "down 4 (15.4%)"),
    (_figure(5), _figure(5), "unchanged"),
    (_figure(0), _figure(3), "up 3"),
    (_figure(89, "percentage"), _figure(90.0, "percentage", 1), "up 1.0 percentage points"),
    (_figure(99, "percentage"), _figure(98, "percentage"), "down 1 percentage point"),
    (_figure(79.4, "percentage", 1), _figure(79.4, "percentage", 1), "unchanged"),
])
def test_describe_change(old, new, expected):
    assert describe_change(old, new) == expected


@pytest.fixture(scope="module")
def second_year(tmp_path_factory):
    """A temporary data folder with the real 2024-25 figures and the synthetic 2025-26 returns."""
    root = tmp_path_factory.mktemp("second-year")
    data = copy_data(root)
    assert cli.main(["new-edition", "2025-26", "--data-dir", str(data), "--allow-data-outside-project"]) == 0
    fill_all(data)
    return root, data


def test_previous_edition_figures_are_used_automatically(second_year):
    _, data = second_year
    partnership = PartnershipData("2025-26", AREA, data)
    previous = partnership.previous_figure("front_door_referrals")
    assert (previous.value, previous.period, previous.edition) == (8583, "2024-25", "2024-25")
    assert previous.source_file.endswith("partnership/2024-25/figures.csv") and previous.source_row == 5
    assert partnership.previous_figure("knife_crime_victims_10_24").period == "2024"
    assert partnership.previous_figure("ehe_register").period == "2024/25"
    # asking for last year's period falls back to the previous edition; no period never does
    assert partnership.figure("front_door_referrals", "2024-25").value == 8583
    assert partnership.figure("youth_work_apprentices") is None
    assert partnership.figure("youth_work_apprentices", "2024-25").value == 4
    assert [f.period for f in partnership.series("knife_crime_victims_10_24")] == ["2023", "2024", "2025"]
    assert [f.period for f in partnership.series("front_door_referrals")] == ["2023-24", "2024-25", "2025-26"]
    assert partnership.series("youth_work_apprentices") == []
    first = PartnershipData("2024-25", AREA, data)
    assert first.previous_edition is None and first.previous_figure("front_door_referrals") is None


def test_change_table_compares_each_indicator(second_year):
    _, data = second_year
    partnership = PartnershipData("2025-26", AREA, data)
    entries = parse_changelog(CHANGELOG)
    table = change_table(partnership, entries).set_index("indicator_id")
    assert len(table) == len(load_catalogue(data))
    assert table.loc["front_door_referrals", ["Previous edition", "This edition", "Change"]].tolist() == [
        "8,583 (2024-25)", "9,012 (2025-26)", "up 429 (5.0%)"]
    assert table.loc["knife_crime_victims_10_24", "Change"] == "down 4 (15.4%)"
    assert table.loc["cla_health_dental_checks", "Change"] == "up 1.0 percentage points"
    assert table.loc["cla_health_dental_checks", "Note"] == "health's new system."
    assert table.loc["missing_episodes", "Note"].startswith("now counts episodes")
    assert table.loc["youth_work_apprentices", ["This edition", "Change"]].tolist() == [
        "not supplied", "not supplied in this edition"]
    assert table.loc["children_population", "Note"] == "approximate: at least one value is rounded"
    summary = change_summary(partnership, change_table(partnership, entries))
    assert summary.startswith("This edition (2025-26) is compared with the previous edition (2024-25). "
                              "Of the 28 figures given in both, 16 went up, 10 went down and 2 were unchanged.")
    assert "3 figures of the previous edition are not supplied in this one." in summary


def test_first_edition_has_nothing_to_compare():
    partnership = PartnershipData("2024-25", AREA)
    assert change_table(partnership).empty
    assert change_summary(partnership) == (
        "There is no previous edition to compare with: this edition (2024-25) is the first, as there are no "
        "partnership figures for 2023-24. The next edition will list here how each figure changed.")


# --------------------------------------------------------------------------
# Stamping published editions (fake sites: no build)
# --------------------------------------------------------------------------

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
        "data": editions.data_fingerprint(json.loads((old / MANIFEST_NAME).read_text()))}
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
    listed = site.write_site_index(site_dir)
    assert [(e.year, e.latest) for e in listed] == [("2025-26", True), ("2024-25", False)]
    index = (site_dir / "index.html").read_text()
    assert index.index("2025-26") < index.index("2024-25") and "(latest)" in index
    assert listed[0].data_fingerprint in index


# --------------------------------------------------------------------------
# The whole workflow: new-edition, fill, validate, build beside the real 2024-25
# --------------------------------------------------------------------------


def _texts(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_editions(second_year, camden_edition):
    """The real 2024-25 edition (the session's build, copied) and the synthetic 2025-26 one
    built beside it, into a temporary site."""
    root, data = second_year
    assert cli.main(["validate", "--year", "2025-26", "--data-dir", str(data), "--allow-data-outside-project"]) == 0
    site_dir = root / "site"
    first = site_dir / AREA / "2024-25"
    shutil.copytree(camden_edition.html_dir, first)
    site.write_site_index(site_dir)
    before = _texts(first)
    messages: list[str] = []
    result = runner.build_edition("2025-26", AREA, data_dir=data, stage_root=root / "stage", site_dir=site_dir,
                                  progress=messages.append, data_roots=[root])
    return SimpleNamespace(site_dir=site_dir, first=first, second=result.html_dir, before=before,
                           messages=messages, result=result)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.mark.book
def test_both_editions_are_in_the_site_latest_first(two_editions):
    assert two_editions.second == two_editions.site_dir / AREA / "2025-26"
    listed = json.loads((two_editions.site_dir / "editions.json").read_text())["editions"]
    assert [e["year"] for e in listed] == ["2025-26", "2024-25"]
    assert any(m.startswith("warning: ") and "youth_work_apprentices" in m for m in two_editions.messages)


@pytest.mark.book
def test_older_edition_changed_only_by_its_banner_and_switcher(two_editions):
    after = _texts(two_editions.first)
    assert set(after) == set(two_editions.before)
    for name, content in after.items():
        if name.endswith(".html"):
            assert strip_stamps(content.decode("utf-8")) == strip_stamps(two_editions.before[name].decode("utf-8")), name
        else:
            assert content == two_editions.before[name], name
    page = _soup(two_editions.first / "notebooks" / "02_front_door.html")
    banner = page.find(class_="analysis-edition-banner")
    assert banner["role"] == "note" and "This is an earlier edition: 2024-25." in banner.get_text()
    assert banner.find("a")["href"] == "../../2025-26/notebooks/02_front_door.html"
    assert "8,583" in page.find("article").get_text()


@pytest.mark.book
def test_new_edition_pages_carry_the_stamp_and_switcher(two_editions):
    manifest = json.loads((two_editions.second / MANIFEST_NAME).read_text())
    for name in ("notebooks/00_key_findings.html", "notebooks/91_changes.html", "notebooks/07_exploitation.html"):
        page = _soup(two_editions.second / name)
        assert page.find(class_="analysis-edition-banner") is None
        nav = page.find("nav", attrs={"aria-label": "Editions"})
        assert [a["href"] for a in nav.find_all("a")][:2] == [f"../{name}", f"../../2024-25/{name}"]
        stamp = {s["data-stamp"]: s.get_text() for s in page.find_all(attrs={"data-stamp": True})}
        assert stamp["edition"] == "2025-26"
        assert stamp["data"] == editions.data_fingerprint(manifest)
        assert stamp["code"] == editions.code_version(manifest)
        assert stamp["built"] == manifest["build_started_utc"][:10]


@pytest.mark.book
def test_new_edition_shows_the_returned_figures(two_editions):
    article = _soup(two_editions.second / "notebooks" / "06_children_missing.html").find("article").get_text(" ")
    assert "120 young people were reported missing 910 times" in " ".join(article.split())
    findings = " ".join(_soup(two_editions.second / "notebooks" / "00_key_findings.html").find("article")
                        .get_text(" ").split())
    assert "9,012" in findings and "from 8,583 in 2024-25" in findings
    sources = _soup(two_editions.second / "notebooks" / "06_children_missing.html").find("details", class_="sources")
    assert "returns/police.xlsx, sheet figures, row" in sources.get_text()
    voice = " ".join(_soup(two_editions.second / "notebooks" / "10_voice_of_child.html").find("article")
                     .get_text(" ").split())
    assert "not supplied" in voice


@pytest.mark.book
def test_change_page_lists_old_and_new_values(two_editions):
    page = _soup(two_editions.second / "notebooks" / "91_changes.html")
    text = " ".join(page.find("article").get_text(" ").split())
    assert ("This edition (2025-26) is compared with the previous edition (2024-25). Of the 28 figures given in "
            "both, 16 went up, 10 went down and 2 were unchanged.") in text
    rows = {tr.find_all("td")[0].get_text(): [td.get_text() for td in tr.find_all("td")[1:]]
            for tr in page.find("article").find("table").find("tbody").find_all("tr")}
    assert rows["Referrals to the children's front door"][:3] == ["8,583 (2024-25)", "9,012 (2025-26)", "up 429 (5.0%)"]
    assert rows["Missing episodes"][:3] == ["870 (2024-25)", "910 (2025-26)", "up 40 (4.6%)"]
    assert rows["Victims of knife crime with injury aged 10-24"][:3] == ["26 (2024)", "22 (2025)", "down 4 (15.4%)"]
    assert rows["Children looked after with up-to-date health and dental checks"][:3] == [
        "89% (2024-25)", "90.0% (2025-26)", "up 1.0 percentage points"]
    assert rows["Youth work apprentices (Level 3)"][:3] == ["4 (2024-25)", "not supplied", "not supplied in this edition"]
    assert "2024-25: first edition" in text


@pytest.mark.book
def test_first_edition_change_page_says_there_is_nothing_to_compare(camden_edition):
    page = _soup(camden_edition.html_dir / "notebooks" / "91_changes.html")
    text = " ".join(page.find("article").get_text(" ").split())
    assert "There is no previous edition to compare with: this edition (2024-25) is the first" in text
    assert page.find("article").find("table") is None
    assert "2024-25: first edition" in text and "First edition of the analysis book" in text
