"""Tables that fit: labelled cells for the phone layout, a key for DfE symbols, definitions
under the table, and compact rank cells in the comparison table.

Expected values come from the table given, from analysis.vocabulary.SYMBOLS, or from the
national extract counted here independently of the ranking code.
"""
from __future__ import annotations

import re

import pandas as pd
from bs4 import BeautifulSoup

from analysis.config import DataPaths
from analysis.national.load import load_national, load_neighbours, national_catalogue
from analysis.pages.national_view import compact_rank, measure_and_figures, rank_header
from analysis.pages.reconcile import DEFINITIONS, show_reconciliation
from analysis.present.tables import notes_html, show_table, symbol_key_html, symbols_in, table_html
from analysis.stats import compare
from analysis.vocabulary import SYMBOLS

TABLE = pd.DataFrame({"Report's measure": ["Referrals", "Re-referrals"], "Period": ["2024-25", "2024-25"],
                      "Value (%)": ["12.5", "c"], "England (%)": ["x", "20.1"]})


def _soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "lxml")


def test_every_cell_carries_its_column_header_as_its_label():
    soup = _soup(table_html(TABLE, "A caption"))
    headers = [th.get_text() for th in soup.select("thead th")]
    assert headers == list(TABLE.columns)
    for row, values in zip(soup.select("tbody tr"), TABLE.itertuples(index=False)):
        cells = row.find_all("td")
        assert [td["data-label"] for td in cells] == headers
        assert [td.get_text() for td in cells] == list(values)


def test_a_narrow_table_fits_a_phone_without_labels():
    narrow = TABLE.iloc[:, :2]
    soup = _soup(table_html(narrow, "Two columns"))
    assert len(soup.select("td")) == narrow.size
    assert soup.select("td[data-label]") == []


def test_the_symbols_a_table_shows_are_found_in_the_vocabulary_order():
    order = list(SYMBOLS)
    assert symbols_in(TABLE) == sorted(["c", "x"], key=order.index)
    # a symbol inside a longer text is not a symbol cell
    assert symbols_in(pd.DataFrame({"Note": ["c is suppressed", "12"]})) == []


def test_the_key_explains_each_symbol_shown_in_the_vocabulary_words():
    key = _soup(symbol_key_html(["c", "x"]))
    items = [li.get_text() for li in key.find_all("li")]
    assert items == [f"c: {SYMBOLS['c']}", f"x: {SYMBOLS['x']}"]
    assert symbol_key_html([]) == ""


def test_a_shown_table_has_a_key_only_when_it_shows_a_symbol():
    with_symbols = _soup(show_table(TABLE, "With symbols").data)
    assert len(with_symbols.select(".table-key li")) == 2
    without = _soup(show_table(TABLE.replace({"c": "4.0", "x": "3.0"}), "Without symbols").data)
    assert without.select(".table-key") == []


def test_notes_are_a_collapsible_list_of_terms_and_texts():
    notes = {"Report's definition": "All contacts accepted as referrals.", "Why they differ": "Scope."}
    details = _soup(notes_html("Definitions", notes)).find("details")
    assert details.find("summary").get_text() == "Definitions"
    assert [dt.get_text() for dt in details.find_all("dt")] == list(notes)
    assert [dd.get_text() for dd in details.find_all("dd")] == list(notes.values())


def test_reconciliation_shows_figures_in_columns_and_definitions_under_the_table():
    table = pd.DataFrame([{
        "Report's measure": "Referrals to the front door", "Report's figure": "8,583 (2024-25, financial year)",
        "Report's definition": "Every contact accepted as a referral by the front door.",
        "National statistic": "Referrals to children's social care", "National figure": "2,086 (2024-25)",
        "National definition": "Referrals counted in the children in need census.",
        "Difference": "Not comparable: different units", "Why they differ": "The front door counts more contacts.",
    }])
    soup = _soup(show_reconciliation(table, "Side by side").data)
    headers = [th.get_text() for th in soup.select("table thead th")]
    assert headers == [c for c in table.columns if c not in DEFINITIONS]
    details = soup.select("details.table-notes")
    assert len(details) == len(table)
    texts = [dd.get_text() for dd in details[0].find_all("dd")]
    assert texts == [table.at[0, column] for column in DEFINITIONS]


def test_the_rank_cell_is_the_rank_over_the_authorities_with_a_published_value():
    paths = DataPaths()
    national = load_national(paths.national)
    catalogue = national_catalogue()
    area, indicator = "E09000007", "cin_rereferrals_pct"
    period = int(national.loc[(national["indicator_id"] == indicator) & (national["area_code"] == area)
                              & national["value"].notna(), "time_period"].max())
    result = compare.benchmark(national, load_neighbours(area, national_dir=paths.national), indicator, area,
                               period, catalogue)
    # Counted here from the extract's files: local authorities with a value that year.
    areas = pd.read_csv(paths.national / "areas.csv", dtype=str)
    authorities = set(areas.loc[areas["geographic_level"] == "Local authority", "area_code"])
    values = pd.read_csv(paths.national / "national_indicators.csv", dtype={"symbol": str})
    published = values[(values["indicator_id"] == indicator) & (values["time_period"] == period)
                       & values["area_code"].isin(authorities) & values["value"].notna()]
    rank, ranked = compact_rank(result).split(" / ")
    assert int(ranked) == len(published)
    assert 1 <= int(rank) <= len(published)


def test_an_unranked_area_shows_its_symbol_in_the_rank_cell():
    class Unranked:
        rank, ranked, symbol = None, 150, "c"

    assert compact_rank(Unranked()) == "not ranked (c)"


def test_the_rank_header_gives_the_direction_of_the_ranking():
    assert rank_header({"up_bad"}).endswith("(1 = lowest, lower is better)")
    assert rank_header({"neutral"}).endswith("(1 = lowest)")
    assert rank_header({"up_good", "neutral"}).endswith("(1 = best, or lowest where neither is better)")


def test_the_unit_is_written_once_after_the_measure_and_the_figures_are_numbers():
    paths = DataPaths()
    national = load_national(paths.national)
    area, indicator, period = "E09000007", "cin_rereferrals_pct", 2025
    result = compare.benchmark(national, load_neighbours(area, national_dir=paths.national), indicator, area,
                               period, national_catalogue())
    measure, figures = measure_and_figures("Re-referrals within 12 months", result)
    assert measure == "Re-referrals within 12 months (%)"
    # The area's value as published in the extract, to the one decimal place DfE gives.
    values = pd.read_csv(paths.national / "national_indicators.csv")
    published = values[(values["indicator_id"] == indicator) & (values["time_period"] == period)
                       & (values["area_code"] == area)]["value"].iloc[0]
    assert figures["area"] == f"{published:.1f}"
    # A measure that already names its unit does not repeat it.
    assert measure_and_figures("Re-referrals (%)", result)[0] == "Re-referrals (%)"


def test_short_cells_are_kept_on_one_line_and_long_ones_may_wrap():
    table = pd.DataFrame({"Measure": ["Children looked after away from placement without authorisation (%)"],
                          "Period": ["2023-24"], "Rank": ["146 / 149"], "Camden": ["21"]})
    cells = re.findall(r"<td([^>]*)>([^<]*)</td>", table_html(table, "t"))
    assert [(text, 'class="short-cell"' in attributes) for attributes, text in cells] == [
        ("Children looked after away from placement without authorisation (%)", False),
        ("2023-24", True), ("146 / 149", True), ("21", True)]


# ---------------------------------------------------------------- comparators and periods in the summary
def _extract_value(indicator: str, period: int, area: str) -> float:
    values = pd.read_csv(DataPaths().national / "national_indicators.csv", dtype={"symbol": str})
    return float(values[(values["indicator_id"] == indicator) & (values["time_period"] == period)
                        & (values["area_code"] == area)]["value"].iloc[0])


def _summary_table(area: str, indicators: list[str], tmp_path) -> pd.DataFrame:
    from analysis.pages.page import Page

    view = Page("02_front_door", "2024-25", area, "", str(tmp_path)).national()
    shown = view.summary(indicators)
    soup = _soup(shown.data)
    headers = [th.get_text() for th in soup.select("thead th")]
    return pd.DataFrame([[td.get_text() for td in tr.find_all("td")] for tr in soup.select("tbody tr")],
                        columns=headers)


def test_a_london_borough_is_compared_with_london_and_with_inner_london(tmp_path):
    indicator = "cin_rereferrals_pct"
    table = _summary_table("E09000007", [indicator], tmp_path)
    assert {"Region (London)", "Sub-region (Inner London)"} <= set(table.columns)
    row = table.iloc[0]
    # the London and Inner London figures as the extract has them, to DfE's one decimal place
    assert row["Region (London)"] == f"{_extract_value(indicator, 2025, 'E12000007'):.1f}"
    assert row["Sub-region (Inner London)"] == f"{_extract_value(indicator, 2025, 'E13000001'):.1f}"
    assert re.fullmatch(r"\d+\.\d \(average of \d+ of 10\)", row["Statistical neighbours (average)"])


def test_an_authority_outside_london_has_one_region_column(tmp_path):
    table = _summary_table("E08000035", ["cin_rereferrals_pct"], tmp_path)  # Leeds
    assert [c for c in table.columns if c.startswith(("Region", "Sub-region"))] == [
        "Region (Yorkshire and The Humber)"]


def test_a_figure_older_than_the_edition_says_it_is_the_latest_published(tmp_path):
    from analysis.pages.page import Page

    values = pd.read_csv(DataPaths().national / "national_indicators.csv", dtype={"symbol": str})
    catalogue = national_catalogue().set_index("indicator_id")
    camden = values[(values["area_code"] == "E09000007")
                    & values["indicator_id"].map(catalogue["period_type"]).eq("reporting_year")]
    latest = camden.groupby("indicator_id")["time_period"].max()
    old, current = latest[latest < 2025].index[0], latest[latest == 2025].index[0]
    view = Page("06_children_missing", "2024-25", "E09000007", "", str(tmp_path)).national()
    assert view.period_text(old, int(latest[old])).endswith("(latest published)")
    assert view.period_text(current, 2025) == "2024-25"
    table = _summary_table("E09000007", [old, current], tmp_path)
    assert table["Period"].str.endswith("(latest published)").tolist() == [True, False]


def test_a_cell_of_ten_characters_is_short_and_of_eleven_is_not():
    cells = re.findall(r"<td([^>]*)>", table_html(pd.DataFrame({"a": ["1234567890"], "b": ["12345678901"]}), "t"))
    assert ['short-cell' in attributes for attributes in cells] == [True, False]
