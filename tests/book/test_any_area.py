"""The book builds for any English local authority from the national statistics alone
(Islington, E09000019: the session's build, see tests/conftest.py), as a statistics
profile: titled as such, without the pages and sentences about a partnership report it
does not have."""
import json

import pandas as pd
from bs4 import BeautifulSoup

from analysis.config import DataPaths
from analysis.national.load import load_national

ISLINGTON = "E09000019"


def _text(edition, page):
    html = (edition.html_dir / "notebooks" / f"{page}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml").find("article").get_text(" ", strip=True).replace("'", "’")


def _national_value(indicator_id: str, time_period: int) -> float:
    national = load_national()
    row = national[(national["indicator_id"] == indicator_id) & (national["area_code"] == ISLINGTON)
                   & (national["time_period"] == time_period)]
    assert len(row) == 1, (indicator_id, time_period)
    return row["value"].iloc[0]


def test_a_profile_has_no_pages_or_sentences_about_a_report_it_does_not_have(islington_edition, camden_edition):
    def pages(edition):
        return {path.relative_to(edition.html_dir / "notebooks").as_posix()
                for path in (edition.html_dir / "notebooks").rglob("*.html")}

    report_only = {"03_family_help.html", "08_education.html", "09_learning_reviews.html", "10_voice_of_child.html",
                   "11_inspection.html", "12_priorities.html", "13_reconciliation.html", "90_data_dictionary.html",
                   "assurance/reproduction.html", "assurance/claims.html"}
    assert report_only <= pages(camden_edition)
    assert pages(islington_edition) == pages(camden_edition) - report_only
    for page in sorted(pages(islington_edition)):
        text = _text(islington_edition, page[: -len(".html")])
        for phrase in ("not supplied", "not available for this area", "The partnership reports", "front door for",
                       "reconciliation page", "8,583", "Safeguarding Children Partnership",
                       "partnership year", "own figures come from", "partnership figure"):
            assert phrase not in text, f"{page}: {phrase!r}"
    manifest = json.loads(islington_edition.manifest_path.read_text(encoding="utf-8"))
    assert manifest["edition_kind"] == "statistics_profile"
    assert manifest["title"] == "Islington: children’s safeguarding statistics 2024-25".replace("’", "'")
    front = _text(islington_edition, "00_key_findings")
    assert "This profile of the national statistics for Islington covers the year 2024-25" in front


def test_national_figures_for_the_area_are_shown(islington_edition):
    referrals = _national_value("cin_referrals", 2025)
    assert f"Islington received {referrals:,.0f} referrals to children’s social care" in _text(
        islington_edition, "02_front_door")
    looked_after = _national_value("cla_31_march", 2025)
    assert f"looked after {looked_after:,.0f} children" in _text(islington_edition, "05_children_looked_after")


def test_the_edition_is_published_under_the_area_with_its_name(islington_edition):
    assert islington_edition.html_dir.parts[-2:] == (ISLINGTON, "2024-25")
    manifest = json.loads(islington_edition.manifest_path.read_text(encoding="utf-8"))
    areas = pd.read_csv(DataPaths().national / "areas.csv", dtype=str).set_index("area_code")
    assert manifest["parameters"]["area_name"] == areas.at[ISLINGTON, "area_name"] == "Islington"
