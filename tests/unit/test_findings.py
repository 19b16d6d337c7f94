"""The front page: the stand-out rule, the headline tiles and their HTML, the inspection outcomes."""
import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.config import DataPaths
from analysis.pages.findings import (
    PARTNERSHIP_NOT_TESTED,
    STAND_OUT_LIMIT, Tile, badge_for, headline_tiles, inspection_findings, ranked_measures, sparkline_svg,
    stand_out, stand_out_sentence, tile_html,
)
from analysis.pages.page import Page
from analysis.vocabulary import DOWN, NOT_COMPARABLE, UP

AREA = "E0900000A"


def _catalogue(polarities: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"indicator_id": i, "title": f"Measure {i}", "section": "front_door", "unit": "percentage",
                          "polarity": p} for i, p in polarities.items()])


def _national(values: dict[str, list[float]], year: int = 2025) -> pd.DataFrame:
    """Synthetic local authority values: each measure's list gives authorities A, B, C, ... in turn;
    the area under test is the first."""
    rows = []
    for indicator, numbers in values.items():
        for n, value in enumerate(numbers):
            code = AREA if n == 0 else f"E0900010{n}"
            rows.append({"indicator_id": indicator, "time_period": year, "geographic_level": "Local authority",
                         "area_code": code, "value": value, "decimals": 1})
    rows.append({"indicator_id": next(iter(values)), "time_period": year, "geographic_level": "National",
                 "area_code": "E92000001", "value": 1.0, "decimals": 1})
    return pd.DataFrame(rows)


def _expected(values: list[float], polarity: str) -> tuple[int, int]:
    """The area's rank (1 = best, ties share the better) and band, worked out by counting."""
    mine = values[0]
    others = [v for v in values if not math.isnan(v)]
    better = sum(1 for v in others if (v > mine if polarity == "up_good" else v < mine))
    rank = better + 1
    return rank, math.ceil(4 * rank / len(others))


def test_rank_and_quartile_follow_the_polarity():
    values = {"good": [90.0, 10, 20, 30, 40, 50, 60, 70], "bad": [90.0, 10, 20, 30, 40, 50, 60, 70]}
    ranked = ranked_measures(_national(values), _catalogue({"good": "up_good", "bad": "up_bad"}), AREA, 2025)
    ranked = ranked.set_index("indicator_id")
    for indicator, polarity in (("good", "up_good"), ("bad", "up_bad")):
        rank, band = _expected(values[indicator], polarity)
        assert (ranked.at[indicator, "rank"], ranked.at[indicator, "quartile"]) == (rank, band)
    best, worst = stand_out(ranked.reset_index())
    assert list(best["indicator_id"]) == ["good"] and list(worst["indicator_id"]) == ["bad"]


def test_neutral_and_missing_measures_are_not_eligible():
    values = {"neutral": [1.0, 2, 3, 4], "suppressed": [float("nan"), 2, 3, 4], "ranked": [1.0, 2, 3, 4]}
    catalogue = _catalogue({"neutral": "neutral", "suppressed": "up_bad", "ranked": "up_bad"})
    ranked = ranked_measures(_national(values), catalogue, AREA, 2025)
    assert list(ranked["indicator_id"]) == ["ranked"]
    # Another year's values do not count for the edition's year.
    assert ranked_measures(_national(values, year=2024), catalogue, AREA, 2025).empty


def test_suppressed_authorities_are_not_ranked():
    values = {"m": [5.0, float("nan"), float("nan"), 1, 2, 3, 4, 6]}
    ranked = ranked_measures(_national(values), _catalogue({"m": "up_bad"}), AREA, 2025).iloc[0]
    assert (ranked["rank"], ranked["ranked"]) == (_expected(values["m"], "up_bad")[0], 6)


def test_ties_share_the_better_rank_and_are_ordered_by_title():
    # Both measures put the area level with another authority at the top: same rank, same position.
    values = {"b": [10.0, 10, 1, 2, 3, 4, 5, 6], "a": [10.0, 10, 1, 2, 3, 4, 5, 6]}
    ranked = ranked_measures(_national(values), _catalogue({"b": "up_good", "a": "up_good"}), AREA, 2025)
    assert list(ranked["rank"]) == [1, 1]
    best, _ = stand_out(ranked)
    assert list(best["title"]) == ["Measure a", "Measure b"]


def test_best_first_and_worst_first_at_most_the_limit():
    # Eight authorities; the area is 1st, 2nd, ... on measures m0, m1, ... (up_bad: lower is better).
    values = {f"m{k}": [float(k) + 0.5] + [float(v) for v in range(8) if v != k] for k in range(8)}
    ranked = ranked_measures(_national(values), _catalogue({i: "up_bad" for i in values}), AREA, 2025)
    best, worst = stand_out(ranked, limit=1)
    assert list(best["indicator_id"]) == ["m0"] and list(worst["indicator_id"]) == ["m7"]
    best, worst = stand_out(ranked, limit=STAND_OUT_LIMIT)
    assert list(best["indicator_id"]) == ["m0", "m1"]  # ranks 1 and 2 of 8 are the best quartile
    assert list(worst["indicator_id"]) == ["m7", "m6"]  # worst first
    assert best["position"].is_monotonic_increasing and worst["position"].is_monotonic_decreasing


def test_an_area_with_fewer_eligible_measures_gets_shorter_lists_and_says_so():
    values = {"only": [1.0, 2, 3, 4]}
    ranked = ranked_measures(_national(values), _catalogue({"only": "up_good"}), AREA, 2025)
    best, worst = stand_out(ranked)
    assert best.empty and list(worst["indicator_id"]) == ["only"]
    assert stand_out_sentence("Area", "2024-25", len(ranked), len(best), len(worst)) == (
        "Of the 1 measure with a better direction that has a published value for Area in 2024-25, 0 place "
        "Area in the best quartile of local authorities in England and 1 in the worst quartile.")
    assert stand_out_sentence("Area", "2024-25", 0, 0, 0).startswith("None of the national measures")


def test_the_rule_on_the_real_extract_matches_a_count_of_better_authorities():
    page = Page("00_key_findings", "2024-25", "E09000007", "", "")
    national = page.national()
    ranked = ranked_measures(national.national, national.catalogue, "E09000007", 2025).set_index("indicator_id")
    table = national.national
    for indicator, row in ranked.iterrows():
        las = table[(table["indicator_id"] == indicator) & (table["time_period"] == 2025)
                    & (table["geographic_level"] == "Local authority")].dropna(subset=["value"])
        mine = las.loc[las["area_code"] == "E09000007", "value"].iloc[0]
        better = las["value"] > mine if row["polarity"] == "up_good" else las["value"] < mine
        assert row["rank"] == better.sum() + 1 and row["ranked"] == len(las), indicator


def test_badge_says_the_verdict_in_words():
    assert badge_for(UP, True) == "Significant increase"
    assert badge_for(DOWN, True) == "Significant decrease"
    assert badge_for(DOWN, False) == "No significant change"
    assert badge_for(NOT_COMPARABLE, None) == "Not tested"


def test_sparkline_is_an_image_with_its_values_as_text():
    trend = [("2022-23", 50.0), ("2023-24", float("nan")), ("2024-25", 40.0), ("2025-26", 45.0)]
    svg = BeautifulSoup(sparkline_svg(trend, "percentage"), "html.parser").svg
    assert svg["role"] == "img"
    assert svg.title.get_text() == svg["aria-label"] == (
        "Trend line from 2022-23 to 2025-26: lowest 40.0% (2024-25), highest 50.0% (2022-23), latest 45.0% (2025-26).")
    points = [tuple(map(float, p.split(","))) for p in svg.polyline["points"].split()]
    assert len(points) == 3  # the missing year is left out
    # 32 px high with 3 px of padding: the highest value at y = 3, the lowest at y = 29 (SVG y grows
    # downwards), 45 half way between.
    assert [y for _, y in points] == [3.0, 29.0, 16.0]
    assert sparkline_svg([("2024-25", 1.0)], "count") == ""


def test_tile_html_has_a_heading_the_figure_the_verdict_and_a_link():
    tile = Tile("knife", "Young victims of knife crime", "26", "2024", "down 42.2% from 45 in 2023",
                "Decreased from 45 to 26 (statistically significant at 95%); an improvement", "Significant decrease",
                "", "Exploitation", "07_exploitation", [("2023", 45.0), ("2024", 26.0)], "count")
    soup = BeautifulSoup(tile_html(tile), "html.parser")
    assert soup.section["id"] == "tile-knife"
    assert soup.h3.get_text() == "Young victims of knife crime"
    text = soup.get_text(" ")
    for part in ("26", "2024", "Significant decrease", "down 42.2% from 45 in 2023", "an improvement"):
        assert part in text
    assert soup.a["href"] == "07_exploitation.html" and soup.a.get_text() == "Exploitation"
    assert soup.svg["aria-label"].startswith("Trend line from 2023 to 2024")


def test_camden_tiles_are_registered_and_tested(tmp_path):
    page = Page("00_key_findings", "2024-25", "E09000007", "", str(tmp_path))
    tiles = {t.indicator_id: t for t in headline_tiles(page)}
    listed = pd.read_csv(DataPaths().reference / "key_findings.csv", dtype=str)
    assert list(tiles) == list(listed.sort_values("position", key=lambda p: p.astype(int))["indicator_id"])
    figures = pd.read_csv(DataPaths(partnership_id="camden").year("2024-25") / "figures.csv", dtype=str).set_index(["indicator_id", "period"])
    knife = tiles["knife_crime_victims_10_24"]
    before, after = (float(figures.at[("knife_crime_victims_10_24", p), "value"]) for p in ("2023", "2024"))
    assert knife.figure == f"{after:g}" and knife.change.startswith(f"down {(before - after) / before * 100:.1f}%")
    # 45 to 26 is beyond Poisson variation, but national counts vary far more than Poisson allows
    # and nothing measures how much the partnership's own do: shown, not tested.
    assert knife.badge == "Not tested" and knife.verdict == PARTNERSHIP_NOT_TESTED
    register = pd.read_csv(page.register_path, dtype=str, keep_default_na=False).set_index("name")
    for tile in tiles.values():
        assert register.at[f"key_{tile.indicator_id}", "text"] == tile.figure
    assert register.at["key_cin_rereferrals_pct_england", "text"].startswith("England 22.6%")


@pytest.mark.parametrize("area_code", ["E09000019", "E08000035"])
def test_an_area_without_partnership_figures_gets_national_tiles_only(tmp_path, area_code):
    page = Page("00_key_findings", "2024-25", area_code, "", str(tmp_path))
    tiles = headline_tiles(page)
    listed = pd.read_csv(DataPaths().reference / "key_findings.csv", dtype=str)
    assert [t.indicator_id for t in tiles] == list(listed.loc[listed["source"] == "national", "indicator_id"])
    assert all(t.comparison.startswith("England ") for t in tiles)
    html = inspection_findings(page, "Area", "summary_inspection")
    register = pd.read_csv(page.register_path, dtype=str, keep_default_na=False).set_index("name")
    assert "not available" in html and "national statistics only" in register.at["summary_inspection", "text"]


def test_inspection_outcomes_come_from_the_lists(tmp_path):
    page = Page("00_key_findings", "2024-25", "E09000007", "", str(tmp_path))
    items = pd.read_csv(DataPaths(partnership_id="camden").year("2024-25") / "lists.csv", dtype=str)
    inspections = items[items["list_id"] == "inspections"]
    soup = BeautifulSoup(inspection_findings(page, "Camden", "summary_inspection"), "html.parser")
    assert [li.strong.get_text() for li in soup.find_all("li")] == list(inspections["item"])
    register = pd.read_csv(page.register_path, dtype=str, keep_default_na=False).set_index("name")
    first = inspections.iloc[0]
    assert register.at["summary_inspection", "text"] == f"{first['item']} \u2014 {first['detail']}."


def test_a_rate_tiles_unit_is_set_apart_from_its_number():
    tile = Tile("cpp", "Children on a child protection plan", "42.8 per 10,000 children", "31 March 2025", "",
                "No earlier figure to compare with", "Not tested", "", "Child protection", "04_child_protection",
                [], "rate_per_10000")
    figure = BeautifulSoup(tile_html(tile), "html.parser").find(class_="analysis-tile-figure")
    assert figure.find(class_="analysis-tile-unit").get_text() == "per 10,000 children"
    assert figure.get_text(" ", strip=True) == "42.8 per 10,000 children"
    assert "analysis-tile-unit" not in tile_html(Tile("n", "Referrals", "8,583", "2024-25", "", "", "", "", "s", "s",
                                                       [], "count"))
