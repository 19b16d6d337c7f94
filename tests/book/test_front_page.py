"""The built front page: where the area stands out follows the stated rule, worked out here
independently from the national extract; the inspection outcomes come from the lists; an area
without partnership figures gets national tiles only."""
import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.config import DataPaths
from analysis.national.load import load_national, national_catalogue

YEAR = "2024-25"
LIMIT = 5  # the page says "at most 5 of each"


def _front_page(edition) -> BeautifulSoup:
    return BeautifulSoup((edition.html_dir / "notebooks" / "00_key_findings.html").read_text(encoding="utf-8"), "lxml")


def _expected_lists(area_code: str) -> tuple[list[str], list[str]]:
    """The rule on the page, applied by counting: for every measure with a better direction, the
    area's rank is one more than the authorities with a better published value; its quarter is
    ceil(4 x rank / authorities ranked)."""
    national = load_national(DataPaths().national)
    catalogue = national_catalogue(DataPaths().reference)
    time_period = int(YEAR[:4]) + 1  # DfE's year ending 31 March
    measures = []
    for meta in catalogue.itertuples():
        if meta.polarity not in ("up_good", "up_bad"):
            continue
        las = national[(national["indicator_id"] == meta.indicator_id) & (national["time_period"] == time_period)
                       & (national["geographic_level"] == "Local authority") & national["value"].notna()]
        mine = las.loc[las["area_code"] == area_code, "value"]
        if mine.empty:
            continue
        better = (las["value"] > mine.iloc[0]) if meta.polarity == "up_good" else (las["value"] < mine.iloc[0])
        rank = int(better.sum()) + 1
        measures.append((meta.title, rank / len(las), math.ceil(4 * rank / len(las))))
    best = sorted((m for m in measures if m[2] == 1), key=lambda m: (m[1], m[0]))
    worst = sorted((m for m in measures if m[2] == 4), key=lambda m: (-m[1], m[0]))
    return [m[0] for m in best[:LIMIT]], [m[0] for m in worst[:LIMIT]]


def _listed(soup: BeautifulSoup, name: str) -> list[str]:
    block = soup.find(id=f"standout-{name}")
    assert block is not None, f"no {name} list on the front page"
    if block.find("table") is None:
        return []
    return [row.find("td").get_text(strip=True) for row in block.find("tbody").find_all("tr")]


@pytest.mark.parametrize("edition_name, area_code", [("camden_edition", "E09000007"),
                                                      ("islington_edition", "E09000019")])
def test_best_and_worst_follow_the_rule_on_the_page(request, edition_name, area_code):
    soup = _front_page(request.getfixturevalue(edition_name))
    best, worst = _expected_lists(area_code)
    assert _listed(soup, "best") == best
    assert _listed(soup, "worst") == worst
    text = " ".join(soup.find("article").get_text(" ").split())
    assert f"at most {LIMIT} of each" in text  # the rule is stated where the lists are


def test_camden_front_page_leads_with_the_inspection_outcome(camden_edition):
    lists = pd.read_csv(DataPaths(partnership_id="camden").year(YEAR) / "lists.csv", dtype=str)
    inspections = lists[lists["list_id"] == "inspections"]
    article = _front_page(camden_edition).find("article")
    listed = [li.get_text(" ", strip=True) for li in article.select("ul.analysis-inspections li")]
    assert len(listed) == len(inspections)
    for shown, item in zip(listed, inspections.itertuples()):
        shown = shown.replace("\u2019", "'")
        assert item.item in shown and item.detail in shown
    # The first outcome is in the summary paragraph, before the headline tiles.
    first = inspections.iloc[0]
    # Sphinx prints straight apostrophes as curly ones.
    summary = article.find(string=lambda s: s and first["detail"] in s and first["item"] in s.replace("\u2019", "'"))
    assert summary is not None
    tiles = article.find(class_="analysis-tiles")
    assert summary.find_next(class_="analysis-tiles") is tiles


def test_islington_front_page_has_national_tiles_only(islington_edition):
    soup = _front_page(islington_edition)
    findings = pd.read_csv(DataPaths().reference / "key_findings.csv", dtype=str)
    shown = [tile["id"].removeprefix("tile-") for tile in soup.select("section.analysis-tile")]
    assert shown == list(findings.loc[findings["source"] == "national", "indicator_id"])
    assert soup.select("ul.analysis-inspections") == []
    text = " ".join(soup.find("article").get_text(" ").split())
    assert "This profile of the national statistics for Islington covers the year 2024-25" in text
    assert "not available" not in text and "Inspection outcomes" not in text
