"""The PDF of the real 2024-25 edition, printed by headless Chromium (`python -m analysis pdf`).

It is printed from a copy of the session's build (``camden_edition``), since the PDF is
written into the published edition."""
from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.build import pdf
from analysis.build.pdf_contents import PdfOptions, bookmarks, printed_options
from analysis.config import DataPaths
from analysis.inputs.partnership import load_partnerships
from browser_support import AREA, YEAR, chromium_or_skip


# --------------------------------------------------------------------------
# The PDF of the real edition
# --------------------------------------------------------------------------


COMMITTEE_DATE = "2025-09-18"
# What only makes sense on a screen, and must not be in the printed text.
SCREEN_ONLY_PHRASES = ("Download", "download", "as CSV", "Show code", "show the code", "hide the code",
                       "How this page was made", "Skip to main content", "Search", "Ctrl", "click", "toggle",
                       "Print this page", "Link to this heading", "¶")


def _copy_edition(camden_edition, root):
    stage_dir = root / "stage" / AREA / YEAR
    shutil.copytree(camden_edition.stage_dir, stage_dir)
    shutil.copytree(camden_edition.site_index.parent, root / "site")
    return SimpleNamespace(stage_dir=stage_dir, html_dir=root / "site" / AREA / YEAR, root=root)


def _created(path) -> str:
    """When the PDF at ``path`` was printed (its metadata only: reading every page's text takes seconds)."""
    from pypdf import PdfReader

    return PdfReader(str(path)).metadata["/CreationDate"]


def _read(path):
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
    return reader, pages


def _print(request, tmp_path_factory, options):
    chromium_or_skip()  # before the edition is asked for: without Chromium, nothing is built
    built = _copy_edition(request.getfixturevalue("camden_edition"), tmp_path_factory.mktemp("pdf"))
    messages: list[str] = []
    path = pdf.make_pdf(YEAR, AREA, stage_root=built.root / "stage", site_dir=built.root / "site",
                        options=options, progress=messages.append)
    reader, pages = _read(path)
    return path, built, reader, "\n".join(pages), messages, pages


@pytest.fixture(scope="module")
def printed(request, tmp_path_factory):
    """The default PDF (no appendices), for a committee meeting."""
    return _print(request, tmp_path_factory, PdfOptions(committee_date=COMMITTEE_DATE))


@pytest.fixture(scope="module")
def printed_with_appendices(request, tmp_path_factory):
    return _print(request, tmp_path_factory, PdfOptions(appendices=True))


def test_pdf_is_written_into_the_published_edition(printed):
    path, built, reader, _, messages, _ = printed
    assert path == built.html_dir / f"analysis-book-{AREA}-{YEAR}.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    assert str(path) in messages[-1]
    # Sphinx's working files and the log stay in the stage's _build/, out of the edition.
    assert not (built.stage_dir / pdf.SINGLEHTML_LOG_NAME).exists()


def _squeezed_words(text: str) -> str:
    """Text with every run of white space as one space (a PDF breaks lines anywhere)."""
    return " ".join(text.split())


def _squeezed(text: str) -> str:
    """Text without white space and with one kind of apostrophe (PDF titles break lines anywhere)."""
    return "".join(text.split()).replace("’", "'")


def test_pdf_has_numbered_a4_pages_bookmarks_and_tags(printed_with_appendices):
    _, _, reader, text, _, _ = printed_with_appendices
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)  # A4 in points
    # Every page carries its number out of the whole.
    numbers = re.findall(r"Page (\d+) of (\d+)", text)
    assert numbers == [(str(n), str(len(reader.pages))) for n in range(1, len(reader.pages) + 1)]
    # A bookmark for each section of the report.
    marked = {_squeezed(title) for title, _ in bookmarks(reader)}
    sections = pd.read_csv(DataPaths().reference / "sections.csv", dtype=str)
    assert [t for t in sections["title"] if _squeezed(t) not in marked] == []
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked") == True, "not a tagged PDF"  # noqa: E712
    partnership = load_partnerships()["camden"]
    title = reader.metadata.title or ""
    assert title.startswith(f"{partnership.name}: ") and YEAR in title


def test_pdf_text_has_the_key_figures_and_every_section(printed_with_appendices):
    _, _, _, text, _, _ = printed_with_appendices
    figures = pd.read_csv(DataPaths(partnership_id="camden").year(YEAR) / "figures.csv", dtype=str).set_index(["indicator_id", "period"])
    referrals = f"{int(figures.at[('front_door_referrals', YEAR), 'value']):,}"
    for expected in (referrals, "Key findings", "1 April 2024 to 31 March 2025", "Contents",
                     "The children’s front door", "Children looked after", "Methods", "Data dictionary",
                     "Table: the numbers in this chart", "Page 2 of"):
        assert expected in text, f"{expected!r} is not in the PDF"


def test_pdf_leaves_out_the_code(printed_with_appendices):
    _, _, _, text, _, _ = printed_with_appendices
    for code in ("Show code cell source", "from analysis", "page.glue"):
        assert code not in text, f"{code!r} is in the PDF"


# --------------------------------------------------------------------------
# Committee papers: cover, contents, key findings first, appendices, clean text
# --------------------------------------------------------------------------


def _without_header_and_footer(page_text: str) -> str:
    return re.sub(r"Page \d+ of \d+", "", page_text)


def test_the_cover_is_a_sheet_of_its_own_naming_the_edition_version_and_meeting(printed):
    path, built, reader, _, _, pages = printed
    manifest = json.loads((built.html_dir / "manifest.json").read_text(encoding="utf-8"))
    partnership = load_partnerships()["camden"]
    cover = " ".join(pages[0].split())
    for expected in (partnership.name, "Annual report 2024-25 1 April 2024 to 31 March 2025",
                     "Camden (E09000007)", "For the meeting on 18 September 2025", "Version",
                     manifest["git"]["commit"][:12], f"Printed {date.today().day} "):
        assert expected in cover, f"{expected!r} is not on the cover: {cover}"
    assert "Headline measures" not in cover and "Contents" not in pages[0].split("\n")[-3:]
    assert printed_options(path) == PdfOptions(committee_date=COMMITTEE_DATE)


def test_contents_come_second_with_the_page_each_chapter_is_on(printed):
    _, _, reader, _, _, pages = printed
    contents_page = _without_header_and_footer(pages[1])
    assert contents_page.lstrip().splitlines()[0].strip() == "Contents"
    listed = dict(re.findall(r"^\s*(.+?)\s+(\d+)\s*$", contents_page, flags=re.MULTILINE))
    first_page: dict[str, int] = {}
    for title, number in bookmarks(reader):  # a chapter's title may be a later section's too
        first_page.setdefault(title, number)
    sections = pd.read_csv(DataPaths().reference / "sections.csv", dtype=str)
    chapters = ["Key findings", *(t.replace("'", "’") for t in sections["title"])]
    assert {title: int(listed.get(title, 0)) for title in chapters} == {title: first_page[title] for title in chapters}
    # Not only where Chromium's bookmarks point: each chapter's heading is printed on its page.
    assert [title for title in chapters if _squeezed(title) not in _squeezed(pages[int(listed[title]) - 1])] == []
    # Key findings straight after the cover and the contents.
    assert first_page["Key findings"] == 3
    assert pages[2].split("Key findings", 1)[0].count("\n") <= 2


def test_the_report_year_is_never_broken_across_lines(printed):
    _, _, _, text, _, _ = printed
    assert re.findall(r"\b20\d\d-\s*\n\s*\d\d\b", text) == []


def test_bookmarks_are_the_headings_once_each(printed, printed_with_appendices):
    for _, _, reader, _, _, _ in (printed, printed_with_appendices):
        titles = [title for title, _ in bookmarks(reader)]
        doubled = [t for t in titles if len(t) % 2 == 0 and t[: len(t) // 2] == t[len(t) // 2:]
                   or re.search(r"(\b\w+\b \b\w+\b).*\1", t)]
        assert doubled == []
        for heading in ("Where Camden stands out", "Who leads the partnership", "Referrals to the children's front door"):
            assert heading.replace("'", "’") in titles or heading in titles, heading


def test_the_appendices_are_left_out_unless_asked_for(printed, printed_with_appendices):
    appendices = ("Methods", "Data dictionary", "What changed since the last edition", "Register of figures",
                  "Provenance of this edition", "Data log, assumptions and caveats")
    default = {title for title, _ in bookmarks(printed[2])}
    full = {title for title, _ in bookmarks(printed_with_appendices[2])}
    assert [t for t in appendices if t in default] == []
    assert [t for t in appendices if t not in full] == []
    assert "Reconciliation with national statistics" in default  # the last chapter of the findings
    assert "Methods and data" in _without_header_and_footer(printed_with_appendices[5][1])
    assert "Methods and data" not in _without_header_and_footer(printed[5][1])


def test_nothing_that_only_works_on_screen_is_printed(printed, printed_with_appendices):
    for _, _, _, text, _, _ in (printed, printed_with_appendices):
        assert [phrase for phrase in SCREEN_ONLY_PHRASES if phrase in text] == []
    # Only what is about the screen goes: the methods' sentence on charts' tables stays.
    assert "the numbers behind every chart are in a table beneath it" in _squeezed_words(printed_with_appendices[3])


def test_every_table_fits_the_printed_width(printed_with_appendices, browser):
    _, built, _, _, _, _ = printed_with_appendices
    single = built.stage_dir / "_build" / "singlehtml" / pdf.SINGLE_PAGE_NAME
    page, _, _, _ = pdf.open_for_print(browser, single, cover="<h1>Cover</h1>", dropped=[])
    try:
        overflow = page.evaluate("""(width) => {
          const wide = [];
          document.querySelectorAll('table').forEach(t => {
            if (!t.getClientRects().length) return;
            const box = t.parentElement;
            if (t.scrollWidth > box.clientWidth + 1 || t.getBoundingClientRect().right > width + 1)
              wide.push(`${t.querySelector('caption')?.textContent || t.className}: ${t.scrollWidth} > ${box.clientWidth}`);
          });
          document.querySelectorAll('article *').forEach(e => {
            const r = e.getBoundingClientRect();
            if (r.width && r.right > width + 1) wide.push(`${e.tagName}.${e.className}: right edge ${r.right}`);
          });
          return wide.slice(0, 10);
        }""", pdf.PRINT_WIDTH_PX)
        assert page.evaluate("() => document.querySelectorAll('table').length") > 40
    finally:
        page.context.close()
    assert overflow == []


# --------------------------------------------------------------------------
# A rebuild prints the PDF again
# --------------------------------------------------------------------------


def _forget_one_pages_run(root: Path) -> None:
    """A change that has the copied edition built and published again, cheaply: the record of one
    page's run is gone, so that page runs again (analysis.build.cache)."""
    (root / "stage" / AREA / YEAR / "_cache" / "notebooks" / "12_priorities.ipynb.json").unlink()


def _copy_printed(built, root: Path) -> SimpleNamespace:
    """A copy of a printed edition (its stage and site, PDF and any committee paper included), to
    rebuild without touching the module's."""
    shutil.copytree(built.root / "stage", root / "stage")
    shutil.copytree(built.root / "site", root / "site")
    return SimpleNamespace(html_dir=root / "site" / AREA / YEAR, root=root)


def test_a_rebuild_prints_the_pdf_and_makes_the_committee_paper_again(committee_paper, tmp_path):
    from analysis.build.pipeline import build_edition

    built = _copy_printed(committee_paper.built, tmp_path)
    options = PdfOptions(committee_date=COMMITTEE_DATE)  # as `printed` printed it
    path = built.html_dir / committee_paper.book_pdf.name
    paper_docx = built.html_dir / committee_paper.docx.name
    paper_pdf = built.html_dir / committee_paper.pdf.name
    assert printed_options(path) == options and paper_docx.is_file() and paper_pdf.is_file()
    paper_docx.write_bytes(b"an old paper")  # so that the test can see it is made again
    before = _created(path)
    # Nothing has changed: the edition is up to date, and its PDF and paper are left as they are.
    unchanged = build_edition(YEAR, AREA, stage_root=tmp_path / "stage", site_dir=tmp_path / "site", progress=None)
    assert unchanged.up_to_date and _created(path) == before
    assert paper_docx.read_bytes() == b"an old paper"
    # Published again (after any change): the PDF is printed and the paper made again.
    _forget_one_pages_run(tmp_path)
    messages: list[str] = []
    result = build_edition(YEAR, AREA, stage_root=tmp_path / "stage", site_dir=tmp_path / "site",
                           progress=messages.append)
    assert not result.up_to_date and result.executed
    assert result.pdf_path == path and path.is_file()
    assert _created(path) != before, "the PDF is the old one"
    assert printed_options(path) == options
    assert any("Printing the PDF (the edition it replaced had one)" in m for m in messages)
    assert any("Making the committee paper again" in m for m in messages)
    assert paper_pdf.is_file() and paper_docx.read_bytes().startswith(b"PK")
    assert not list(built.html_dir.parent.parent.parent.glob(".*-*"))  # no half-published folders


def test_a_rebuild_without_chromium_publishes_the_html_and_says_how_to_install_it(printed, tmp_path, monkeypatch):
    from analysis.build.pipeline import build_edition

    built = _copy_printed(printed[1], tmp_path)  # an edition with a PDF: a rebuild prints it again
    old_manifest = (built.html_dir / "manifest.json").read_bytes()
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    _forget_one_pages_run(tmp_path)  # an edition up to date is not published again
    with pytest.raises(pdf.PdfFailed) as caught:
        build_edition(YEAR, AREA, stage_root=tmp_path / "stage", site_dir=tmp_path / "site", progress=None)
    message = str(caught.value)
    assert "is built and published" in message and "apt-get install chromium" in message
    assert "python -m analysis pdf --year 2024-25 --area E09000007" in message
    assert (built.html_dir / "index.html").is_file()
    assert (built.html_dir / "manifest.json").read_bytes() != old_manifest, "the new HTML was not published"


# --------------------------------------------------------------------------
# Pictures of two printed pages, as a reader at a desk or on a phone sees them
# --------------------------------------------------------------------------


def test_screenshots_of_two_pdf_pages_at_both_sizes(printed):
    """The cover and the first page of key findings, at 1366 and 390 pixels wide, into
    _build/screenshots/ (make screenshots renders them with the pages of the site)."""
    import subprocess

    from PIL import Image

    from browser_support import SCREENSHOT_DIR

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        reason = "pdftoppm (Debian's poppler-utils) is not installed, so the PDF pages cannot be pictured"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: .ci/run installs it)")
        pytest.skip(reason)
    path, _, _, _, _, pages = printed
    findings = next(number for number, text in enumerate(pages, start=1) if "Headline measures" in text)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for name, number in (("pdf-cover", 1), ("pdf-key-findings", findings)):
        for size, width in (("desktop", 1366), ("phone", 390)):
            target = SCREENSHOT_DIR / f"{name}-{size}"
            subprocess.run([pdftoppm, "-f", str(number), "-l", str(number), "-singlefile", "-png",
                            "-scale-to-x", str(width), "-scale-to-y", "-1", str(path), str(target)], check=True)
            picture = target.with_suffix(".png")
            with Image.open(picture) as image:
                assert image.width == width and image.height > width, (picture, image.size)
                # A printed page, not a blank one: dark text on most of it.
                assert sum(image.convert("L").histogram()[:128]) > 500, f"{picture} looks blank"


# --------------------------------------------------------------------------
# The committee paper (python -m analysis committee-paper), with the book as Appendix 1
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committee_paper(printed):
    from analysis.build.committee_paper import make_committee_paper

    book_pdf, built, book_reader, _, _, _ = printed
    messages: list[str] = []
    docx_path, pdf_path = make_committee_paper(YEAR, AREA, stage_root=built.root / "stage",
                                               site_dir=built.root / "site", progress=messages.append)
    reader, pages = _read(pdf_path)
    return SimpleNamespace(docx=docx_path, pdf=pdf_path, reader=reader, pages=pages,
                           book_pages=len(book_reader.pages), messages=messages, built=built, book_pdf=book_pdf)


def test_the_committee_paper_is_written_into_the_published_edition_in_word_and_pdf(committee_paper):
    assert committee_paper.docx == committee_paper.built.html_dir / f"committee-paper-{AREA}-{YEAR}.docx"
    assert committee_paper.pdf == committee_paper.built.html_dir / f"committee-paper-{AREA}-{YEAR}.pdf"
    assert committee_paper.docx.stat().st_size > 10_000


def test_the_committee_papers_pdf_is_the_paper_then_the_book_with_a_bookmark_each(committee_paper):
    reader, pages = committee_paper.reader, committee_paper.pages
    paper_pages = next(n for n, text in enumerate(pages) if "Report ends" in text) + 1
    assert len(pages) == paper_pages + committee_paper.book_pages
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == ["Camden Safeguarding Children Partnership – Annual Report 2024-25",
                                            "Appendix 1: Camden Safeguarding Children Partnership Annual Report 2024-25"]
    assert [reader.get_destination_page_number(item) for item in top] == [0, paper_pages]
    first = pages[0]
    for words in ("London Borough of Camden", "Children, Schools and Families Scrutiny Committee",
                  "9 December 2025", "Summary of report", "Recommendations"):
        assert words in first, words
    paper_text = "\n".join(pages[:paper_pages])
    assert "There were 8,583 referrals" in re.sub(r"\s+", " ", paper_text)
    assert re.findall(r"\b20\d\d-\s*\n\s*\d\d\b", paper_text) == []
    assert "{" not in paper_text and "**" not in paper_text


def test_screenshots_of_the_committee_papers_first_page_at_both_sizes(committee_paper):
    import subprocess

    from PIL import Image

    from browser_support import SCREENSHOT_DIR

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed to picture the paper (.ci/run installs it)"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for size, width in (("desktop", 1366), ("phone", 390)):
        target = SCREENSHOT_DIR / f"committee-paper-{size}"
        subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to-x", str(width),
                        "-scale-to-y", "-1", str(committee_paper.pdf), str(target)], check=True)
        with Image.open(target.with_suffix(".png")) as image:
            assert image.width == width and sum(image.convert("L").histogram()[:128]) > 500
