"""Assurance pages: register of figures, reproduction of the report, provenance, data log."""
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.assurance import number_shown, numbers_stated, reproduction_table

# Tokens a page may show without registering them: years and dates (exempt by design).
YEAR = r"(?:19|20)\d\d"
EXEMPT = [
    re.compile(rf"^{YEAR}$"),                      # a year: 2024
    re.compile(rf"^{YEAR}-\d\d$"),                  # a financial year: 2024-25
    re.compile(rf"^{YEAR}/\d\d$"),                  # an academic year: 2024/25
]
DATE = re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                  r"November|December) " + YEAR + r"\b")


def test_numbers_stated_reads_digits_and_words():
    assert numbers_stated("submitted six Serious Incident Notifications, leading to five Rapid Reviews") == [6, 5]
    assert numbers_stated("There were 8,583 referrals (5% increase)") == [8583, 5]
    assert numbers_stated("with 79.4% of missing episodes") == [79.4]
    assert number_shown("about 44,000") == 44000 and number_shown("not supplied") is None


def test_reproduction_reports_a_difference_with_its_reason():
    register = pd.DataFrame([
        {"page": "p", "name": "a", "indicator_id": "x", "text": "8,583", "raw_value": "8583", "unit": "count",
         "period": "2024-25", "source_kind": "partnership", "source": "s"},
        {"page": "p", "name": "b", "indicator_id": "y", "text": "8,600", "raw_value": "8600", "unit": "count",
         "period": "2024-25", "source_kind": "partnership", "source": "s"},
    ])
    figures = pd.DataFrame([
        {"indicator_id": "x", "period": "2024-25", "status": "reported", "source_quote": "There were 8,583 referrals", "source_section": "13"},
        {"indicator_id": "y", "period": "2024-25", "status": "reported", "source_quote": "There were 8,583 referrals", "source_section": "13"},
        {"indicator_id": "z", "period": "2024-25", "status": "reported", "source_quote": "six notifications", "source_section": "12"},
    ])
    table = reproduction_table(register, figures).set_index("Indicator")
    assert table.at["x", "Result"] == "Match"
    assert table.at["y", "Result"] == "Differs: the book shows 8,600; the report's sentence states 8583"
    assert table.at["z", "Result"] == "Differs: the book does not show this figure"


def _page(edition, relative):
    return BeautifulSoup((edition.html_dir / relative).read_text(encoding="utf-8"), "lxml")


def test_book_reproduces_every_report_figure(camden_edition):
    soup = _page(camden_edition, "assurance/reproduction.html")
    rows = soup.find_all("table")[1].tbody.find_all("tr")
    results = [row.find_all("td")[-1].get_text(strip=True) for row in rows]
    figures = pd.read_csv("data/partnership/2024-25/figures.csv", dtype=str)
    assert len(results) == (figures["status"] == "reported").sum()
    assert set(results) == {"Match"}


def test_register_is_published_as_page_and_csv(camden_edition):
    csv_files = list(camden_edition.html_dir.glob("_downloads/*/register-of-figures.csv"))
    assert len(csv_files) == 1
    register = pd.read_csv(csv_files[0], dtype=str, keep_default_na=False)
    referrals = register[(register["indicator_id"] == "front_door_referrals") & (register["page"] == "02_front_door")
                         & (register["source_kind"] == "partnership")]
    assert "8,583" in set(referrals["text"])
    assert (referrals["source"].str.startswith("data/partnership/2024-25/figures.csv row")).all()
    page = _page(camden_edition, "assurance/register.html")
    assert page.find("a", href=re.compile(r"register-of-figures\.csv$"))


def _prose_numbers(soup):
    article = soup.find("article")
    for hidden in article.select("div.cell_input, details.sources, details.chart-data, table, figure, .toggle-details"):
        hidden.decompose()
    text = " ".join(el.get_text(" ", strip=True) for el in article.find_all(["p", "li"]))
    text = DATE.sub(" ", text)
    return re.findall(r"\d[\d,]*(?:\.\d+)?(?:[-/]\d+)?", text)


def test_every_number_in_prose_is_in_the_register(camden_edition):
    """Each number in a page's sentences appears in a registered text on that page."""
    register = pd.read_csv(camden_edition.stage_dir / "assurance" / "register-of-figures.csv", dtype=str, keep_default_na=False)
    pages = sorted((camden_edition.html_dir / "notebooks").glob("*.html")) + \
        sorted((camden_edition.html_dir / "assurance").glob("*.html"))
    assert len(pages) >= 20 and not list(camden_edition.html_dir.glob("book/*.html"))
    for path in pages:
        registered = " ".join(register.loc[register["page"] == path.stem, "text"])
        registered_numbers = set(re.findall(r"\d[\d,]*(?:\.\d+)?(?:[-/]\d+)?", registered))
        for number in _prose_numbers(BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")):
            if any(pattern.match(number) for pattern in EXEMPT):
                continue
            assert number in registered_numbers, f"{number} on {path.name} is not in the register"


def test_provenance_and_data_log_pages(camden_edition):
    provenance = _page(camden_edition, "assurance/provenance.html").get_text(" ")
    assert "E09000007" in provenance and "figures.csv" in provenance and "papermill" in provenance
    log = _page(camden_edition, "assurance/data-log.html").get_text(" ")
    assert "Camden Safeguarding Children Partnership" in log and "derived_previous_referrals" in log
    import hashlib
    seed = hashlib.sha256(open("data/partnership/2024-25/sources/camden-cscp-annual-report-2024-25-scrutiny-committee.txt", "rb").read()).hexdigest()
    assert seed in log
