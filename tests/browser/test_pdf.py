"""The PDF of the real 2024-25 edition, printed by headless Chromium (`python -m analysis pdf`).

It is printed from a copy of the session's build (``camden_edition``), since the PDF is
written into the published edition."""
from __future__ import annotations

import re
import shutil
import unicodedata
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.build import pdf
from analysis.config import DataPaths
from browser_support import AREA, YEAR, chromium_or_skip


# --------------------------------------------------------------------------
# The PDF of the real edition
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(request, tmp_path_factory):
    chromium_or_skip()  # before the edition is asked for: without Chromium, nothing is built
    camden_edition = request.getfixturevalue("camden_edition")
    root = tmp_path_factory.mktemp("pdf")
    stage_dir = root / "stage" / AREA / YEAR
    shutil.copytree(camden_edition.stage_dir, stage_dir)
    shutil.copytree(camden_edition.site_index.parent, root / "site")
    built = SimpleNamespace(stage_dir=stage_dir, html_dir=root / "site" / AREA / YEAR)
    messages: list[str] = []
    path = pdf.make_pdf(YEAR, AREA, stage_root=root / "stage", site_dir=root / "site", progress=messages.append)
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))
    return path, built, reader, text, messages


def test_pdf_is_written_into_the_published_edition(printed):
    path, built, reader, _, messages = printed
    assert path == built.html_dir / f"analysis-book-{AREA}-{YEAR}.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    assert str(path) in messages[-1]
    # Sphinx's working files and the log stay in the stage's _build/, out of the edition.
    assert not (built.stage_dir / pdf.SINGLEHTML_LOG_NAME).exists()


def _bookmarks(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _bookmarks(item) if isinstance(item, list) else [item.title]
    return titles


def _squeezed(text: str) -> str:
    """Text without white space and with one kind of apostrophe (PDF titles break lines anywhere)."""
    return "".join(text.split()).replace("’", "'")


def test_pdf_has_numbered_a4_pages_bookmarks_and_tags(printed):
    _, _, reader, text, _ = printed
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)  # A4 in points
    # Every page carries its number out of the whole.
    numbers = re.findall(r"Page (\d+) of (\d+)", text)
    assert numbers == [(str(n), str(len(reader.pages))) for n in range(1, len(reader.pages) + 1)]
    # A bookmark for each section of the report.
    bookmarks = {_squeezed(title) for title in _bookmarks(reader.outline)}
    sections = pd.read_csv(DataPaths().reference / "sections.csv", dtype=str)
    assert [t for t in sections["title"] if _squeezed(t) not in bookmarks] == []
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked") == True, "not a tagged PDF"  # noqa: E712
    partnership = pd.read_csv(DataPaths().reference / "partnership.csv", dtype=str).iloc[0]
    title = reader.metadata.title or ""
    assert title.startswith(f"{partnership['partnership_name']}: ") and YEAR in title


def test_pdf_text_has_the_key_figures_and_every_section(printed):
    _, _, _, text, _ = printed
    figures = pd.read_csv(DataPaths().year(YEAR) / "figures.csv", dtype=str).set_index(["indicator_id", "period"])
    referrals = f"{int(figures.at[('front_door_referrals', YEAR), 'value']):,}"
    for expected in (referrals, "Key findings", "1 April 2024 to 31 March 2025", "Contents",
                     "The children’s front door", "Children looked after", "Methods", "Data dictionary",
                     "Table: the numbers in this chart", "Page 2 of"):
        assert expected in text, f"{expected!r} is not in the PDF"


def test_pdf_leaves_out_the_code(printed):
    _, _, _, text, _ = printed
    for code in ("Show code cell source", "from analysis", "page.glue"):
        assert code not in text, f"{code!r} is in the PDF"
