"""No figure from a whole-number source is shown finer than its source, on any page.

The report gives 85%, 86%, 99% and 100%; DfE publishes some rates as whole numbers (58 per
10,000 children). Shown as '85.0%' or '58.0 per 10,000 children' they claim a precision the
source does not have. The whole-number figures are read here from the data files themselves:
the values in figures.csv written without a decimal point, and the national values of the
indicators whose published decimals are 0 (data/national/provenance.json). Every page of a
built edition is searched: prose, tables, chart data tables, alt text and the charts' CSV
downloads (the code cells, which a reader opens only on purpose, are left out).
"""
import csv
import json
from decimal import Decimal
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from analysis.config import DataPaths

YEAR = "2024-25"
CAMDEN, ISLINGTON = "E09000007", "E09000019"
DATA = DataPaths(partnership_id="camden")


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _with_point_zero(value: Decimal, unit: str) -> str:
    """A whole value written with a needless '.0', as the book must never write it."""
    number = f"{int(value):,}.0"
    return {"percentage": f"{number}%", "rate_per_10000": f"{number} per 10,000"}.get(unit, number)


def _units() -> dict[str, str]:
    rows = _read_csv(DATA.reference / "indicators.csv") + _read_csv(DATA.reference / "national_indicators.csv")
    return {row["indicator_id"]: row["unit"] for row in rows}


def _national_decimals() -> dict[str, int]:
    provenance = json.loads((DATA.national / "provenance.json").read_text(encoding="utf-8"))
    return {row["indicator_id"]: int(row["decimals"]) for row in provenance["indicators"]}


def shown_areas(area_code: str) -> set[str]:
    """The areas an edition's pages show: the area, its statistical neighbours, its regions, England."""
    areas = {row["area_code"]: row for row in _read_csv(DATA.national / "areas.csv")}
    area = areas[area_code]
    neighbours = {row["neighbour_code"] for row in _read_csv(DATA.national / "statistical_neighbours.csv")
                  if row["area_code"] == area_code}
    return {area_code, "E92000001", area["region_code"], area["english_region_code"]} | neighbours


def wrong_writings(area_code: str) -> set[str]:
    """Every '.0' writing of a whole-number source's figure on an area's pages, less those a
    source with decimals could legitimately produce there (a 58.0 published to one decimal)."""
    units, national_decimals, areas = _units(), _national_decimals(), shown_areas(area_code)
    whole, finer = set(), set()
    for row in _read_csv(DATA.year(YEAR) / "figures.csv"):
        value, unit = Decimal(row["value"]), units[row["indicator_id"]]
        if unit == "count":
            continue  # counts are always whole; a '.0' count would be another fault
        if "." not in row["value"]:
            whole.add(_with_point_zero(value, unit))
        elif value == value.to_integral_value():
            finer.add(_with_point_zero(value, unit))
    for row in _read_csv(DATA.national / "national_indicators.csv"):
        unit = units.get(row["indicator_id"], "count")
        if not row["value"] or unit == "count" or row["area_code"] not in areas:
            continue
        value = Decimal(row["value"])
        if national_decimals.get(row["indicator_id"], 0) == 0:
            whole.add(_with_point_zero(value, unit))
        elif value == value.to_integral_value():
            finer.add(_with_point_zero(value, unit))
    return whole - finer


# The provenance page shows how the edition was built (seconds each notebook took, package
# versions), not figures: a notebook that took 5.0 seconds is not the report's 5 reviews.
NOT_FIGURES = {"provenance.html"}


def page_texts(html_dir) -> dict[str, str]:
    """Each page's words as a reader meets them: text, alt text and the charts' CSV data."""
    texts = {}
    for path in sorted(html_dir.rglob("*.html")):
        if path.name in NOT_FIGURES:
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for hidden in soup.select("div.cell_input, div.analysis-code, script, style"):
            hidden.decompose()
        parts = [soup.get_text(" ")]
        parts += [image.get("alt", "") for image in soup.find_all("img")]
        parts += [unquote(link["href"]) for link in soup.find_all("a", href=True) if link["href"].startswith("data:text/csv")]
        texts[path.relative_to(html_dir).as_posix()] = " ".join(" ".join(parts).split())
    return texts


def false_precision(html_dir, area_code: str) -> list[str]:
    """Each page and the whole-number figure it shows with '.0'."""
    wrong = wrong_writings(area_code)
    found = []
    for page, text in page_texts(html_dir).items():
        for writing in sorted(wrong):
            # '58.0 per 10,000' must not match inside '158.0 per 10,000' or '58.05'
            start = text.find(writing)
            while start != -1:
                before = text[start - 1] if start else " "
                after = text[start + len(writing): start + len(writing) + 1]
                if not (before.isdigit() or before in ",.") and not after.isdigit():
                    found.append(f"{page}: {writing}")
                    break
                start = text.find(writing, start + 1)
    return found


def test_the_data_has_whole_number_figures_to_check():
    # The report's 85% of children placed within 20 miles and DfE's whole-number rates.
    wrong = wrong_writings(CAMDEN)
    assert "85.0%" in wrong
    assert any(writing.endswith("per 10,000") for writing in wrong)


@pytest.mark.parametrize("edition, area_code", [("camden_edition", CAMDEN), ("islington_edition", ISLINGTON)])
def test_no_whole_number_figure_is_shown_with_a_decimal(edition, area_code, request):
    found = false_precision(request.getfixturevalue(edition).html_dir, area_code)
    assert not found, "\n".join(found)
