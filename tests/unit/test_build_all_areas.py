"""build-all without building: which editions it builds, how it reports them, and its options
(the builds on Dask are in tests/book/test_build_all.py)."""
from __future__ import annotations

import pytest

from analysis import cli
from analysis.build.build_all import EditionOutcome, every_edition_area, summary
from analysis.national.load import load_areas, read_area_successors
from analysis.config import data_paths


def test_every_current_local_authority_and_every_partnership_of_several_is_an_edition():
    areas = every_edition_area()
    national = load_areas(data_paths().national)
    authorities = set(national.loc[national["geographic_level"] == "Local authority", "area_code"])
    replaced = set(read_area_successors(data_paths().reference))
    assert replaced and replaced <= authorities  # the extract still has the authorities reorganisation replaced
    assert set(areas) == (authorities - replaced) | {"pan-dorset"}
    assert len(areas) == len(set(areas)) == 154  # 153 current authorities in England, and Pan-Dorset
    assert "E09000007" in areas and "camden" not in areas  # Camden's partnership is Camden's edition


def test_the_summary_counts_each_outcome_and_gives_each_failure_its_message():
    outcomes = [EditionOutcome("E09000007", True, 30.0, executed=22, notebooks=22),
                EditionOutcome("E09000019", True, 0.5, notebooks=12, up_to_date=True),
                EditionOutcome("E09999999", False, 0.1, message="area code 'E09999999' is not a local authority")]
    text = summary(outcomes, 90.0)
    assert text.splitlines()[0] == "3 editions in 90 s (2.0 a minute): 1 built, 1 up to date, 1 failed"
    assert text.splitlines()[1] == "- E09999999: area code 'E09999999' is not a local authority"
    assert outcomes[0].describe() == "E09000007 built in 30 s (22 of 22 notebooks executed)"
    assert outcomes[1].describe() == "E09000019 up to date"
    assert outcomes[2].describe().startswith("E09999999 failed after 0 s: area code")


@pytest.mark.parametrize("options, words", [
    (["--workers", "0"], "--workers must be at least 1"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--areas", "not an area"], "not an area"),
    (["--year", "2024-2025"], "2024-2025"),
])
def test_bad_options_are_refused_before_anything_runs(options, words, capsys, tmp_path):
    year = [] if "--year" in options else ["--year", "2024-25"]
    code = cli.main(["build-all", *year, *options, "--site-dir", str(tmp_path / "site"),
                     "--stage-dir", str(tmp_path / "stage")])
    assert code == cli.EXIT_BAD_PARAMETERS
    assert words in capsys.readouterr().err
    assert not (tmp_path / "site").exists()
