"""The PDF of an edition refuses, with what to do, when it cannot be made: no build, no
browser, nothing to print (tests/browser/test_pdf.py prints the real edition)."""
from __future__ import annotations

import json
import subprocess

import pytest

from analysis import cli
from analysis.build import pdf
from analysis.config import PROJECT_ROOT

YEAR = "2024-25"
AREA = "E09000007"


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


def test_command_line_refuses_a_bad_committee_date_naming_it(capsys):
    assert cli.main(["pdf", "--year", YEAR, "--committee-date", "2025-02-30"]) == cli.EXIT_BAD_PARAMETERS
    err = capsys.readouterr().err
    assert "'2025-02-30'" in err and "YYYY-MM-DD" in err and "Traceback" not in err


def test_help_says_the_appendices_are_left_out_by_default(capsys):
    with pytest.raises(SystemExit):
        cli.main(["pdf", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "By default the PDF leaves out the appendices" in out
    assert "--appendices" in out and "--committee-date" in out


def test_make_pdf_passes_the_appendices_and_committee_date_on():
    completed = subprocess.run(["make", "-n", "pdf", "APPENDICES=1", "COMMITTEE_DATE=2025-09-18"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "--appendices --committee-date 2025-09-18" in completed.stdout
