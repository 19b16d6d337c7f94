"""The register page's open data in the built book: the EES files are published, linked, hold
the register's figures and pass the project's EES checks; a mutated column fails them.

The files' rules and shape are unit tested in tests/unit/test_open_data.py.
"""
import re
import shutil
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup

from analysis.national import ees
from analysis.pages import open_data as od

ASSURANCE = "notebooks/assurance"
NAMES = ["register-of-figures-financial-year.csv", "register-of-figures-academic-year.csv",
         "register-of-figures-calendar-year.csv", "register-of-figures-reporting-year.csv"]


def _published(edition, name: str) -> Path:
    """The one published copy of a download."""
    found = list(edition.html_dir.glob(f"_downloads/*/{name}"))
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _register_page(edition) -> BeautifulSoup:
    return BeautifulSoup((edition.html_dir / ASSURANCE / "register.html").read_text(encoding="utf-8"), "lxml")


def test_each_open_data_file_and_its_metadata_is_published_and_linked_from_the_register_page(camden_edition):
    page = _register_page(camden_edition)
    links = {Path(a["href"]).name for a in page.find_all("a", href=re.compile(r"_downloads/"))}
    for name in NAMES:
        for file in (name, od.meta_name(name)):
            _published(camden_edition, file)
            assert file in links, f"no link to {file}"
    section = page.find(id="the-figures-as-open-data")
    assert section.find("caption", string="Open data files in the EES format")
    assert "Explore Education Statistics" in section.get_text(" ")


def test_the_published_files_pass_the_projects_ees_checks(camden_edition):
    for name in NAMES:
        data_path = _published(camden_edition, name)
        data = ees.read_ees(data_path)
        assert data.problems == [] and ees.check_ees(data) == []
        assert od.screen_open_data(data_path, _published(camden_edition, od.meta_name(name))) == []


def test_the_files_hold_the_figures_the_register_publishes(camden_edition):
    files = {name: _read(_published(camden_edition, name)) for name in NAMES}
    financial, academic, calendar, reporting = (files[name].set_index("time_period") for name in NAMES)
    # Figures of the 2024-25 report and of DfE's statistics for the area, as the book shows them.
    assert list(financial.index) == ["202425"]     # the 2023-24 referrals were worked out, not stated
    assert financial.at["202425", "front_door_referrals"] == "8583"
    assert financial.at["202425", "missing_episodes_24h_or_less"] == "79.4"
    assert academic.at["202425", "ehe_register"] == "350"
    assert calendar["knife_crime_victims_10_24"].to_dict() == {"2023": "45", "2024": "26"}
    assert reporting.at["2025", "cin_referrals_rate"] == "591.3"
    assert reporting.at["2024", "population_0_17"] == "35276"
    assert reporting.at["2024", "cin_referrals_rate"] == "x"   # the book shows no 2024 rate
    for frame in files.values():
        assert set(frame["new_la_code"]) == {"E09000007"} and set(frame["old_la_code"]) == {"202"}
        assert set(frame["geographic_level"]) == {"Local authority"}
    # Every figure as supplied or published in the register is in its file, with its raw value.
    register = _read(_published(camden_edition, "register-of-figures.csv"))
    indicators = od.edition_indicators()
    checked = 0
    for row in register.itertuples():
        if row.source_kind not in ("partnership", "national") or row.indicator_id not in indicators.index:
            continue
        indicator = indicators.loc[row.indicator_id]
        if row.unit != indicator["unit"] or not row.period:
            continue
        time_period, identifier = od.ees_time(row.period, indicator["period_type"])
        file = files[od.file_name(identifier)].set_index("time_period")
        assert file.at[time_period, row.indicator_id] == row.raw_value, (row.page, row.name)
        checked += 1
    assert checked >= 60


def test_the_metadata_labels_units_and_decimal_places(camden_edition):
    meta = _read(_published(camden_edition, od.meta_name(NAMES[3]))).set_index("col_name")
    assert meta.at["cin_referrals_rate", "label"] == "Referrals per 10,000 children"
    assert (meta.at["cin_referrals_rate", "indicator_unit"], meta.at["cin_referrals_rate", "indicator_dp"]) == ("", "1")
    assert (meta.at["cin_rereferrals_pct", "indicator_unit"], meta.at["cin_rereferrals_pct", "indicator_dp"]) == ("%", "1")
    assert meta.at["cin_referrals", "indicator_grouping"] == "The children's front door"
    assert set(meta["col_type"]) == {"Indicator"}


def test_a_mutated_column_fails_the_screening(camden_edition, tmp_path):
    for name in (NAMES[3], od.meta_name(NAMES[3])):
        shutil.copy(_published(camden_edition, name), tmp_path / name)
    data_path = tmp_path / NAMES[3]
    assert od.screen_open_data(data_path) == []
    frame = _read(data_path)
    frame["new_la_code"] = "E0900007"      # one digit short of a GSS code
    frame.loc[1, "time_identifier"] = "Calendar year"
    data_path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    problems = od.screen_open_data(data_path)
    codes = [p for p in problems if p.column == "new_la_code"]
    assert [(p.file, p.row, p.value) for p in codes] == [(NAMES[3], 2, "E0900007"), (NAMES[3], 3, "E0900007")]
    assert "new_la_code must be a nine character GSS code" in codes[0].rule
    [mixed] = [p for p in problems if p.column == "time_identifier"]
    assert (mixed.row, mixed.value) == (3, "Calendar year") and "precheck_time_id_mix" in mixed.rule


def test_a_statistics_profile_publishes_its_national_statistics_only(islington_edition):
    downloads = {path.name for path in islington_edition.html_dir.glob("_downloads/*/register-of-figures-*.csv")}
    assert downloads == {NAMES[3], od.meta_name(NAMES[3])}
    data_path = _published(islington_edition, NAMES[3])
    assert od.screen_open_data(data_path, _published(islington_edition, od.meta_name(NAMES[3]))) == []
    frame = _read(data_path)
    assert set(frame["new_la_code"]) == {"E09000019"} and set(frame["la_name"]) == {"Islington"}
    national = set(od.edition_indicators().query("source == 'national'").index)
    assert set(frame.columns[10:]) <= national


def test_the_register_is_published_as_an_accessible_workbook_beside_the_csv(camden_edition):
    from openpyxl import load_workbook

    from analysis.present.spreadsheets import REGISTER_NAME, workbook_tables

    path = _published(camden_edition, REGISTER_NAME)
    assert _register_page(camden_edition).find("a", href=re.compile(rf"_downloads/.*/{re.escape(REGISTER_NAME)}$"))
    tables = workbook_tables(path)
    assert list(tables)[:4] == ["Cover", "Contents", "Notes", "Key findings"]
    assert all(len(names) == 1 for sheet, names in tables.items() if sheet != "Cover")  # one table per sheet
    register = _read(_published(camden_edition, "register-of-figures.csv"))
    assert len(tables) - 3 == register["page"].nunique()
    workbook = load_workbook(path)
    rows = 0
    for sheet in list(tables)[3:]:
        [(name, ref)] = workbook[sheet].tables.items()
        first, last = (int(re.sub(r"[A-Z]+", "", cell)) for cell in ref.split(":"))
        rows += last - first  # the header row is the table's first
    assert rows == len(register)
