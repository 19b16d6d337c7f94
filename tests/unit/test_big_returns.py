"""A big return (thousands of rows repeating the same texts) is checked as a small one is:
each different text once, each problem still named at its own row and column; a validation
reads the partnership's file and the catalogues once."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.inputs import edition, validate
from analysis.inputs.catalogue import load_catalogue, load_list_catalogue
from analysis.inputs.edition import PartnershipData
from analysis.inputs.partnership import edition_data_paths, edition_partnership, partnership_data_paths
from analysis.inputs.personal_data import personal_data_problems
from analysis.inputs.readers import read_csv_table
from analysis.inputs.rules import accepted_periods, indicator_details
from analysis.inputs.validate import validate_edition
from analysis.periods import ReportYear
from synthetic_fill import filled_copy

YEAR = "2025-26"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_personal_data_repeated_in_many_rows_is_named_at_every_cell(tmp_path):
    path = _write(tmp_path / "council.csv", [
        "indicator_id,period,value,notes",
        "rapid_reviews,2025-26,12,ring Mr Smith on 020 7946 0018",
        "rapid_reviews,2025-26,12,",
        "rapid_reviews,2025-26,12,lives at nw1 2ab",
        "rapid_reviews,2025-26,12,ring Mr Smith on 020 7946 0018",
    ])
    problems = personal_data_problems(read_csv_table(path))
    assert [(p.row, p.column) for p in problems] == [(2, "notes"), (2, "notes"), (4, "notes"), (5, "notes"),
                                                     (5, "notes")]
    assert "a phone number (020 ***)" in problems[0].rule and "a person's name (Mr ***)" in problems[1].rule
    assert "a UK postcode (NW1 ***)" in problems[2].rule
    assert [p.rule for p in problems[3:]] == [p.rule for p in problems[:2]]


def test_a_cell_that_cannot_be_read_is_not_scanned_for_personal_data(tmp_path):
    path = _write(tmp_path / "council.csv", [
        "indicator_id,period,value,notes",
        "rapid_reviews,2025-26,12,NW1 2AB\x00",
        "rapid_reviews,2025-26,12,NW1 2AB",
    ])
    table = read_csv_table(path)
    assert [(p.row, p.column) for p in table.problems] == [(2, "notes")]
    assert [row.unreadable for row in table.rows] == [{"notes"}, set()]
    assert [(p.row, p.column) for p in personal_data_problems(table)] == [(3, "notes")]


def test_a_broken_cell_repeated_in_many_rows_is_named_at_every_row(tmp_path):
    bad = "twelve\x1a"
    path = _write(tmp_path / "council.csv", ["indicator_id,period,value,,notes"]
                  + [f"rapid_reviews,2025-26,{bad if n % 2 else '12'},,  note  " for n in range(6)])
    table = read_csv_table(path)
    assert [(p.row, p.column, p.value) for p in table.problems] == [(n, "value", bad) for n in (3, 5, 7)]
    assert [row.unreadable for row in table.rows] == [set(), {"value"}] * 3
    # The unnamed column (empty in every row) is neither read nor reported; cells are cleaned.
    assert table.rows[0].values == {"indicator_id": "rapid_reviews", "period": "2025-26", "value": "12",
                                    "notes": "note"}


def test_an_unnamed_column_is_reported_when_any_of_many_rows_has_a_value_in_it(tmp_path):
    path = _write(tmp_path / "council.csv", ["indicator_id,,period,,value"]
                  + ["rapid_reviews,, 2025-26 ,,12"] * 1000 + ["rapid_reviews,stray,2025-26, ,12"])
    table = read_csv_table(path)
    assert [(p.row, p.column, p.rule) for p in table.problems] == [
        (1, "B", "a column with values has no name in the header row")]
    assert len(table.rows) == 1001 and table.rows[0].values == {"indicator_id": "rapid_reviews", "period": "2025-26",
                                                                 "value": "12"}


def test_indicator_details_and_accepted_periods():
    catalogue = pd.DataFrame({"indicator_id": ["a", "b"], "unit": ["count", "percentage"],
                              "period_type": ["financial_year", "academic_year"]}).set_index("indicator_id", drop=False)
    details = indicator_details(catalogue)
    assert details["b"] == {"indicator_id": "b", "unit": "percentage", "period_type": "academic_year"}
    assert "c" not in details
    year = ReportYear.parse(YEAR)
    assert accepted_periods("financial_year", year) == ("2025-26", "2024-25")
    assert accepted_periods("academic_year", year) == ("2025/26", "2024/25")
    assert accepted_periods("calendar_year", year) == ("2025", "2024")


@pytest.fixture(scope="module")
def filled_data(tmp_path_factory):
    return filled_copy(tmp_path_factory.mktemp("big-returns"), national=False)


def _counting(monkeypatch, module, name: str, calls: dict) -> None:
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)


def test_a_validation_reads_the_partnership_and_the_catalogues_once(filled_data, monkeypatch):
    calls: dict[str, int] = {}
    for module in (validate, edition):
        for name in ("edition_partnership", "load_catalogue", "load_list_catalogue"):
            _counting(monkeypatch, module, name, calls)
    report = validate_edition(YEAR, None, filled_data)
    assert report.ok, report.format()
    assert any(note.startswith("previous edition:") for note in report.notes)
    assert calls == {"edition_partnership": 1, "load_catalogue": 1, "load_list_catalogue": 1}


def test_an_edition_given_what_was_already_read_is_the_edition_read_afresh(filled_data):
    partnership = edition_partnership(None, filled_data)
    assert partnership_data_paths(filled_data, partnership) == edition_data_paths(filled_data, None)
    catalogues = (load_catalogue(filled_data), load_list_catalogue(filled_data))
    given = PartnershipData(YEAR, None, filled_data, catalogues=catalogues, partnership=partnership)
    afresh = PartnershipData(YEAR, None, filled_data)
    assert given.about == afresh.about and given.folder == afresh.folder
    pd.testing.assert_frame_equal(given.figures, afresh.figures)
    pd.testing.assert_frame_equal(given.lists, afresh.lists)
