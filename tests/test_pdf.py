"""The PDF of an edition (analysis.pdf, `python -m analysis pdf`, `make pdf`).

The PDF of the real 2024-25 edition is printed from the session's build
(tests/browser_support.py) by headless Chromium; the refusals need neither.
"""
from __future__ import annotations

import json
import subprocess
import unicodedata

import pytest

from analysis import cli, pdf
from analysis.paths import PROJECT_ROOT
from browser_support import AREA, YEAR, build_once, chromium_or_skip


def make_edition_folders(tmp_path, staged_manifest: dict, published_manifest: dict | None):
    """A fake built edition: a published folder and a stage, with the given manifests."""
    stage_root, site_dir = tmp_path / "stage", tmp_path / "site"
    stage, published = stage_root / AREA / YEAR, site_dir / AREA / YEAR
    stage.mkdir(parents=True)
    published.mkdir(parents=True)
    (stage / "_config.yml").write_text("title: x\n")
    (stage / "manifest.json").write_text(json.dumps(staged_manifest))
    (published / "index.html").write_text("<!DOCTYPE html><title>x</title>")
    if published_manifest is not None:
        (published / "manifest.json").write_text(json.dumps(published_manifest))
    return stage_root, site_dir


# --------------------------------------------------------------------------
# Refusals, with what to do
# --------------------------------------------------------------------------


def test_an_edition_that_was_not_built_is_refused_with_the_build_command(tmp_path):
    with pytest.raises(pdf.PdfFailed) as caught:
        pdf.make_pdf(YEAR, AREA, stage_root=tmp_path / "stage", site_dir=tmp_path / "site", progress=None)
    message = str(caught.value)
    assert f"the {YEAR} edition for {AREA} has not been built" in message
    assert f"python -m analysis build --year {YEAR} --area {AREA}" in message
    assert not (tmp_path / "site").exists()


def test_a_stage_from_a_later_failed_build_is_refused(tmp_path):
    stage_root, site_dir = make_edition_folders(tmp_path, {"build_started_utc": "2025-07-02"},
                                                {"build_started_utc": "2025-07-01"})
    with pytest.raises(pdf.PdfFailed, match="is not the edition published"):
        pdf.make_pdf(YEAR, AREA, stage_root=stage_root, site_dir=site_dir, progress=None)


def test_a_published_edition_without_its_stage_is_refused(tmp_path):
    stage_root, site_dir = make_edition_folders(tmp_path, {}, {})
    (stage_root / AREA / YEAR / "manifest.json").unlink()
    with pytest.raises(pdf.PdfFailed, match="staged book with the executed notebooks is not in"):
        pdf.make_pdf(YEAR, AREA, stage_root=stage_root, site_dir=site_dir, progress=None)


def test_without_chromium_it_says_how_to_install_it(tmp_path, monkeypatch):
    stage_root, site_dir = make_edition_folders(tmp_path, {"a": 1}, {"a": 1})
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    assert pdf.find_chromium() is None
    with pytest.raises(pdf.PdfFailed, match="apt-get install chromium"):
        pdf.make_pdf(YEAR, AREA, stage_root=stage_root, site_dir=site_dir, progress=None)


def test_command_line_reports_an_unbuilt_edition_without_a_traceback(tmp_path, capsys):
    code = cli.main(["pdf", "--year", YEAR, "--area", AREA, "--stage-dir", str(tmp_path / "stage"),
                     "--site-dir", str(tmp_path / "site")])
    captured = capsys.readouterr()
    assert code == cli.EXIT_FAILED
    assert captured.err.startswith("error: the 2024-25 edition for E09000007 has not been built")
    assert "Traceback" not in captured.err


def test_command_line_refuses_a_bad_year(capsys):
    assert cli.main(["pdf", "--year", "2024/25"]) == cli.EXIT_BAD_PARAMETERS
    assert "YYYY-YY" in capsys.readouterr().err


def test_make_pdf_is_a_thin_wrapper():
    completed = subprocess.run(["make", "-n", "pdf", "YEAR=2025-26", "AREA=E09000001"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "-m analysis pdf --year 2025-26 --area E09000001" in completed.stdout


# --------------------------------------------------------------------------
# The PDF of the real edition
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    chromium_or_skip()
    built = build_once(tmp_path_factory)
    messages: list[str] = []
    path = pdf.make_pdf(YEAR, AREA, stage_root=built.stage_dir.parents[1], site_dir=built.site_index.parent,
                        progress=messages.append)
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))
    return path, built, reader, text, messages


@pytest.mark.browser
@pytest.mark.book
def test_pdf_is_written_into_the_published_edition(printed):
    path, built, reader, _, messages = printed
    assert path == built.html_dir / f"analysis-book-{AREA}-{YEAR}.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    assert str(path) in messages[-1]
    # Sphinx's working files and the log stay in the stage's _build/, out of the edition.
    assert not (built.stage_dir / pdf.SINGLEHTML_LOG_NAME).exists()


@pytest.mark.browser
@pytest.mark.book
def test_pdf_has_a4_pages_bookmarks_and_tags(printed):
    _, _, reader, _, _ = printed
    assert len(reader.pages) >= 15
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)  # A4 in points
    assert reader.outline, "no bookmarks"
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked") == True, "not a tagged PDF"  # noqa: E712
    assert "Camden" in (reader.metadata.title or "")


@pytest.mark.browser
@pytest.mark.book
def test_pdf_text_has_the_key_figures_and_every_section(printed):
    _, _, _, text, _ = printed
    for expected in ("8,583", "Key findings", "1 April 2024 to 31 March 2025", "Contents",
                     "The children’s front door", "Children looked after", "Methods", "Data dictionary",
                     "Table: the numbers in this chart", "Page 2 of"):
        assert expected in text, f"{expected!r} is not in the PDF"


@pytest.mark.browser
@pytest.mark.book
def test_pdf_leaves_out_the_code(printed):
    _, _, _, text, _ = printed
    for code in ("Show code cell source", "from analysis", "page.glue"):
        assert code not in text, f"{code!r} is in the PDF"
