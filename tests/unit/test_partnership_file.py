"""The partnership files (data/partnerships/<id>/partnership.toml): read, checked, and used to
decide what an edition is for, what it asks for and which sections it shows."""
from __future__ import annotations

import shutil

import pytest

from analysis.build.pipeline import edition_kind, sections_not_reported
from analysis.config import DATA_DIR
from analysis.errors import InputError, ParameterError
from analysis.inputs.catalogue import load_catalogue, load_list_catalogue, load_sections
from analysis.inputs.partnership import (default_partnership, edition_partnership, load_partnerships,
                                         partnership_for_area, read_partnership, reported_catalogues)
from analysis.inputs.validate import validate_edition
from analysis.vocabulary import ANNUAL_REPORT, STATISTICS_PROFILE
from tests.support.partnerships import write_synthetic_partnership


def test_the_project_configures_camden_with_its_own_figures_and_pan_dorset_over_two_authorities():
    partnerships = load_partnerships()
    camden, pan_dorset = partnerships["camden"], partnerships["pan-dorset"]
    assert camden.local_authorities == ("E09000007",) and camden.own_figures and camden.lead_partners
    assert camden.edition_area == "E09000007" and not camden.covers_several_authorities
    assert pan_dorset.local_authorities == ("E06000059", "E06000058") and not pan_dorset.own_figures
    assert pan_dorset.edition_area == "pan-dorset" and pan_dorset.covers_several_authorities
    assert default_partnership() == camden
    assert partnership_for_area("E09000007") == camden == partnership_for_area("camden")
    assert partnership_for_area("pan-dorset") == pan_dorset
    assert partnership_for_area("E06000059") is None  # one of Pan-Dorset's authorities alone: a profile
    assert edition_kind("E09000007") == ANNUAL_REPORT
    assert edition_kind("pan-dorset") == edition_kind("E06000059") == STATISTICS_PROFILE


@pytest.fixture
def data_dir(tmp_path):
    shutil.copytree(DATA_DIR / "reference", tmp_path / "reference")
    return tmp_path


def _write(data_dir, text, partnership_id="synthetic"):
    folder = data_dir / "partnerships" / partnership_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "partnership.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = ('name = "Synthetic Safeguarding Children Partnership"\nshort_name = "Synthetic"\n'
        'local_authorities = ["E09000007"]\nlead_partners = ["Synthetic Council"]\nown_figures = true\n')


def test_a_good_file_reads_with_everything_reported_by_default(data_dir):
    partnership = read_partnership(_write(data_dir, GOOD), data_dir)
    assert partnership.id == "synthetic" and partnership.name == "Synthetic Safeguarding Children Partnership"
    assert set(partnership.indicators) == set(load_catalogue(data_dir).index)
    assert set(partnership.lists) == set(load_list_catalogue(data_dir).index)


@pytest.mark.parametrize("change, key, rule", [
    (('name = "Synthetic Safeguarding Children Partnership"', 'name = ""'), "name", "is required and must not be blank"),
    (('local_authorities = ["E09000007"]', 'local_authorities = ["Camden"]'), "local_authorities",
     "is not an ONS area code"),
    (('local_authorities = ["E09000007"]', 'local_authorities = []'), "local_authorities", "lists no local authority"),
    (('own_figures = true', 'own_figures = "yes"'), "own_figures", "must be true or false"),
    (('own_figures = true', 'own_figures = true\nsections = ["front_door", "no_such_section"]'), "sections",
     "is not in data/reference's sections catalogue"),
    (('own_figures = true', 'own_figures = true\nindicators = ["no_such_indicator"]'), "indicators",
     "is not in data/reference's indicators catalogue"),
    (('own_figures = true', 'own_figures = true\nwebsit = "www.example.org"'), "websit", "unknown key"),
    (('lead_partners = ["Synthetic Council"]', 'lead_partners = "Synthetic Council"'), "lead_partners",
     "must be a list of text items"),
    (('own_figures = true', 'own_figures = true\n[introductions]\nno_such_section = "Text"'), "introductions",
     "introduces a section the sections catalogue does not have"),
])
def test_each_broken_rule_names_the_file_the_key_and_the_rule(data_dir, change, key, rule):
    path = _write(data_dir, GOOD.replace(*change))
    assert change[0] in GOOD  # the change is made
    with pytest.raises(InputError) as caught:
        read_partnership(path, data_dir)
    problems = [p for p in caught.value.problems if p.column == key]
    assert problems and rule in problems[0].rule, caught.value
    assert problems[0].file.endswith("partnerships/synthetic/partnership.toml")


def test_a_file_that_is_not_toml_is_refused_with_its_line(data_dir):
    path = _write(data_dir, GOOD.replace('short_name = "Synthetic"', 'short_name = Synthetic'))
    with pytest.raises(InputError, match=r"partnership.toml: is not a valid TOML file: .*line 2"):
        read_partnership(path, data_dir)


def test_a_folder_name_that_is_not_an_id_is_refused(data_dir):
    path = _write(data_dir, GOOD, partnership_id="Synthetic Partnership")
    with pytest.raises(InputError, match="folder name is its id: lower-case letters"):
        read_partnership(path, data_dir)


def test_two_partnerships_may_not_claim_the_same_authority(data_dir):
    _write(data_dir, GOOD, "first")
    _write(data_dir, GOOD, "second")
    with pytest.raises(InputError, match="covers the same area as the partnership 'first'"):
        load_partnerships(data_dir)


def test_several_partnerships_with_figures_need_the_area_named(data_dir):
    write_synthetic_partnership(data_dir, "first")
    assert default_partnership(data_dir).id == "first"
    write_synthetic_partnership(data_dir, "second", codes=("E09000019",))
    with pytest.raises(ParameterError, match="several partnerships supply their own figures"):
        default_partnership(data_dir)
    assert edition_partnership("E09000019", data_dir).id == "second"


def test_an_annual_report_needs_its_lead_partners(data_dir):
    _write(data_dir, GOOD.replace('lead_partners = ["Synthetic Council"]\n', ""))
    report = validate_edition("2030-31", None, data_dir)
    assert any(p.column == "lead_partners" and "names no lead partners" in p.rule for p in report.errors)


def test_a_partnership_is_asked_only_for_what_it_reports(data_dir):
    _write(data_dir, GOOD.replace("own_figures = true", 'own_figures = true\nindicators = ["front_door_referrals"]\n'
                                                        'lists = ["lead_partners"]'))
    partnership = edition_partnership(None, data_dir)
    catalogue, lists = reported_catalogues(partnership, load_catalogue(data_dir), load_list_catalogue(data_dir))
    assert list(catalogue.index) == ["front_door_referrals"] and list(lists.index) == ["lead_partners"]
    (partnership.folder / "2030-31").mkdir()
    report = validate_edition("2030-31", None, data_dir)
    missing = {p.value for p in report.errors if "required" in p.rule}
    assert "front_door_referrals" in missing and "lead_partners" in missing
    assert not missing - {"front_door_referrals", "lead_partners"}, missing  # nothing it does not report


def test_an_annual_report_leaves_out_the_sections_its_partnership_does_not_report(data_dir):
    _write(data_dir, GOOD.replace("own_figures = true", 'own_figures = true\nsections = ["context", "front_door"]'))
    left_out = sections_not_reported("E09000007", ANNUAL_REPORT, data_dir)
    assert "01_context" not in left_out and "02_front_door" not in left_out
    assert {"03_family_help", "12_priorities"} <= left_out
    assert sections_not_reported("E09000007", STATISTICS_PROFILE, data_dir) == frozenset()
    # Every section but those two, by its notebook: as the sections catalogue (read with pandas) says.
    sections = load_sections(data_dir)
    assert left_out == set(sections.loc[~sections["section"].isin(["context", "front_door"]), "notebook"])


def test_a_sections_catalogue_without_its_notebook_column_is_named(data_dir):
    _write(data_dir, GOOD.replace("own_figures = true", 'own_figures = true\nsections = ["context"]'))
    path = data_dir / "reference" / "sections.csv"
    path.write_text(path.read_text("utf-8").replace(",notebook,", ",page,", 1), "utf-8")
    with pytest.raises(InputError) as refused:
        sections_not_reported("E09000007", ANNUAL_REPORT, data_dir)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{path}, column notebook: required column missing"]


def test_a_section_listed_twice_in_the_catalogue_is_left_out_wherever_it_is_listed(data_dir):
    _write(data_dir, GOOD.replace("own_figures = true", 'own_figures = true\nsections = ["context"]'))
    path = data_dir / "reference" / "sections.csv"
    path.write_text(path.read_text("utf-8") + "family_help,99,03b_family_help_more,More family help\n", "utf-8")
    left_out = sections_not_reported("E09000007", ANNUAL_REPORT, data_dir)
    assert {"03_family_help", "03b_family_help_more"} <= left_out and "01_context" not in left_out
