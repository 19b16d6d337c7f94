"""The built Camden 2024-25 book shows every figure of the report on the right page.

The figures are read here from the data files themselves (data/partnerships/camden/2024-25/figures.csv
and lists.csv), not from the package, and formatted as the book's conventions say: thousands
separators, a percentage as the report gives it, the qualifier in words ("about 44,000").
"""
import csv
import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal

import pytest
from bs4 import BeautifulSoup

from analysis.config import PROJECT_ROOT, DataPaths
from support.offline import external_resources

YEAR = "2024-25"
FIGURES = DataPaths(partnership_id="camden").year(YEAR) / "figures.csv"
LISTS = DataPaths(partnership_id="camden").year(YEAR) / "lists.csv"
REFERENCE = DataPaths().reference

# The figures each section page glues into its prose, in reading order: {indicator_id} is
# the figure for the edition's period, {indicator_id@period} one for another period, both
# filled in from figures.csv; the last two are worked out from figures there.
GLUED = {
    "01_context": ["children_population", "children_share_of_population", "resident_population"],
    "02_front_door": ["front_door_referrals", "front_door_referrals_change", "front_door_referrals@2023-24"],
    "03_family_help": ["early_help_contacts", "family_group_conference_referrals", "early_help_families_progressed",
                       "early_years_families_supported"],
    "04_child_protection": ["child_protection_plans", "assessments_domestic_violence", "operation_encompass_schools"],
    "05_children_looked_after": ["cla_starters_aged_13_plus", "cla_placed_within_20_miles", "cla_health_dental_checks",
                                 "cla_under5_development_checks"],
    "06_children_missing": ["missing_young_people", "missing_episodes", "episodes_per_young_person",
                            "missing_episodes_24h_or_less", "return_home_conversations"],
    "07_exploitation": ["knife_crime_victims_10_24@2024", "knife_crime_victims_10_24@2023", "knife_crime_change"],
    "08_education": ["early_years_good_outstanding", "schools_good_outstanding", "ehe_register"],
    "09_learning_reviews": ["serious_incident_notifications", "rapid_reviews", "new_lcsprs"],
    "10_voice_of_child": ["cla_contributed_to_reviews", "youth_awards_participants", "youth_external_awards",
                          "youth_work_apprentices"],
}
WORKED_OUT = {"episodes_per_young_person", "knife_crime_change"}
# Two sentences read as the report gives them, with the figures filled in the same way.
SENTENCES = {
    "02_front_door": "There were {front_door_referrals} referrals to the children’s front door in the year",
    "06_children_missing": "{missing_young_people} young people were reported missing {missing_episodes} times",
}


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _round_half_up(value: Decimal, decimals: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _shown(row: dict, unit: str) -> str:
    """A figure as the book prints it: the qualifier, then the number in its unit."""
    number = f"{row['value']}%" if unit.startswith("percentage") else f"{int(Decimal(row['value'])):,}"
    return f"{row['qualifier']} {number}".strip()


def figure_rows() -> dict[str, tuple[int, dict]]:
    """Each row of figures.csv with its row number (the header is row 1), by indicator@period
    and, for the indicator's latest period (the edition's), by indicator id alone."""
    rows: dict[str, tuple[int, dict]] = {}
    latest: dict[str, tuple[int, dict]] = {}
    for number, row in enumerate(_read_csv(FIGURES), start=2):
        rows[f"{row['indicator_id']}@{row['period']}"] = (number, row)
        if row["indicator_id"] not in latest or row["period"] > latest[row["indicator_id"]][1]["period"]:
            latest[row["indicator_id"]] = (number, row)
    return {**rows, **latest}


def expected_figures() -> dict[str, str]:
    """Every figure of figures.csv as printed (keys as in figure_rows), and the two figures
    the pages work out from them."""
    units = {row["indicator_id"]: row["unit"] for row in _read_csv(REFERENCE / "indicators.csv")}
    rows = figure_rows()
    shown = {key: _shown(row, units[row["indicator_id"]]) for key, (_, row) in rows.items()}
    value = {key: Decimal(row["value"]) for key, (_, row) in rows.items()}
    shown["episodes_per_young_person"] = _round_half_up(value["missing_episodes"] / value["missing_young_people"], 1)
    earlier, later = value["knife_crime_victims_10_24@2023"], value["knife_crime_victims_10_24@2024"]
    change = (later - earlier) / earlier * 100
    shown["knife_crime_change"] = f"{'down' if change < 0 else 'up'} {_round_half_up(abs(change), 1)}%"
    return shown


def _soup(edition, page):
    return BeautifulSoup((edition.html_dir / "notebooks" / f"{page}.html").read_text(encoding="utf-8"), "lxml")


def _article_text(soup) -> str:
    """The article's text as a reader sees it, white space collapsed (glued numbers included)."""
    return " ".join(soup.find("article").get_text().split())


def _glued(soup) -> list[str]:
    """The texts glued into the page's prose, in reading order."""
    return [" ".join(span.get_text().split()) for span in soup.find("article").select("span.pasted-text")]


def _is_shown_as(expected: str, glued: str) -> bool:
    """The glued text is the figure, or the figure followed by words ('5% increase')."""
    return glued == expected or glued.startswith(expected + " ")


def test_every_reported_figure_is_checked_on_a_page():
    checked = {key.split("@")[0] for keys in GLUED.values() for key in keys}
    indicators = {row["indicator_id"] for row in _read_csv(FIGURES)}
    assert indicators <= checked, sorted(indicators - checked)


@pytest.mark.parametrize("page", sorted(GLUED))
def test_figures_on_their_section_page(camden_edition, page):
    figures = expected_figures()
    glued = iter(_glued(_soup(camden_edition, page)))
    for key in GLUED[page]:
        # Each figure is glued after the one before it (so two figures cannot swap places).
        assert any(_is_shown_as(figures[key], text) for text in glued), \
            f"{key} = {figures[key]!r} is not glued on {page} (in this order: {GLUED[page]})"


@pytest.mark.parametrize("page", sorted(SENTENCES))
def test_glued_numbers_are_in_sentences(camden_edition, page):
    figures = expected_figures()
    sentence = re.sub(r"\{([^}]+)\}", lambda match: figures[match.group(1)], SENTENCES[page])
    assert sentence in _article_text(_soup(camden_edition, page)).replace("'", "’")


def _lists_by_page() -> dict[str, list[str]]:
    notebooks = {row["section"]: row["notebook"] for row in _read_csv(REFERENCE / "sections.csv")}
    pages: dict[str, list[str]] = {}
    for row in _read_csv(REFERENCE / "lists.csv"):
        pages.setdefault(notebooks[row["section"]], []).append(row["list_id"])
    return pages


@pytest.mark.parametrize("page", sorted(_lists_by_page()))
def test_lists_on_their_section_page(camden_edition, page):
    text = _article_text(_soup(camden_edition, page))
    for list_id in _lists_by_page()[page]:
        items = [row for row in _read_csv(LISTS) if row["list_id"] == list_id]
        assert items, list_id
        for row in items:
            assert " ".join(row["item"].split()) in text, f"{list_id}: {row['item']!r} not on {page}"
            detail = " ".join(row["detail"].split())
            # A detail that continues its item's sentence is shown joined to it, so in lower case.
            assert detail in text or detail[:1].lower() + detail[1:] in text, f"{list_id}: {row['detail']!r} not on {page}"
        positions = [text.index(" ".join(row["item"].split())) for row in sorted(items, key=lambda r: int(r["position"]))]
        assert positions == sorted(positions), f"{list_id} is not in its order on {page}"


def test_every_section_lists_the_source_row_of_each_figure(camden_edition):
    rows = figure_rows()
    for page, keys in GLUED.items():
        sources = _soup(camden_edition, page).find("details", class_="sources")
        assert sources is not None, page
        cited = {int(number) for number in re.findall(r"figures\.csv, row (\d+)", sources.get_text())}
        for key in keys:
            if key in WORKED_OUT:  # no row of its own
                continue
            number, _ = rows[key]
            assert number in cited, f"{page}: {key} (row {number}) is not among its sources {sorted(cited)}"


def test_charts_have_alt_text_and_table(camden_edition):
    for page, chart in [("09_learning_reviews", "review-funnel"), ("06_children_missing", "trend-cla_missing_pct"),
                        ("02_front_door", "trend-cin_referrals_rate")]:
        figure = _soup(camden_edition, page).find("figure", id=f"chart-{chart}")
        assert figure is not None, chart
        assert figure.find("img")["alt"].strip()
        table = figure.find_next("table")
        assert table is not None and table.find("caption")
    funnel = _soup(camden_edition, "09_learning_reviews").find("figure", id="chart-review-funnel")
    cells = [td.get_text() for td in funnel.find_next("table").find_all("td")]
    figures = expected_figures()
    assert cells == ["Serious incident notifications", figures["serious_incident_notifications"],
                     "Rapid reviews", figures["rapid_reviews"], "New LCSPRs", figures["new_lcsprs"]]


def test_every_chart_shows_at_least_three_values(camden_edition):
    # A number against its complement or a derived twin (children against adults, 79.4%
    # against 20.6%, two years of referrals) is a sentence, not a chart.
    charts = 0
    for path in sorted((camden_edition.html_dir / "notebooks").glob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for figure in soup.select("figure.chart"):
            charts += 1
            rows = figure.find_next("details", class_="chart-data").find("tbody").find_all("tr")
            values = [row.find_all("td")[1].get_text(strip=True) for row in rows]
            shown = [value for value in values if value != "not available"]
            assert len(shown) >= 3, f"{path.name}: {figure['id']} shows only {values}"
    assert charts >= 5


def _national_value(indicator_id: str, area_code: str) -> tuple[int, str]:
    rows = [row for row in _read_csv(PROJECT_ROOT / "data" / "national" / "national_indicators.csv")
            if row["indicator_id"] == indicator_id and row["area_code"] == area_code and row["value"]]
    latest = max(rows, key=lambda row: int(row["time_period"]))
    return int(latest["time_period"]), latest["value"]


def test_missing_chart_headline_states_the_level_against_england(camden_edition):
    # Camden's looked-after children went missing at about twice England's rate: that is the
    # story, not the change on the year.
    year, camden = _national_value("cla_missing_pct", "E09000007")
    england_year, england = _national_value("cla_missing_pct", "E92000001")
    assert year == england_year
    title = _soup(camden_edition, "06_children_missing").select_one("#chart-trend-cla_missing_pct .chart-title").get_text()
    ratio = float(camden) / float(england)
    assert 1.75 <= ratio < 2.25, "the published figures changed: the headline below needs a new expectation"
    assert f"about twice England's in {year - 1}-{str(year)[2:]} ({camden}% against {england}%)" in title, title


def test_front_page_tiles_link_to_sections(camden_edition):
    soup = BeautifulSoup((camden_edition.html_dir / "index.html").read_text(encoding="utf-8"), "lxml")
    if soup.find(class_="analysis-tiles") is None:  # index.html may redirect to the root page
        soup = _soup(camden_edition, "00_key_findings")
    tiles = {tile.h3.get_text(strip=True): tile for tile in soup.select("section.analysis-tile")}
    figures = expected_figures()
    referrals = tiles["Referrals to the children's front door"]
    assert referrals.find(class_="analysis-tile-figure").get_text(strip=True) == figures["front_door_referrals"]
    assert referrals.find("a")["href"] == "02_front_door.html"
    assert (f"{figures['knife_crime_change']} from {figures['knife_crime_victims_10_24@2023']} in 2023"
            in tiles["Young victims of knife crime with injury"].get_text())


def test_code_is_hidden_behind_a_toggle(camden_edition):
    soup = _soup(camden_edition, "02_front_door")
    # No code among the findings: only the one collapsed block at the end holds code.
    assert soup.select("div.cell_input") == []
    blocks = soup.select("details.hide")
    assert len(blocks) == 1 and blocks[0] is soup.select("article details")[-1]
    template = json.loads((PROJECT_ROOT / "notebooks" / "02_front_door.ipynb").read_text(encoding="utf-8"))
    # Every code cell of the notebook is in it (the parameters twice: the defaults and the
    # values injected for the build).
    listed = [" ".join(pre.get_text().split()) for pre in blocks[0].select("pre")]
    sources = [" ".join("".join(cell["source"]).split()) for cell in template["cells"] if cell["cell_type"] == "code"]
    assert len(listed) == len(sources) + 1
    assert [code for code in listed if not code.startswith("# Parameters")] == sources


def test_data_dictionary_lists_every_indicator(camden_edition):
    text = _soup(camden_edition, "90_data_dictionary").get_text(" ")
    for row in _read_csv(REFERENCE / "indicators.csv"):
        assert row["indicator_id"] in text
        assert " ".join(row["definition"].split()) in " ".join(text.split()), row["indicator_id"]


def test_no_page_refers_to_resources_on_other_sites(camden_edition, tmp_path):
    site = camden_edition.site_index.parent
    found = external_resources(site)  # every edition and the site index
    assert not found, "the book would load these from other sites:\n" + "\n".join(map(str, found))
    # The same check finds a script from a CDN planted in a copy of one page.
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / camden_edition.html_dir.relative_to(site) / "notebooks" / "02_front_door.html"
    planted = '<script src="https://cdn.example.org/planted.js"></script>'
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", planted + "</head>", 1), encoding="utf-8")
    assert [(item.file, item.url) for item in external_resources(copy)] == [
        (page.relative_to(copy).as_posix(), "https://cdn.example.org/planted.js")]
