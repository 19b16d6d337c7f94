"""An edition's parameters are checked before anything is touched (no book is built here).

Each refused build must leave no stage folder and the published site byte for byte as it was.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.build.parameters import area_name, check_parameters, validate_data_dir
from analysis.build.pipeline import build_edition
from analysis.config import DataPaths, check_area_code
from analysis.errors import ParameterError
from analysis.national.load import UnknownAreaError
from analysis.periods import ReportYear
from support.folders import snapshot
from support.sites import published_site

TESTS_DIR = Path(__file__).resolve().parents[1]
FIXTURE_BOOK = TESTS_DIR / "fixtures" / "synthetic_book"
YEAR = "2024-25"
AREA = "E09000007"
AREAS_COLUMNS = ["area_code", "old_la_code", "area_name", "geographic_level", "region_code", "region_name",
                 "english_region_code", "english_region_name"]


def _year_message(text: str) -> str:
    with pytest.raises(ParameterError) as caught:
        ReportYear.parse(text)
    return str(caught.value)


def _refused(tmp_path: Path, year: str, area: str, **options) -> ParameterError:
    """Try to build; return the ParameterError after checking nothing was touched."""
    site_dir = published_site(tmp_path / "published", YEAR, AREA)
    before = snapshot(site_dir)
    with pytest.raises(ParameterError) as caught:
        build_edition(year, area, book_root=FIXTURE_BOOK, stage_root=tmp_path / "stage", site_dir=site_dir,
                      progress=None, **options)
    assert not (tmp_path / "stage").exists()
    assert snapshot(site_dir) == before
    return caught.value


@pytest.mark.parametrize(
    "year, area, data_dir, expected",
    [
        ("2024/25", AREA, None, _year_message("2024/25")),
        ("2024-26", AREA, None, _year_message("2024-26")),
        (YEAR, "E0900007", None,
         "area code 'E0900007' is not an ONS area code: E followed by 8 digits"),
        (YEAR, "W06000015", None,
         "area code 'W06000015' is not an ONS area code: E followed by 8 digits"),
        (YEAR, AREA, "does-not-exist", "data folder {missing} does not exist; give an existing "
         "folder that holds reference/, partnerships/ and national/"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(tmp_path, monkeypatch, year, area, data_dir, expected):
    monkeypatch.chdir(tmp_path)
    error = _refused(tmp_path, year, area, data_dir=data_dir)
    assert str(error) == expected.format(missing=tmp_path / "does-not-exist")


def test_jobs_must_be_positive(tmp_path):
    error = _refused(tmp_path, YEAR, AREA, jobs=0)
    assert str(error) == "jobs must be a whole number of at least 1, not 0"


def test_area_code_form():
    assert check_area_code(" E09000019 ") == "E09000019"
    with pytest.raises(ParameterError, match="'camden' is not an ONS area code: E followed by 8 digits"):
        check_area_code("camden")


def test_an_area_that_is_not_a_local_authority_in_the_project_data_is_refused(tmp_path):
    areas = pd.read_csv(DataPaths().national / "areas.csv", dtype=str)
    authorities = areas[areas["geographic_level"] == "Local authority"]
    error = _refused(tmp_path, YEAR, "E09999999")
    assert isinstance(error, UnknownAreaError)
    assert f"area code 'E09999999' is not a local authority in the national statistics ({len(authorities)} known" \
        in str(error)
    london = areas[areas["area_name"] == "London"]["area_code"].iloc[0]
    assert "not a local authority" in str(_refused(tmp_path / "region", YEAR, london))


def _data_with_one_authority(tmp_path: Path, code: str, name: str) -> Path:
    """A copy of the synthetic book's data whose national statistics know one authority."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_BOOK / "data", data)
    row = [code, "999", name, "Local authority", "E13000001", "Inner London", "E12000007", "London"]
    pd.DataFrame([row], columns=AREAS_COLUMNS).to_csv(data / "national" / "areas.csv", index=False)
    return data


def test_the_area_is_checked_against_the_data_folder_being_built(tmp_path):
    data = _data_with_one_authority(tmp_path, "E09000019", "Synthetic Islington")
    error = _refused(tmp_path, YEAR, AREA, data_dir=data, data_roots=[tmp_path])
    assert isinstance(error, UnknownAreaError)
    assert str(error).startswith("area code 'E09000007' is not a local authority in the national statistics "
                                 "(1 known")
    assert str(data / "national" / "areas.csv") in str(error)
    assert check_parameters(YEAR, "E09000019", data, 1, [tmp_path]) == (YEAR, "E09000019", data.resolve(), 1)
    assert area_name("E09000019", data) == "Synthetic Islington"


def test_a_data_folder_without_national_statistics_accepts_any_area_code(tmp_path):
    # The synthetic book's data has no areas.csv: the pages then say there are no national figures.
    folder = FIXTURE_BOOK / "data"
    assert not (folder / "national" / "areas.csv").exists()
    assert check_parameters(YEAR, "E09999999", folder, 2) == (YEAR, "E09999999", folder.resolve(), 2)


def test_data_folder_must_be_inside_the_project_unless_allowed(tmp_path):
    outside = tmp_path / "data"
    outside.mkdir()
    with pytest.raises(ParameterError, match=f"data folder {outside} is outside the project"):
        validate_data_dir(outside, YEAR)
    assert validate_data_dir(outside, YEAR, [tmp_path]) == outside.resolve()
    assert validate_data_dir(FIXTURE_BOOK / "data", YEAR) == (FIXTURE_BOOK / "data").resolve()
    assert validate_data_dir(None, YEAR) is None
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        validate_data_dir(tmp_path / "a-file", YEAR, [tmp_path])


@pytest.mark.parametrize("replaced, successors", [("E10000023", ["E06000065"]),
                                                  ("E10000006", ["E06000063", "E06000064"])])
def test_a_code_replaced_by_reorganisation_is_refused_naming_its_successors(tmp_path, replaced, successors):
    error = _refused(tmp_path, YEAR, replaced)
    assert isinstance(error, UnknownAreaError)
    names = pd.read_csv(DataPaths().national / "areas.csv", dtype=str).set_index("area_code")["area_name"]
    assert str(error).startswith(
        f"{replaced} ({names[replaced]}) was replaced on 1 April 2023 by "
        + " and ".join(f"{code} ({names[code]})" for code in successors)
        + "; build " + " or ".join(f"--area {code}" for code in successors))


def test_the_command_line_refuses_a_replaced_code_with_exit_code_2(tmp_path, capsys):
    from analysis import cli

    code = cli.main(["build", "--year", YEAR, "--area", "E10000023", "--stage-dir", str(tmp_path / "stage"),
                     "--site-dir", str(tmp_path / "site")])
    assert code == 2
    assert "build --area E06000065" in capsys.readouterr().err
    assert not (tmp_path / "stage").exists() and not (tmp_path / "site").exists()
