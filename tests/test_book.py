"""The built Camden 2024-25 book shows every figure of the report on the right page."""
import re

import pytest
from bs4 import BeautifulSoup

# page -> texts that must appear in the prose of that page, as the book prints them
EXPECTED = {
    "01_context": ["about 44,000", "about 20%", "about 220,000"],
    "02_front_door": ["8,583", "5% increase", "about 8,174"],
    "03_family_help": ["2,131", "260", "86%", "100%"],
    "04_child_protection": ["155", "32%", "56", "Emotional abuse", "Neglect", "Physical abuse", "Sexual abuse"],
    "05_children_looked_after": ["61%", "85%", "89%", "78%"],
    "06_children_missing": ["127", "870", "79.4%", "78%", "6.9"],
    "07_exploitation": ["26", "45", "2024", "2023", "down 42.2%"],
    "08_education": ["350", "99%", "100%"],
    "09_learning_reviews": ["6", "5", "1", "Intersectionality and Identity", "Using History to Understand Risk"],
    "10_voice_of_child": ["100%", "more than 3,700", "more than 1,000", "4"],
    "11_inspection": ["Rated Outstanding (April 2025)", "All rated Good", "accelerated causes of concern have been closed"],
    "12_priorities": ["2023-25", "2025-26", "Mental Health in the family", "Address disproportionality"],
}


def _soup(edition, page):
    return BeautifulSoup((edition.html_dir / "notebooks" / f"{page}.html").read_text(encoding="utf-8"), "lxml")


def _prose(soup):
    """Text of the page's paragraphs (glued numbers sit inside them)."""
    article = soup.find("article")
    return " ".join(p.get_text(" ", strip=True) for p in article.find_all(["p", "li", "td", "th"]))


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_figures_on_their_section_page(camden_edition, page):
    text = _prose(_soup(camden_edition, page))
    for expected in EXPECTED[page]:
        assert re.search(rf"(?<![\d,.]){re.escape(expected)}(?![\d,]|\.\d)", text), f"{expected!r} not on {page}"


def test_glued_numbers_are_in_sentences(camden_edition):
    text = _prose(_soup(camden_edition, "02_front_door"))
    assert "There were 8,583 referrals to the children’s front door in the year" in text.replace("'", "’")
    text = _prose(_soup(camden_edition, "06_children_missing"))
    assert "127 young people were reported missing 870 times" in text


def test_every_section_lists_its_sources(camden_edition):
    for page in EXPECTED:
        if page in ("11_inspection", "12_priorities"):
            continue
        sources = _soup(camden_edition, page).find("details", class_="sources")
        assert sources is not None, page
        assert "data/partnership/2024-25/figures.csv, row" in sources.get_text()


def test_charts_have_alt_text_and_table(camden_edition):
    for page, chart in [("09_learning_reviews", "review-funnel"), ("07_exploitation", "knife-crime-victims"),
                        ("06_children_missing", "missing-by-duration")]:
        figure = _soup(camden_edition, page).find("figure", id=f"chart-{chart}")
        assert figure is not None, chart
        assert figure.find("img")["alt"].strip()
        table = figure.find_next("table")
        assert table is not None and table.find("caption")
    funnel = _soup(camden_edition, "09_learning_reviews").find("figure", id="chart-review-funnel")
    cells = [td.get_text() for td in funnel.find_next("table").find_all("td")]
    assert cells == ["Serious incident notifications", "6", "Rapid reviews", "5", "New LCSPRs", "1"]


def test_front_page_key_findings_link_to_sections(camden_edition):
    soup = BeautifulSoup((camden_edition.html_dir / "index.html").read_text(encoding="utf-8"), "lxml")
    if soup.find("table", class_="key-findings") is None:  # index.html may redirect to the root page
        soup = _soup(camden_edition, "00_key_findings")
    table = soup.find("table", class_="key-findings")
    rows = {row.th.get_text(strip=True): row for row in table.tbody.find_all("tr")}
    referrals = rows["Referrals to the children's front door"]
    assert "8,583" in referrals.get_text() and referrals.a["href"] == "02_front_door.html"
    assert "down 42.2% from 45 in 2023" in rows["Young victims of knife crime with injury"].get_text()


def test_code_is_hidden_behind_a_toggle(camden_edition):
    soup = _soup(camden_edition, "02_front_door")
    cells = soup.select("div.cell")
    code_cells = [c for c in cells if c.select_one("div.cell_input")]
    assert code_cells and all("tag_hide-input" in c["class"] for c in code_cells)


def test_data_dictionary_lists_every_indicator(camden_edition):
    from analysis.catalogue import load_catalogue

    text = _soup(camden_edition, "90_data_dictionary").get_text(" ")
    for indicator in load_catalogue().index:
        assert indicator in text
