"""The edition's title, and the staged configuration that carries it to every page (no book is built).

The title names whose book it is and the year: the partnership's own name when the area is
the partnership's (data/reference/partnership.csv), otherwise the area's name from the
national statistics. The expected names are read from those files here, not from the code.
"""
from __future__ import annotations

import csv
import shutil
import tomllib

import yaml

from analysis.build.parameters import area_name
from analysis.build.pipeline import default_edition_title
from analysis.build.stage import stage_book
from analysis.config import PROJECT_ROOT

YEAR = "2024-25"
GENERIC = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]


def _rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _national_name(code: str) -> str:
    return next(row["area_name"] for row in _rows(PROJECT_ROOT / "data" / "national" / "areas.csv")
                if row["area_code"] == code)


def _partnership(partnership_id: str) -> dict:
    return tomllib.loads((PROJECT_ROOT / "data" / "partnerships" / partnership_id / "partnership.toml").read_text())


def test_the_partnerships_own_area_is_titled_with_the_partnerships_name():
    partnership = _partnership("camden")
    code = partnership["local_authorities"][0]
    title = default_edition_title(title=GENERIC, year=YEAR, area_code=code, area_name=area_name(code))
    assert title == f"{partnership['name']}: annual report {YEAR}"


def test_a_partnership_without_figures_of_its_own_is_titled_as_a_statistics_profile():
    partnership = _partnership("pan-dorset")
    title = default_edition_title(title=GENERIC, year=YEAR, area_code="pan-dorset", area_name=area_name("pan-dorset"))
    assert title == f"{partnership['name']}: children's safeguarding statistics {YEAR}"
    assert area_name("pan-dorset") == partnership["short_name"]


def test_any_other_area_is_titled_with_its_national_statistics_name():
    for code in ("E08000035", "E09000019"):  # Leeds and Islington
        title = default_edition_title(title=GENERIC, year=YEAR, area_code=code, area_name=area_name(code))
        assert title == f"{_national_name(code)}: children's safeguarding statistics {YEAR}"
        assert GENERIC not in title


def test_a_data_folder_without_a_partnership_names_the_area_even_for_the_default_area(tmp_path):
    code = _partnership("camden")["local_authorities"][0]
    (tmp_path / "reference").mkdir()  # no partnerships: nobody's annual report
    title = default_edition_title(title=GENERIC, year=YEAR, area_code=code,
                                  area_name=_national_name(code), data_dir=tmp_path)
    assert title == f"{_national_name(code)}: children's safeguarding statistics {YEAR}"


def test_an_area_without_a_name_is_titled_by_its_code():
    title = default_edition_title(title=GENERIC, year=YEAR, area_code="E06000001", area_name=None)
    assert title.startswith("E06000001: ") and title.endswith(YEAR)


def test_the_staged_configuration_carries_the_title_to_the_sidebar_browser_title_and_footer(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy2(PROJECT_ROOT / "_config.yml", book / "_config.yml")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\n", encoding="utf-8")
    (book / "intro.md").write_text("# Intro\n", encoding="utf-8")
    project = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    edition = "Barnet & Enfield Safeguarding Children Partnership: annual report 2024-25"

    staged = stage_book(book, tmp_path / "stage", lambda generic: edition if generic == GENERIC else "wrong")
    config = yaml.safe_load((staged.stage_dir / "_config.yml").read_text(encoding="utf-8"))

    assert config["title"] == edition
    # The generic author would print "By Safeguarding children partnership" in every footer.
    assert project.get("author") and config["author"] == ""
    footer = config["html"]["extra_footer"]
    assert "Barnet &amp; Enfield Safeguarding Children Partnership: annual report 2024-25" in footer
    # The project's other html options are kept.
    assert {key: value for key, value in config["html"].items() if key != "extra_footer"} == project["html"]
    assert not staged.problems
