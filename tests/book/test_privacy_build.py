"""No record-level data about children reaches a published site: the real edition passes the
scan, and a build whose output holds a postcode or a small count is not published.

The person-level values are SYNTHETIC: SW1A 1AA is a public, non-residential postcode.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.assurance.privacy import scan_edition
from analysis.build.failures import BuildFailed
from analysis.build.pipeline import build_edition
from support.folders import snapshot
from support.sites import published_site

FIXTURE_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_book"
FIXTURE_DATA = FIXTURE_BOOK / "data"
YEAR = "2024-25"
AREA = "E09000007"
REGISTER_HEADER = "page,name,indicator_id,text,raw_value,unit,period,source_kind,source\n"


def test_the_real_edition_passes(camden_edition, tmp_path):
    assert scan_edition(camden_edition.html_dir, stage_dir=camden_edition.stage_dir) == []
    # The same scan finds a postcode planted in a copy of one of its pages.
    copy = tmp_path / "edition"
    shutil.copytree(camden_edition.html_dir, copy)
    page = copy / "notebooks" / "02_front_door.html"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(10, "<p>SW1A 1AA</p>\n")
    page.write_text("".join(lines), encoding="utf-8")
    found = scan_edition(copy, stage_dir=camden_edition.stage_dir)
    assert [(f.file, f.line) for f in found] == [("notebooks/02_front_door.html", 11)]


# --------------------------------------------------------------------------
# The build refuses to publish
# --------------------------------------------------------------------------


def _add_cell(notebook: Path, source: str) -> None:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "code", "execution_count": None, "id": "synthetic-privacy",
                          "metadata": {}, "outputs": [], "source": source})
    notebook.write_text(json.dumps(data, indent=1), encoding="utf-8")


def test_a_build_with_a_postcode_in_an_output_is_not_published(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURE_BOOK, book)
    site_dir = published_site(tmp_path / "published", YEAR, AREA)
    before = snapshot(site_dir)

    notebook = book / "notebooks" / "02_synthetic_side_file.ipynb"
    _add_cell(notebook, (
        "from pathlib import Path\n"
        "print('Synthetic home address: ' + 'SW1A' + ' 1AA')\n"
        f"Path(output_dir, 'register.csv').write_text({REGISTER_HEADER!r} + "
        "'02_synthetic_side_file,synthetic_small,,3,3,count,2024-25,record_level,synthetic records\\n')\n"
    ))
    with pytest.raises(BuildFailed) as caught:
        build_edition(YEAR, AREA, data_dir=FIXTURE_DATA, book_root=book, stage_root=tmp_path / "stage",
                      site_dir=site_dir, progress=None)
    message = str(caught.value)
    assert "nothing was published" in message
    assert "notebooks/02_synthetic_side_file.html, line " in message
    assert "_sources/notebooks/02_synthetic_side_file.ipynb, line " in message
    assert "a UK postcode (SW1A ***)" in message
    assert "stage: _data/02_synthetic_side_file/register.csv, line 2: a small count (3)" in message
    assert snapshot(site_dir) == before
