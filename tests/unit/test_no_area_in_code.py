"""The code and the notebooks name no area: which partnership and area an edition is for is
data (data/reference/, the build's --area), so the same book serves any partnership.

Every local authority in the national statistics (data/national/areas.csv), by name and by
ONS code, is looked for in src/ and notebooks/.
"""
import csv
import re
from pathlib import Path

from analysis.config import PROJECT_ROOT

# Local authority names that are also ordinary English words at the start of a sentence.
ORDINARY_WORDS = {"Reading"}


def _authorities() -> list[dict]:
    with open(PROJECT_ROOT / "data" / "national" / "areas.csv", newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["geographic_level"] == "Local authority"]


def _files() -> list[Path]:
    return sorted(list((PROJECT_ROOT / "src").rglob("*.py")) + list((PROJECT_ROOT / "notebooks").rglob("*.ipynb")))


def _mentions(text: str, authorities: list[dict]) -> list[str]:
    found = []
    for row in authorities:
        if row["area_name"] not in ORDINARY_WORDS and re.search(
                rf"(?<![A-Za-z]){re.escape(row['area_name'])}(?![A-Za-z])", text):
            found.append(row["area_name"])
        if re.search(rf"\b{row['area_code']}\b", text):
            found.append(row["area_code"])
    return sorted(set(found))  # a name may belong to two codes (a county and its successor)


def test_no_area_is_named_in_the_code_or_the_notebooks():
    authorities = _authorities()
    assert len(authorities) > 150  # every authority in England, abolished ones included
    named = {}
    for path in _files():
        found = _mentions(path.read_text(encoding="utf-8"), authorities)
        if found:
            named[path.relative_to(PROJECT_ROOT).as_posix()] = found
    assert named == {}, f"areas named outside data/ and tests/: {named}"


def test_the_search_finds_a_name_and_a_code():
    # The check itself: a docstring example or a default parameter would be caught.
    authorities = _authorities()
    assert _mentions('"""e.g. area_name("E09000007") == "Camden"."""', authorities) == ["Camden", "E09000007"]
    assert _mentions('area_code = "E08000035"', authorities) == ["E08000035"]
    assert _mentions("Reading the file; North Yorkshire", authorities) == ["North Yorkshire"]
    assert _mentions("Camdenshire and E090000071", authorities) == []
