"""--data-dir is honoured everywhere: what a build checks, reads and fingerprints is the folder it was given.

Each test copies the project's data/ into a temporary folder, changes one thing there, and checks
that the change is seen: had any reader fallen back to the project's own data/, it would not be.
"""
import shutil

import pandas as pd
import pytest

from analysis.assurance.manifest import hash_inputs
from analysis.build.parameters import area_name, check_parameters
from analysis.config import DATA_DIR
from analysis.errors import ParameterError
from analysis.pages.page import Page

CAMDEN = "E09000007"


@pytest.fixture
def data_copy(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_the_area_is_checked_against_the_given_folder(data_copy):
    areas_path = data_copy / "national" / "areas.csv"
    areas = pd.read_csv(areas_path, dtype=str, keep_default_na=False)
    areas.loc[areas["area_code"] == CAMDEN, "geographic_level"] = "Regional"
    areas.to_csv(areas_path, index=False)
    check_parameters("2024-25", CAMDEN, None, 1)  # the project's own data still knows Camden
    with pytest.raises(ParameterError, match="not a local authority"):
        check_parameters("2024-25", CAMDEN, data_copy, 1, data_roots=[data_copy])


def test_the_area_name_comes_from_the_given_folder(data_copy):
    areas_path = data_copy / "national" / "areas.csv"
    areas = pd.read_csv(areas_path, dtype=str, keep_default_na=False)
    areas.loc[areas["area_code"] == CAMDEN, "area_name"] = "Camden (renamed in the copy)"
    areas.to_csv(areas_path, index=False)
    assert area_name(CAMDEN) == "Camden"
    assert area_name(CAMDEN, data_copy) == "Camden (renamed in the copy)"


def test_national_figures_on_a_page_come_from_the_given_folder(data_copy, tmp_path):
    extract_path = data_copy / "national" / "national_indicators.csv"
    extract = pd.read_csv(extract_path, dtype=str, keep_default_na=False)
    row = (extract["indicator_id"] == "cin_referrals") & (extract["area_code"] == CAMDEN) & (extract["time_period"] == "2025")
    assert row.sum() == 1
    extract.loc[row, "value"] = "12345"
    extract.to_csv(extract_path, index=False)
    own = Page("02_front_door", "2024-25", CAMDEN, "", str(tmp_path / "own")).national()
    copied = Page("02_front_door", "2024-25", CAMDEN, str(data_copy), str(tmp_path / "copy")).national()
    assert own.display("cin_referrals") != "12,345"
    assert copied.display("cin_referrals") == "12,345"
    assert copied.source("cin_referrals", 2025).startswith(str(extract_path))


def test_the_manifest_fingerprints_the_given_folder(data_copy):
    (data_copy / "national" / "national_indicators.csv").write_text("changed\n", encoding="utf-8")
    own = {f["path"]: f["sha256"] for f in hash_inputs(DATA_DIR, "2024-25")["files"]}
    copied = {f["path"]: f["sha256"] for f in hash_inputs(data_copy, "2024-25")["files"]}
    assert set(own) == set(copied)
    assert own["national/national_indicators.csv"] != copied["national/national_indicators.csv"]
    assert {path for path in own if own[path] != copied[path]} == {"national/national_indicators.csv"}
