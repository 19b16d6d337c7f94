"""Reproducibility of real editions: `verify` rebuilds an edition and finds no difference beyond
the declared ones, and names every file that differs when something was changed.

The rebuild is of the synthetic 2025-26 edition (the real notebooks, a previous edition to
compare with, and the 2024-25 edition beside it in the site), so that the session's Camden
2024-25 edition is built only once per run.
"""
from __future__ import annotations

import json
import shutil
import time

import pytest

from analysis.assurance.reproducibility import compare_folders
from analysis.build.stage import toc_files
from analysis.build.verify import VerifyReport, verify_edition
from analysis.config import PROJECT_ROOT
from support.images import embedded_pngs, flip_png_byte

AREA = "E09000007"


@pytest.fixture(scope="module")
def verified(second_year_edition, tmp_path_factory):
    """Rebuild the session's 2025-26 edition in another folder and compare (kept for the next tests)."""
    result = second_year_edition.result
    started = time.perf_counter()
    report = verify_edition(
        result.year, AREA,
        site_dir=second_year_edition.site_dir,
        stage_root=result.stage_dir.parents[1],
        work_dir=tmp_path_factory.mktemp("verify"),
        keep=True,
    )
    print(f"verify: {time.perf_counter() - started:.1f} s")
    return report


def test_rebuild_is_identical_apart_from_declared_fields(verified, second_year_edition):
    if verified.code_changed and not verified.identical:
        pytest.skip("the code was edited between the session's build and the rebuild:\n" + verified.describe())
    assert verified.identical, verified.describe()
    published = [p for p in second_year_edition.second.rglob("*") if p.is_file()]
    staged = [p for p in second_year_edition.result.stage_dir.rglob("*") if p.is_file()]
    assert len(published) < verified.files_compared <= len(published) + len(staged)
    assert verified.rebuilt != second_year_edition.second
    # The other edition was mirrored, so the edition switcher could match, and the stage compared too.
    assert any("(2024-25) were mirrored" in note for note in verified.notes), verified.notes
    assert not any("not compared" in note for note in verified.notes), verified.notes


def test_charts_are_byte_identical(verified, second_year_edition):
    charts = 0
    for page in sorted((second_year_edition.second / "notebooks").glob("*.html")):
        first = embedded_pngs(page.read_text(encoding="utf-8"))
        second = embedded_pngs((verified.rebuilt / "notebooks" / page.name).read_text(encoding="utf-8"))
        assert first == second, page.name
        charts += len(first)
    figures = sum(page.read_text(encoding="utf-8").count('<figure class="chart"')
                  for page in (second_year_edition.second / "notebooks").glob("*.html"))
    assert charts >= figures > 0


def test_executed_notebooks_do_not_name_the_stage_folder(camden_edition):
    stage = camden_edition.stage_dir
    entries, _ = toc_files(PROJECT_ROOT / "_toc.yml")
    sources = sorted(f"{entry}.ipynb" for entry in entries if (PROJECT_ROOT / f"{entry}.ipynb").is_file())
    executed = sorted(p.relative_to(stage).as_posix() for p in stage.glob("notebooks/**/*.ipynb"))
    assert executed == sources
    for relative in executed:
        text = (stage / relative).read_text(encoding="utf-8")
        assert str(stage) not in text, relative
        parameters = json.loads(text)["metadata"]["papermill"]["parameters"]
        # Relative to the notebook's own folder: notebooks/x.ipynb -> ../_data/x
        up = "../" * relative.count("/")
        assert parameters["output_dir"] == f"{up}_data/{relative.rsplit('/', 1)[-1][:-len('.ipynb')]}"


def test_planted_differences_are_reported_with_the_file(camden_edition, tmp_path):
    """A copy of the published edition with planted changes, compared with the original."""
    copy = tmp_path / "published"
    shutil.copytree(camden_edition.html_dir, copy)
    pages = sorted((copy / "notebooks").glob("*.html"))
    text_page = pages[1]
    text_page.write_text(text_page.read_text(encoding="utf-8").replace("</h1>", " (edited)</h1>", 1),
                         encoding="utf-8")
    chart_page = next(p for p in pages if p != text_page and "data:image/png;base64," in p.read_text(encoding="utf-8"))
    chart_page.write_text(flip_png_byte(chart_page.read_text(encoding="utf-8")), encoding="utf-8")
    png = next((copy / "_static").rglob("*.png"))
    data = bytearray(png.read_bytes())
    data[-1] ^= 0x01
    png.write_bytes(bytes(data))
    notebook = copy / "_sources" / "notebooks" / text_page.with_suffix(".ipynb").name
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["metadata"]["papermill"]["parameters"]["year"] = "2023-24"
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    (copy / "extra.csv").write_text("a,b\n1,2\n")

    count, differences = compare_folders(copy, camden_edition.html_dir, "published edition")
    found = {d.file: d.what for d in differences}
    relative = lambda p: p.relative_to(copy).as_posix()  # noqa: E731
    assert set(found) == {relative(text_page), relative(chart_page), relative(png), relative(notebook), "extra.csv"}
    assert found[relative(text_page)].startswith("line ")
    assert "embedded PNG image 1 differ" in found[relative(chart_page)]
    assert found[relative(png)].startswith("PNG image: bytes differ")
    assert found[relative(notebook)] == "field differs: metadata.papermill.parameters.year"
    assert "only in the published copy" in found["extra.csv"]
    assert count == len([p for p in copy.rglob("*") if p.is_file()])
    report = VerifyReport(AREA, camden_edition.year, copy, camden_edition.html_dir, count, differences)
    assert relative(chart_page) in report.describe() and not report.identical
