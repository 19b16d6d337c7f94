"""new-partnership: a partnership's file written from the national statistics, with its first
year's return templates; refused, with nothing written, when an input is wrong."""
from __future__ import annotations

import shutil
import tomllib

import pytest

from analysis import cli
from analysis.build import new_partnership as scaffold
from analysis.config import DATA_DIR
from analysis.errors import ParameterError
from analysis.inputs.partnership import load_partnerships
from tests.support.folders import snapshot

LEEDS = "E08000035"


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the project's data folder (reference, national, the partnerships)."""
    for folder in ("reference", "national", "partnerships"):
        shutil.copytree(DATA_DIR / folder, tmp_path / "data" / folder)
    return tmp_path / "data"


def _areas(data_dir) -> dict[str, str]:
    import csv

    with open(data_dir / "national" / "areas.csv", newline="", encoding="utf-8") as handle:
        return {row["area_code"]: row["area_name"] for row in csv.DictReader(handle)}


def test_a_new_partnership_is_filled_from_the_national_statistics_with_its_returns(data_dir):
    created = scaffold.new_partnership([LEEDS], year="2025-26", data_dir=data_dir)
    name = _areas(data_dir)[LEEDS]
    path = data_dir / "partnerships" / scaffold.partnership_id_from(name) / "partnership.toml"
    content = tomllib.loads(path.read_text(encoding="utf-8"))
    assert content["local_authorities"] == [LEEDS] and content["short_name"] == name
    assert content["name"] == f"{name} Safeguarding Children Partnership" and content["own_figures"] is True
    assert f"# {name}" in path.read_text(encoding="utf-8")  # each code says whose it is
    partnership = load_partnerships(data_dir)[created.partnership_id]  # reads back, checked
    assert partnership.edition_area == LEEDS == created.edition_area
    returns = sorted(p.name for p in (partnership.folder / "2025-26" / "returns").iterdir())
    assert "council.csv" in returns and "council.xlsx" in returns
    assert (partnership.folder / "2025-26" / "lists.csv").is_file()


def test_a_partnership_over_two_authorities_needs_an_id_and_is_built_for_it(data_dir):
    with pytest.raises(ParameterError, match="needs an id: give --id"):
        scaffold.new_partnership(["E08000036", "E08000034"], year=None, data_dir=data_dir, own_figures=False)
    created = scaffold.new_partnership(["E08000036", "E08000034"], year=None, data_dir=data_dir,
                                       partnership_id="west-yorkshire-pair", own_figures=False)
    assert created.edition_area == "west-yorkshire-pair" and created.templates is None
    partnership = load_partnerships(data_dir)["west-yorkshire-pair"]
    assert partnership.local_authorities == ("E08000036", "E08000034") and not partnership.own_figures


@pytest.mark.parametrize("codes, options, message", [
    (["E10000023"], {}, r"E10000023 \(North Yorkshire\) was replaced on 1 April 2023 by E06000065"),
    (["E09000007"], {}, r"partnerships/camden/partnership.toml already configures E09000007"),
    (["E9000007"], {}, "is not an ONS area code"),
    ([LEEDS, LEEDS], {"partnership_id": "twice"}, "given more than once"),
    ([LEEDS], {"partnership_id": "Leeds Partnership"}, "lower-case letters, digits and hyphens"),
    ([LEEDS], {"year": None}, "give --year"),
    ([LEEDS], {"partnership_id": "pan-dorset"}, "already configures the partnership id 'pan-dorset'"),
])
def test_a_wrong_input_is_refused_and_nothing_is_written(data_dir, codes, options, message):
    before = snapshot(data_dir)
    with pytest.raises(ParameterError, match=message):
        scaffold.new_partnership(codes, **{"year": "2025-26", "data_dir": data_dir, **options})
    assert snapshot(data_dir) == before


def test_a_failure_part_way_removes_what_the_run_wrote(data_dir, monkeypatch):
    before = snapshot(data_dir)

    def broken(*args, **kwargs):
        raise OSError("synthetic failure while writing the templates")

    monkeypatch.setattr("analysis.inputs.templates.new_edition", broken)
    with pytest.raises(OSError, match="synthetic failure"):
        scaffold.new_partnership([LEEDS], year="2025-26", data_dir=data_dir)
    assert snapshot(data_dir) == before


def test_the_command_line_creates_it_and_refuses_a_replaced_code_with_exit_2(data_dir, capsys):
    argv = ["--data-dir", str(data_dir), "--allow-data-outside-project"]
    assert cli.main(["new-partnership", LEEDS, "--year", "2025-26", *argv]) == 0
    out = capsys.readouterr().out
    assert "partnership.toml: check the name" in out and f"build --area {LEEDS}" in out
    assert cli.main(["new-partnership", "E10000006", "--year", "2025-26", *argv]) == 2
    assert "E06000063" in capsys.readouterr().err  # Cumbria's successors are named
