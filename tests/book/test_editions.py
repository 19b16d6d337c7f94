"""The new-year workflow end to end: a SYNTHETIC 2025-26 edition (tests/fixtures/synthetic_2025_26:
invented values), created with `new-edition`, filled in, validated and built beside the real
2024-25 edition (the session's builds, see tests/conftest.py)."""
from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from analysis import cli
from analysis.assurance.manifest import MANIFEST_NAME
from analysis.inputs.catalogue import load_catalogue
from analysis.site.stamp import code_version, data_fingerprint, strip_stamps
from support.folders import file_bytes
from synthetic_fill import synthetic_values, template_row

AREA = "E09000007"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_the_filled_in_returns_validate_with_warnings_only(second_year_data, capsys):
    code = cli.main(["validate", "--year", "2025-26", "--data-dir", str(second_year_data),
                     "--allow-data-outside-project"])
    out = capsys.readouterr().out
    assert code == 0
    assert "4 warnings (the book can be built):" in out


def test_both_editions_are_in_the_site_latest_first(second_year_edition):
    assert second_year_edition.second == second_year_edition.site_dir / AREA / "2025-26"
    listed = json.loads((second_year_edition.site_dir / "editions.json").read_text())["editions"]
    assert [e["year"] for e in listed] == ["2025-26", "2024-25"]
    assert any(m.startswith("warning: ") and "youth_work_apprentices" in m for m in second_year_edition.messages)


def test_older_edition_changed_only_by_its_banner_and_switcher(second_year_edition):
    after = file_bytes(second_year_edition.first)
    assert set(after) == set(second_year_edition.before)
    for name, content in after.items():
        if name.endswith(".html"):
            assert strip_stamps(content.decode("utf-8")) == strip_stamps(second_year_edition.before[name].decode("utf-8")), name
        else:
            assert content == second_year_edition.before[name], name
    page = _soup(second_year_edition.first / "notebooks" / "02_front_door.html")
    banner = page.find(class_="analysis-edition-banner")
    assert banner["role"] == "note" and "This is an earlier edition: 2024-25." in banner.get_text()
    assert banner.find("a")["href"] == "../../2025-26/notebooks/02_front_door.html"
    assert "8,583" in page.find("article").get_text()


def test_new_edition_pages_carry_the_stamp_and_switcher(second_year_edition):
    manifest = json.loads((second_year_edition.second / MANIFEST_NAME).read_text())
    for name in ("notebooks/00_key_findings.html", "notebooks/91_changes.html", "notebooks/07_exploitation.html"):
        page = _soup(second_year_edition.second / name)
        assert page.find(class_="analysis-edition-banner") is None
        nav = page.find("nav", attrs={"aria-label": "Editions"})
        assert [a["href"] for a in nav.find_all("a")][:2] == [f"../{name}", f"../../2024-25/{name}"]
        stamp = {s["data-stamp"]: s.get_text() for s in page.find_all(attrs={"data-stamp": True})}
        assert stamp["edition"] == "2025-26"
        assert stamp["data"] == data_fingerprint(manifest)
        assert stamp["code"] == code_version(manifest)
        assert stamp["built"] == manifest["build_started_utc"][:10]


def _article(page: Path) -> str:
    return " ".join(_soup(page).find("article").get_text().split())


def test_new_edition_shows_the_returned_figures(second_year_edition, second_year_data):
    values = {row["indicator_id"]: row["value"] for row in synthetic_values()}
    missing = second_year_edition.second / "notebooks" / "06_children_missing.html"
    assert (f"{values['missing_young_people']} young people were reported missing "
            f"{values['missing_episodes']} times") in _article(missing)
    findings = _article(second_year_edition.second / "notebooks" / "00_key_findings.html")
    assert f"{int(values['front_door_referrals']):,}" in findings and "from 8,583 in 2024-25" in findings
    police = second_year_data / "partnerships" / "camden" / "2025-26" / "returns" / "police.xlsx"
    sources = " ".join(_soup(missing).find("details", class_="sources").get_text().split())
    for indicator in ("missing_young_people", "missing_episodes"):
        assert f"returns/police.xlsx, sheet figures, row {template_row(police, indicator)}" in sources, indicator
    # The optional figure left blank in the return is said to be missing, not shown as zero.
    assert values["youth_work_apprentices"] == ""
    title = load_catalogue(second_year_data).at["youth_work_apprentices", "title"]
    voice = _article(second_year_edition.second / "notebooks" / "10_voice_of_child.html").replace("'", "’")
    assert f"The partnership’s own figures for 2025-26 do not include: {title.lower()}." in voice


def test_change_page_lists_old_and_new_values(second_year_edition):
    page = _soup(second_year_edition.second / "notebooks" / "91_changes.html")
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


def test_first_edition_change_page_says_there_is_nothing_to_compare(camden_edition):
    page = _soup(camden_edition.html_dir / "notebooks" / "91_changes.html")
    text = " ".join(page.find("article").get_text(" ").split())
    assert "There is no previous edition to compare with: this edition (2024-25) is the first" in text
    assert page.find("article").find("table") is None
    assert "2024-25: first edition" in text and "First edition of the analysis book" in text
