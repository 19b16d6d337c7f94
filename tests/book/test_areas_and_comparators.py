"""Any area: a reorganised authority's trend joined to its predecessor's, a partnership over two
authorities combined from their published figures, London boroughs compared
with London and Inner London, neighbour averages that say how many neighbours had a value, and
figures older than the edition said to be the latest published.

North Yorkshire (E06000065) replaced North Yorkshire County Council (E10000023) on 1 April 2023;
DfE publishes both under authority code 815. Kent (E10000016) is a shire county with no
partnership figures here: a statistics profile. Expected figures are read here from the raw
DfE files in ../shared/data/dfe (beside the project) with csv, not through the package.
"""
from __future__ import annotations

import csv
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import KENT, NORTH_YORKSHIRE, PAN_DORSET

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
YEAR = "2024-25"
COUNTY = "E10000023"
REFERRALS_FILE = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
POPULATION_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"
MISSING_FILE = "la_children_who_were_missing_or_away_from_placement_without_authorisation.csv"

DORSET, BCP = "E06000059", "E06000058"


@pytest.fixture(scope="module", autouse=True)
def raw_files():
    """The raw DfE files the expected figures are read from: a failure in CI, else a skip."""
    if not RAW.is_dir():
        reason = f"the raw DfE files are not at {RAW}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: they must be there)")
        pytest.skip(reason)


# ---------------------------------------------------------------- reading
def _raw_rows(file: str) -> list[dict]:
    with open(RAW / file, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _page(edition, page: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html_dir / "notebooks" / f"{page}.html").read_text(encoding="utf-8"), "lxml")


def _chart(edition, page: str, indicator: str):
    """(figure caption, alt text, {period: {column: cell}}) of an indicator's trend chart."""
    figure = _page(edition, page).find(id=f"chart-trend-{indicator}")
    assert figure is not None, f"no trend chart of {indicator} on {page}"
    table = figure.find_next_sibling("details").find("table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
        rows[cells[0]] = dict(zip(headers, cells))
    return figure.find("figcaption").get_text(" ", strip=True), figure.find("img")["alt"], rows


def _comparison_table(edition, page: str) -> tuple[list[str], list[dict]]:
    """The headers and rows of the page's '... compared with similar areas' table."""
    for table in _page(edition, page).find_all("table"):
        caption = table.find("caption")
        if caption and "compared with similar areas" in caption.get_text():
            headers = [th.get_text(strip=True) for th in table.select("thead th")]
            rows = [dict(zip(headers, [td.get_text(strip=True) for td in tr.find_all(["th", "td"])]))
                    for tr in table.select("tbody tr")]
            return headers, rows
    raise AssertionError(f"no comparison table on {page}")


def _label(year_ending: int) -> str:
    return f"{year_ending - 1}-{year_ending % 100:02d}"


def _one_decimal(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- North Yorkshire
def test_north_yorkshires_trend_joins_the_county_years_and_marks_them(north_yorkshire_edition):
    caption, alt, rows = _chart(north_yorkshire_edition, "02_front_door", "cin_referrals_rate")
    referrals = _raw_rows(REFERRALS_FILE)
    county_years = sorted(int(r["time_period"]) for r in referrals if r["new_la_code"] == COUNTY)
    unitary_years = sorted(int(r["time_period"]) for r in referrals if r["new_la_code"] == NORTH_YORKSHIRE)
    assert county_years and min(county_years) < min(unitary_years)
    # every year DfE published for the county, before the unitary's own, is in the chart
    assert {_label(year) for year in county_years} <= set(rows)
    assert {_label(year) for year in unitary_years} <= set(rows)
    dfe_code = {r["old_la_code"] for r in referrals if r["new_la_code"] == COUNTY}
    assert dfe_code == {r["old_la_code"] for r in referrals if r["new_la_code"] == NORTH_YORKSHIRE}
    note = (f"Before 1 April 2023: North Yorkshire ({COUNTY}), the authority replaced on that date, "
            f"published by DfE under the same authority code {dfe_code.pop()}.")
    assert note in caption
    assert note in alt


def test_a_joined_county_rate_is_the_one_worked_out_from_the_raw_files(north_yorkshire_edition):
    _, _, rows = _chart(north_yorkshire_edition, "02_front_door", "cin_referrals_rate")
    year = 2019  # 2018-19, four years before the unitary
    referral = next(r for r in _raw_rows(REFERRALS_FILE)
                    if r["new_la_code"] == COUNTY and r["time_period"] == str(year))
    population = next(r for r in _raw_rows(POPULATION_FILE)
                      if r["new_la_code"] == COUNTY and r["time_period"] == str(year - 1))
    rate = Decimal(referral["referral_count"]) / Decimal(population["population_estimate"]) * 10000
    assert rows[_label(year)]["North Yorkshire (per 10,000 children)"] == _one_decimal(rate)


def test_the_joined_population_is_the_county_estimate(north_yorkshire_edition):
    caption, _, rows = _chart(north_yorkshire_edition, "01_context", "population_0_17")
    estimate = next(r for r in _raw_rows(POPULATION_FILE)
                    if r["new_la_code"] == COUNTY and r["time_period"] == "2015")
    assert rows["mid-2015"]["North Yorkshire"] == f"{int(estimate['population_estimate']):,}"
    assert f"North Yorkshire ({COUNTY})" in caption


# ---------------------------------------------------------------- Camden: London and Inner London
def test_camdens_comparison_table_shows_london_and_inner_london(camden_edition):
    headers, rows = _comparison_table(camden_edition, "02_front_door")
    assert "Region (London)" in headers and "Sub-region (Inner London)" in headers
    row = next(r for r in rows if r["Measure"].startswith("Re-referrals within 12 months"))
    published = {r["region_code"]: r["rereferral_percent"] for r in _raw_rows(REFERRALS_FILE)
                 if r["geographic_level"] == "Regional" and r["time_period"] == "2025"}
    assert row["Region (London)"] == published["E12000007"]
    assert row["Sub-region (Inner London)"] == published["E13000001"]


def test_a_neighbour_average_says_how_many_of_the_ten_had_a_value(camden_edition):
    _, rows = _comparison_table(camden_edition, "02_front_door")
    cells = [r["Statistical neighbours (average)"] for r in rows]
    assert all(re.fullmatch(r"[\d.,]+ \(average of \d+ of 10\)|too few \(\d+ of 10\)", cell) for cell in cells), cells
    text = _page(camden_edition, "02_front_door").get_text(" ", strip=True)
    assert re.search(r"shown only when at least \d+ of them have a published figure", text)


def test_camdens_trend_shows_london_and_inner_london(camden_edition):
    _, alt, rows = _chart(camden_edition, "02_front_door", "cin_referrals_rate")
    assert {"London (per 10,000 children)", "Inner London (per 10,000 children)", "England (per 10,000 children)"} <= set(
        next(iter(rows.values())))
    assert "Also shown for comparison: London, Inner London, England." in alt


def test_a_figure_older_than_the_edition_is_said_to_be_the_latest_published(camden_edition):
    latest = max(int(r["time_period"]) for r in _raw_rows(MISSING_FILE) if r["new_la_code"] == "E09000007")
    assert latest < 2025  # the edition's DfE year
    _, rows = _comparison_table(camden_edition, "06_children_missing")
    assert {r["Period"] for r in rows} == {f"{_label(latest)} (latest published)"}
    text = _page(camden_edition, "06_children_missing").get_text(" ", strip=True)
    assert re.search(rf"In {_label(latest)} \(latest published\)\s*,", text)


# ---------------------------------------------------------------- Kent: a shire county's profile
def test_kent_is_a_statistics_profile_that_names_only_kent(kent_edition):
    import json

    manifest = json.loads(kent_edition.manifest_path.read_text(encoding="utf-8"))
    assert manifest["title"] == "Kent: children's safeguarding statistics 2024-25"
    assert manifest["edition_kind"] == "statistics_profile"
    pages = sorted((kent_edition.html_dir / "notebooks").rglob("*.html"))
    assert not (kent_edition.html_dir / "notebooks" / "13_reconciliation.html").exists()
    for path in pages:
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").get_text(" ", strip=True)
        assert "Camden" not in text and "Safeguarding Children Partnership" not in text, path.name
        assert "Kent: children's safeguarding statistics 2024-25" in text.replace("\u2019", "'"), path.name


def test_two_of_kents_figures_are_the_published_ones(kent_edition):
    referrals = next(r for r in _raw_rows(REFERRALS_FILE) if r["new_la_code"] == KENT and r["time_period"] == "2025"
                     and r["geographic_level"] == "Local authority")
    looked_after = next(r for r in _raw_rows("cla_number_and_rate_per_10k_children.csv")
                        if r["new_la_code"] == KENT and r["time_period"] == "2025"
                        and r["population_type"] == "Children looked after on 31 March each year")
    front_door = _page(kent_edition, "02_front_door").get_text(" ", strip=True)
    assert f"Kent received {int(referrals['referral_count']):,} referrals" in front_door
    cla = _page(kent_edition, "05_children_looked_after").get_text(" ", strip=True)
    assert f"Kent looked after {int(looked_after['children_count']):,} children" in cla


# ---------------------------------------------------------------- Pan-Dorset: two authorities, one partnership
def _raw_referrals(code: str, year: int) -> dict:
    return next(r for r in _raw_rows(REFERRALS_FILE) if r["new_la_code"] == code and r["time_period"] == str(year)
                and r["geographic_level"] == "Local authority")


def _raw_children(code: str, mid_year: int) -> int:
    return int(next(r for r in _raw_rows(POPULATION_FILE) if r["new_la_code"] == code
                    and r["time_period"] == str(mid_year) and r["age_group"] == "Children aged 0 to 17 years"
                    )["population_estimate"])


def _other_authorities_named(edition, area_code: str, own: tuple[str, ...]) -> dict[str, list[str]]:
    """Local authority names on the edition's pages other than the area's own names and its
    statistical neighbours' (which the comparison pages name on purpose), by page."""
    from analysis.config import DataPaths
    from analysis.national.load import load_areas, load_neighbours

    areas = load_areas(DataPaths().national)
    try:
        neighbours = tuple(load_neighbours(area_code)["neighbour_name"])
    except (ValueError, FileNotFoundError):
        neighbours = ()
    allowed = own + neighbours
    others = [name for name in areas.loc[areas["geographic_level"] == "Local authority", "area_name"]
              if not any(name in mine for mine in allowed) and name != "Reading"]  # "Reading" is also a word
    found = {}
    for path in sorted((edition.html_dir / "notebooks").rglob("*.html")):
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").get_text(" ", strip=True)
        named = sorted({name for name in others if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text)})
        if named:
            found[path.name] = named
    return found


@pytest.mark.parametrize("edition, area_code, name, title", [
    ("kent_edition", KENT, "Kent", "Kent: children's safeguarding statistics 2024-25"),
    ("north_yorkshire_edition", NORTH_YORKSHIRE, "North Yorkshire",
     "North Yorkshire: children's safeguarding statistics 2024-25"),
    ("camden_edition", "E09000007", "Camden", "Camden Safeguarding Children Partnership: annual report 2024-25"),
])
def test_each_edition_says_whose_it_is_and_names_no_other_area(request, edition, area_code, name, title):
    import json

    built = request.getfixturevalue(edition)
    manifest = json.loads(built.manifest_path.read_text(encoding="utf-8"))
    assert manifest["title"] == title
    assert manifest["edition_kind"] == ("annual_report" if "annual report" in title else "statistics_profile")
    assert _other_authorities_named(built, area_code, (name,)) == {}


@pytest.mark.parametrize("edition, area_code, name", [
    ("kent_edition", KENT, "Kent"), ("north_yorkshire_edition", NORTH_YORKSHIRE, "North Yorkshire"),
])
def test_two_national_figures_are_the_published_ones(request, edition, area_code, name):
    built = request.getfixturevalue(edition)
    referrals = _raw_referrals(area_code, 2025)
    looked_after = next(r for r in _raw_rows("cla_number_and_rate_per_10k_children.csv")
                        if r["new_la_code"] == area_code and r["time_period"] == "2025"
                        and r["population_type"] == "Children looked after on 31 March each year")
    front_door = _page(built, "02_front_door").get_text(" ", strip=True)
    assert f"{name} received {int(referrals['referral_count']):,} referrals" in front_door
    cla = _page(built, "05_children_looked_after").get_text(" ", strip=True)
    assert f"{name} looked after {int(looked_after['children_count']):,} children" in cla


def test_pan_dorset_is_a_statistics_profile_that_names_only_its_own_authorities(pan_dorset_edition):
    import json

    from analysis.config import DataPaths
    from analysis.national.load import load_areas

    manifest = json.loads(pan_dorset_edition.manifest_path.read_text(encoding="utf-8"))
    title = "Pan-Dorset Safeguarding Children Partnership: children's safeguarding statistics 2024-25"
    assert manifest["title"] == title and manifest["edition_kind"] == "statistics_profile"
    assert pan_dorset_edition.html_dir.parts[-2:] == (PAN_DORSET, YEAR)
    assert not (pan_dorset_edition.html_dir / "notebooks" / "13_reconciliation.html").exists()
    areas = load_areas(DataPaths().national)
    own = ("Dorset", "Bournemouth, Christchurch and Poole", "Pan-Dorset")
    others = [name for name in areas.loc[areas["geographic_level"] == "Local authority", "area_name"]
              if not any(name in mine for mine in own)]
    pages = sorted((pan_dorset_edition.html_dir / "notebooks").rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").get_text(" ", strip=True)
        assert title in text.replace("\u2019", "'"), path.name
        leaked = [name for name in others if re.search(rf"\b{re.escape(name)}\b", text)]
        assert not leaked, (path.name, leaked[:5])


def test_pan_dorsets_referrals_are_the_two_authorities_added_up_from_the_raw_files(pan_dorset_edition):
    count = sum(int(_raw_referrals(code, 2025)["referral_count"]) for code in (DORSET, BCP))
    children = sum(_raw_children(code, 2024) for code in (DORSET, BCP))
    rate = _one_decimal(Decimal(count) / Decimal(children) * 10000)
    mean_of_rates = (Decimal(_raw_referrals(DORSET, 2025)["referral_count"]) / _raw_children(DORSET, 2024)
                     + Decimal(_raw_referrals(BCP, 2025)["referral_count"]) / _raw_children(BCP, 2024)) * 5000
    assert rate != _one_decimal(mean_of_rates)  # the check below can tell a sum from an average
    text = _page(pan_dorset_edition, "02_front_door").get_text(" ", strip=True)
    assert f"Pan-Dorset received {count:,} referrals to children\u2019s social care, {rate} per 10,000 children" in text
    _, _, rows = _chart(pan_dorset_edition, "02_front_door", "cin_referrals_rate")
    assert rows["2024-25"]["Pan-Dorset (per 10,000 children)"] == rate
    dorset = Decimal(_raw_referrals(DORSET, 2025)["referral_count"]) / _raw_children(DORSET, 2024) * 10000
    assert rows["2024-25"]["Dorset (per 10,000 children)"] == _one_decimal(dorset)


def test_pan_dorsets_re_referral_share_is_recomputed_and_each_authority_is_ranked(pan_dorset_edition):
    rereferrals = sum(int(_raw_referrals(code, 2025)["rereferral_count"]) for code in (DORSET, BCP))
    referrals = sum(int(_raw_referrals(code, 2025)["referral_count"]) for code in (DORSET, BCP))
    share = _one_decimal(Decimal(rereferrals) / Decimal(referrals) * 100)
    soup = _page(pan_dorset_edition, "02_front_door")
    table = next(t for t in soup.find_all("table") if "and its authorities compared" in t.find("caption").get_text())
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    row = next(dict(zip(headers, [td.get_text(strip=True) for td in tr.find_all("td")]))
               for tr in table.select("tbody tr") if tr.find("td").get_text(strip=True).startswith("Re-referrals"))
    from scipy import stats

    ci = stats.binomtest(rereferrals, referrals).proportion_ci(method="wilson")
    interval = f"{_one_decimal(Decimal(ci.low * 100))} to {_one_decimal(Decimal(ci.high * 100))}"
    assert row["Pan-Dorset (95% confidence interval)"] == f"{share} ({interval})"
    dorset = next(h for h in headers if h.startswith("Dorset and its rank"))
    ranked = [r for r in _raw_rows(REFERRALS_FILE) if r["time_period"] == "2025"
              and r["geographic_level"] == "Local authority" and r["rereferral_percent"] not in ("", "c", "x", "z")]
    own = Decimal(_raw_referrals(DORSET, 2025)["rereferral_percent"])
    rank = 1 + sum(Decimal(r["rereferral_percent"]) < own for r in ranked)  # lower is better
    assert row[dorset] == f"{own} ({rank} / {len(ranked)})"
    text = soup.get_text(" ", strip=True)
    assert "a figure is never an average of the authorities" in text and "as a whole is not ranked" in text


def test_camdens_referral_rate_has_its_exact_poisson_interval_from_the_raw_files(camden_edition):
    from scipy import stats

    camden = "E09000007"
    count = int(_raw_referrals(camden, 2025)["referral_count"])
    children = _raw_children(camden, 2024)
    lower = Decimal(stats.chi2.ppf(0.025, 2 * count) / 2) / children * 10000
    upper = Decimal(stats.chi2.ppf(0.975, 2 * count + 2) / 2) / children * 10000
    _, alt, rows = _chart(camden_edition, "02_front_door", "cin_referrals_rate")
    assert rows["2024-25"]["Camden: 95% confidence interval"] == f"{_one_decimal(lower)} to {_one_decimal(upper)}"
    assert "Error bars show the 95% confidence interval" in alt


def test_camdens_comparison_table_gives_the_re_referral_share_with_its_wilson_interval(camden_edition):
    from scipy import stats

    raw = _raw_referrals("E09000007", 2025)
    ci = stats.binomtest(int(raw["rereferral_count"]), int(raw["referral_count"])).proportion_ci(method="wilson")
    interval = f"{_one_decimal(Decimal(ci.low * 100))} to {_one_decimal(Decimal(ci.high * 100))}"
    _, rows = _comparison_table(camden_edition, "02_front_door")
    row = next(r for r in rows if r["Measure"].startswith("Re-referrals within 12 months"))
    assert row["Camden (95% confidence interval)"] == f"{raw['rereferral_percent']} ({interval})"
