"""The claims page of the built Camden 2024-25 edition, checked against the national figures read
here independently: data/national/national_indicators.csv and the edition's claims.csv, with csv,
not with the package's loaders or checks."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CAMDEN = "E09000007"
CLAIMS = PROJECT_ROOT / "data/partnerships/camden/2024-25/claims.csv"
PAGE = "notebooks/assurance/claims.html"
CHECKED = "Claims checked against the national statistics"
NOT_CHECKED = "Claims the national statistics cannot check, and why"
WORDS = {"up": "higher", "down": "lower"}


def _read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _units() -> dict[str, str]:
    return {row["indicator_id"]: row["unit"] for row in _read(PROJECT_ROOT / "data/reference/national_indicators.csv")}


def _series(indicator_id: str, area_code: str = CAMDEN) -> dict[int, str]:
    """The area's published values of one indicator as written in the extract, by time period."""
    return {int(row["time_period"]): row["value"]
            for row in _read(PROJECT_ROOT / "data/national/national_indicators.csv")
            if row["indicator_id"] == indicator_id and row["area_code"] == area_code and row["value"]}


def _shown(value: str, unit: str) -> str:
    """A published value as the page writes it (the Camden values these claims read)."""
    if unit == "count":
        return f"{int(float(value)):,}"
    return value + ("%" if unit == "percentage" else "")


def _moved(earlier: str, later: str) -> str:
    return "same" if float(later) == float(earlier) else "up" if float(later) > float(earlier) else "down"


def expected(claim: dict) -> tuple[str, list[str]]:
    """The verdict worked out here, and the published values that decide it."""
    series, unit = _series(claim["indicator_id"]), _units()[claim["indicator_id"]]
    periods = [int(p) for p in claim["periods"].split(";")]
    direction = claim["direction"]
    if claim["kind"] == "direction":
        *earlier, last = periods
        holds = all(_moved(series[year], series[last]) == direction for year in earlier)
        years = periods
    elif claim["kind"] == "continuous":
        years = list(range(periods[0], periods[-1] + 1))
        breaks = [(a, b) for a, b in zip(years, years[1:]) if _moved(series[a], series[b]) != direction]
        holds = not breaks
        years = [periods[0], periods[-1]] if holds else [year for pair in breaks for year in pair]
    elif claim["kind"] == "peak":
        year = periods[0]
        holds = float(series[year]) > max(float(series[year - 1]), float(series[year + 1]))
        years = [year - 1, year, year + 1]
    else:
        raise AssertionError(f"{claim['claim_id']}: a {claim['kind']} claim; add its check here")
    return ("Supported" if holds else "Not supported"), [_shown(series[y], unit) for y in years]


def _table(soup, caption: str) -> list[dict]:
    table = soup.find("caption", string=caption).find_parent("table")
    headings = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    return [dict(zip(headings, (td.get_text() for td in tr.find_all("td")))) for tr in table.tbody.find_all("tr")]


@pytest.fixture(scope="module")
def page(camden_edition):
    return BeautifulSoup((camden_edition.html_dir / PAGE).read_text(encoding="utf-8"), "lxml")


def test_the_page_is_titled_and_in_the_assurance_part_after_the_reproduction_page(page):
    assert page.find("h1").get_text(" ", strip=True).startswith("Claims checked against national statistics")
    parts = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
    assurance = [chapter["file"] for chapter in parts[-1]["chapters"]]
    assert assurance.index("notebooks/assurance/claims") == assurance.index("notebooks/assurance/reproduction") + 1


def test_each_checkable_claims_verdict_agrees_with_the_national_figures(page):
    claims = [row for row in _read(CLAIMS) if row["checkable"] == "yes"]
    shown = {row["What the report says"]: row for row in _table(page, CHECKED)}
    assert len(shown) == len(claims) > 0
    for claim in claims:
        row = shown[f"\u201c{claim['quote']}\u201d"]
        verdict, values = expected(claim)
        assert row["Verdict"] == verdict, claim["claim_id"]
        for value in values:
            assert value in row["What the national statistics show"], (claim["claim_id"], value)


def test_the_camden_verdicts_as_a_reader_finds_them(page):
    # Worked out by hand from data/national/national_indicators.csv (Camden, E09000007):
    # children on plans at 31 March: 2020 270, 2021 329, 2022 145, 2023 176, 2024 166, 2025 151;
    # domestic abuse (child) factor 24.3% (2023-24), 20.1% (2024-25); children starting to be
    # looked after 131 (2022-23), 135 (2023-24), 109 (2024-25).
    verdicts = {row["What the report says"]: (row["Verdict"], row["What the national statistics show"])
                for row in _table(page, CHECKED)}
    by_quote = {row["claim_id"]: f"\u201c{row['quote']}\u201d" for row in _read(CLAIMS)}
    assert verdicts[by_quote["cpp_continuous_decline"]] == (
        "Not supported", "Not every year: it rose from 145 on 31 March 2022 to 176 on 31 March 2023, up 31 (21.4%).")
    assert verdicts[by_quote["cpp_spike_2020_21"]][0] == "Supported"
    assert verdicts[by_quote["domestic_abuse_child_factor_rise"]] == (
        "Not supported", "Fell from 24.3% in 2023-24 to 20.1% in 2024-25, down 4.2 percentage points.")
    assert verdicts[by_quote["cla_started_decrease"]][0] == "Supported"


def test_not_checkable_claims_are_listed_with_why(page):
    claims = [row for row in _read(CLAIMS) if row["checkable"] == "no"]
    shown = {row["What the report says"]: row for row in _table(page, NOT_CHECKED)}
    assert len(shown) == len(claims)
    for claim in claims:
        why = shown[f"\u201c{claim['quote']}\u201d"]["Why it cannot be checked"]
        assert why.startswith(claim["why_not_checkable"][:1].upper() + claim["why_not_checkable"][1:])


def test_the_summary_counts_the_verdicts(page):
    checked = _table(page, CHECKED)
    summary = _table(page, "How many claims have each verdict")[0]
    assert summary["Claims recorded"] == str(len(_read(CLAIMS)))
    assert summary["Supported"] == str(sum(row["Verdict"] == "Supported" for row in checked))
    assert summary["Not supported"] == str(sum(row["Verdict"] == "Not supported" for row in checked))
    assert summary["Not checkable"] == str(len(_table(page, NOT_CHECKED)))


def test_an_edition_without_claims_says_so(second_year_edition):
    # The SYNTHETIC 2025-26 edition has the claims.csv new-edition writes, with its header only.
    soup = BeautifulSoup((second_year_edition.second / PAGE).read_text(encoding="utf-8"), "lxml")
    text = " ".join(soup.find("article").get_text(" ").split())
    assert "The 2025-26 edition's claims.csv lists no claims" in text.replace("\u2019", "'")
    assert not soup.find("caption", string=CHECKED)
