"""The book builds for any English local authority from the national statistics alone."""
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.national.load import load_national
from analysis.runner import build_edition

ISLINGTON = "E09000019"


@pytest.fixture(scope="module")
def islington(tmp_path_factory):
    root = tmp_path_factory.mktemp("islington")
    return build_edition("2024-25", ISLINGTON, stage_root=root / "stage", site_dir=root / "site", progress=None)


def _text(edition, page):
    html = (edition.html_dir / "notebooks" / f"{page}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml").find("article").get_text(" ", strip=True)


def test_partnership_figures_are_said_to_be_absent(islington):
    text = _text(islington, "02_front_door")
    assert "partnership’s own figures for 2024-25 are not available for this area" in text.replace("'", "’")
    assert "8,583" not in text


def test_national_figures_for_the_area_are_shown(islington):
    national = load_national()
    row = national[(national["indicator_id"] == "cin_referrals") & (national["area_code"] == ISLINGTON)
                   & (national["time_period"] == 2025)].iloc[0]
    text = _text(islington, "02_front_door")
    assert f"Islington received {row['value']:,.0f} referrals to children’s social care" in text.replace("'", "’")
    cla = national[(national["indicator_id"] == "cla_31_march") & (national["area_code"] == ISLINGTON)
                   & (national["time_period"] == 2025)].iloc[0]
    assert f"looked after {cla['value']:,.0f} children" in _text(islington, "05_children_looked_after")


def test_unknown_area_is_refused():
    from analysis.params import ParameterError

    with pytest.raises(ParameterError, match="not a local authority in the national statistics"):
        build_edition("2024-25", "E09999999", progress=None)
