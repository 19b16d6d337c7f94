"""The code and the notebooks name no area: which partnership and area an edition is for is
data (data/partnerships/, the build's --area), so the same book serves any partnership.

Every local authority in the national statistics (data/national/areas.csv), by name and by
ONS code, and every configured partnership, by id, name and short name, is looked for in src/,
notebooks/, the book's own files (book/, _config.yml, _toc.yml), the Makefile and .ci/.
"""
import csv
import re
import tomllib
from pathlib import Path

from analysis.config import PROJECT_ROOT

# Local authority names that are also ordinary English words at the start of a sentence.
ORDINARY_WORDS = {"Reading"}


def _authorities() -> list[dict]:
    with open(PROJECT_ROOT / "data" / "national" / "areas.csv", newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["geographic_level"] == "Local authority"]


def _partnerships() -> list[dict]:
    """Each configured partnership as the search looks for it: its id, name and short name."""
    found = []
    for path in sorted((PROJECT_ROOT / "data" / "partnerships").glob("*/partnership.toml")):
        content = tomllib.loads(path.read_text(encoding="utf-8"))
        found.append({"id": path.parent.name, "names": [content["name"], content["short_name"]]})
    return found


def _files() -> list[Path]:
    book = [path for path in (PROJECT_ROOT / "book").rglob("*") if path.is_file()]
    own = [PROJECT_ROOT / name for name in ("_config.yml", "_toc.yml", "Makefile", ".ci/run")]
    return sorted(list((PROJECT_ROOT / "src").rglob("*.py")) + list((PROJECT_ROOT / "notebooks").rglob("*.ipynb"))
                  + book + [path for path in own if path.is_file()])


def _mentions(text: str, authorities: list[dict], partnerships: list[dict] = ()) -> list[str]:
    found = []
    for partnership in partnerships:
        if re.search(rf"(?<![A-Za-z0-9-]){re.escape(partnership['id'])}(?![A-Za-z0-9-])", text):
            found.append(partnership["id"])
        found += [name for name in partnership["names"] if name in text]
    for row in authorities:
        # (A plain "in" first: the pattern can only match where the name or code is in the text.)
        if row["area_name"] in text and row["area_name"] not in ORDINARY_WORDS and re.search(
                rf"(?<![A-Za-z]){re.escape(row['area_name'])}(?![A-Za-z])", text):
            found.append(row["area_name"])
        if row["area_code"] in text and re.search(rf"\b{row['area_code']}\b", text):
            found.append(row["area_code"])
    return sorted(set(found))  # a name may belong to two codes (a county and its successor)


def test_no_area_is_named_in_the_code_or_the_notebooks():
    authorities = _authorities()
    assert len(authorities) > 150  # every authority in England, abolished ones included
    named = {}
    for path in _files():
        found = _mentions(path.read_text(encoding="utf-8", errors="replace"), authorities, _partnerships())
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
    partnerships = [{"id": "pan-dorset", "names": ["Pan-Dorset Safeguarding Children Partnership", "Pan-Dorset"]}]
    assert _mentions("build --area pan-dorset", [], partnerships) == ["pan-dorset"]
    assert _mentions("the Pan-Dorset book", [], partnerships) == ["Pan-Dorset"]
    assert _mentions("a pan-dorsetshire folder", [], partnerships) == []
