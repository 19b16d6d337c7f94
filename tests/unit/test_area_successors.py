"""Local government reorganisation: data/reference/area_successors.csv, read and checked, and
the refusal of an abolished area code naming its successors.

Expected names come from the project's own areas.csv, read here with csv, not from the code
under test.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.national.load import (SUCCESSOR_COLUMNS, SUCCESSORS_FILE, ReplacedAreaError, UnknownAreaError,
                                    check_local_authority, check_not_replaced, predecessors_of,
                                    read_area_successors)

PROJECT = DataPaths()
GOOD_ROW = {"old_code": "E10000023", "old_name": "North Yorkshire", "successor_codes": "E06000065",
            "changed_on": "2023-04-01", "source": "The North Yorkshire (Structural Changes) Order 2022 (SI 2022/328)"}


def _area_names() -> dict[str, str]:
    with open(PROJECT.national / "areas.csv", encoding="utf-8", newline="") as handle:
        return {row["area_code"]: row["area_name"] for row in csv.DictReader(handle)}


def _write(folder: Path, rows: list[dict], columns=SUCCESSOR_COLUMNS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / SUCCESSORS_FILE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows([{c: row.get(c, "") for c in columns} for row in rows])
    return folder


def _problems(folder: Path) -> list:
    with pytest.raises(InputError) as caught:
        read_area_successors(folder)
    return caught.value.problems


# ---------------------------------------------------------------- the project's file
def test_the_project_records_the_2021_and_2023_reorganisations():
    successions = read_area_successors(PROJECT.reference)
    assert successions["E10000023"].successor_codes == ("E06000065",)
    assert successions["E10000027"].successor_codes == ("E06000066",)
    assert successions["E10000006"].successor_codes == ("E06000063", "E06000064")
    assert successions["E10000021"].successor_codes == ("E06000061", "E06000062")
    assert successions["E10000023"].changed_on == date(2023, 4, 1)
    assert successions["E10000021"].changed_on == date(2021, 4, 1)
    assert all("Structural Changes" in s.source for s in successions.values())
    # every code named is an authority in the national statistics
    names = _area_names()
    for succession in successions.values():
        assert succession.old_code in names
        assert all(code in names for code in succession.successor_codes)


def test_every_authority_without_recent_figures_has_its_successor_recorded():
    # An authority that has published nothing for the last two years no longer exists: a
    # book for it would pass old figures off as the edition's. Read from the extract itself.
    import csv

    latest: dict[str, int] = {}
    with open(PROJECT.national / "national_indicators.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["value"]:
                latest[row["area_code"]] = max(latest.get(row["area_code"], 0), int(row["time_period"]))
    newest = max(latest.values())
    with open(PROJECT.national / "areas.csv", newline="", encoding="utf-8") as handle:
        authorities = [row["area_code"] for row in csv.DictReader(handle) if row["geographic_level"] == "Local authority"]
    gone = {code for code in authorities if latest.get(code, 0) < newest - 1}
    assert gone and gone <= set(read_area_successors(PROJECT.reference)), sorted(gone - set(read_area_successors(PROJECT.reference)))


def test_an_authority_existed_until_the_day_before_the_change():
    succession = read_area_successors(PROJECT.reference)["E10000023"]
    assert succession.existed_on(date(2023, 3, 31))
    assert not succession.existed_on(date(2023, 4, 1))


def test_predecessors_of_a_successor():
    successions = read_area_successors(PROJECT.reference)
    assert [s.old_code for s in predecessors_of("E06000065", successions)] == ["E10000023"]
    assert [s.old_code for s in predecessors_of("E06000064", successions)] == ["E10000006"]
    assert predecessors_of("E09000007", successions) == []


# ---------------------------------------------------------------- checking the file
def test_a_folder_without_the_file_records_no_reorganisation(tmp_path):
    assert read_area_successors(tmp_path) == {}


def test_a_missing_column_is_named(tmp_path):
    _write(tmp_path, [GOOD_ROW], columns=[c for c in SUCCESSOR_COLUMNS if c != "changed_on"])
    problems = _problems(tmp_path)
    assert [(p.column, p.rule) for p in problems] == [("changed_on", "required column missing")]


@pytest.mark.parametrize(
    "column, value, rule",
    [
        ("old_code", "E1000023", "must be an area code"),
        ("old_name", "", "must not be empty"),
        ("successor_codes", "E06000065,E06000066", "separated by ';'"),
        ("successor_codes", "E10000023", "must not include the old code itself"),
        ("successor_codes", "E06000065;E06000065", "names the same successor more than once"),
        ("changed_on", "1 April 2023", "must be a date written YYYY-MM-DD"),
        ("changed_on", "2023-02-30", "must be a date written YYYY-MM-DD"),
        ("changed_on", "20230401", "must be a date written YYYY-MM-DD"),  # ISO, but not as written here
        ("source", " ", "must name the order or code history"),
    ],
)
def test_each_bad_cell_is_named_by_file_row_column_and_rule(tmp_path, column, value, rule):
    other = dict(GOOD_ROW, old_code="E10000027", old_name="Somerset", successor_codes="E06000066")
    _write(tmp_path, [other, dict(GOOD_ROW, **{column: value})])
    problems = _problems(tmp_path)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row, problem.column) == (3, column)
    assert rule in problem.rule
    assert problem.file.endswith(SUCCESSORS_FILE)
    assert f"row 3, column {column}" in str(problem)


def test_an_old_code_listed_twice_is_refused(tmp_path):
    _write(tmp_path, [GOOD_ROW, GOOD_ROW])
    problems = _problems(tmp_path)
    assert [(p.row, p.column) for p in problems] == [(3, "old_code")]
    assert "more than once (first on row 2)" in problems[0].rule


def test_a_successor_that_was_itself_replaced_is_refused(tmp_path):
    chained = dict(GOOD_ROW, old_code="E06000065", successor_codes="E06000099")
    _write(tmp_path, [GOOD_ROW, chained])
    problems = _problems(tmp_path)
    assert [(p.row, p.column) for p in problems] == [(2, "successor_codes")]
    assert "E06000065 is itself replaced (row 3)" in problems[0].rule


# ---------------------------------------------------------------- refusing a replaced code
def test_a_replaced_code_is_refused_naming_its_successor():
    names = _area_names()
    with pytest.raises(ReplacedAreaError) as caught:
        check_local_authority("E10000023", PROJECT.national, PROJECT.reference)
    message = str(caught.value)
    assert message.startswith(f"E10000023 (North Yorkshire) was replaced on 1 April 2023 by E06000065 "
                              f"({names['E06000065']}); build --area E06000065")
    assert "SI 2022/328" in message
    assert isinstance(caught.value, UnknownAreaError)


def test_a_split_authority_names_every_successor():
    names = _area_names()
    with pytest.raises(ReplacedAreaError) as caught:
        check_local_authority("E10000006", PROJECT.national)  # the reference folder beside national/
    assert (f"by E06000063 ({names['E06000063']}) and E06000064 ({names['E06000064']}); "
            "build --area E06000063 or --area E06000064") in str(caught.value)


def test_the_successor_is_accepted_and_other_codes_are_unaffected(tmp_path):
    check_local_authority("E06000065", PROJECT.national, PROJECT.reference)
    check_not_replaced("E10000023", tmp_path)  # a folder that records no reorganisation
    _write(tmp_path, [GOOD_ROW])
    with pytest.raises(ReplacedAreaError, match=r"by E06000065; build --area E06000065"):
        check_not_replaced("E10000023", tmp_path)  # without national statistics, the code alone
