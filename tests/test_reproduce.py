"""Reproducibility: rebuilding an edition gives the same files apart from declared fields,
and `verify` names every file that differs."""
from __future__ import annotations

import base64
import json
import re
import shutil
import time

import pytest

from analysis import cli, reproduce
from analysis.reproduce import (
    DECLARED_DIFFERENCES, DECLARED_MARK, compare_file, compare_folders, normalise_executed_notebook,
    normalise_json, normalise_text, verify_edition,
)

YEAR = "2024-25"
AREA = "E09000007"


# --------------------------------------------------------------------------
# The declared differences and the comparison, on small files
# --------------------------------------------------------------------------


def _notebook(seconds: float, output: str = "8,583") -> dict:
    stamp = f"2025-06-30T09:00:{int(seconds):02d}.000001+00:00"
    return {
        "metadata": {"papermill": {"start_time": stamp, "end_time": stamp, "duration": seconds,
                                   "input_path": "notebooks/01_context.ipynb"}},
        "cells": [{
            "cell_type": "code", "id": "abc",
            "metadata": {"papermill": {"start_time": stamp, "end_time": stamp, "duration": seconds,
                                       "status": "completed"},
                         "execution": {"iopub.status.busy": stamp, "shell.execute_reply": stamp}},
            "outputs": [{"output_type": "execute_result", "data": {"text/plain": output}}],
        }],
    }


def test_declared_list_is_short_and_says_why():
    assert 0 < len(DECLARED_DIFFERENCES) <= 10
    for declared in DECLARED_DIFFERENCES:
        assert declared.why and declared.files and (declared.fields or declared.pattern)


def test_timings_are_declared_but_outputs_are_not(tmp_path):
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    a.write_text(json.dumps(_notebook(1.5)))
    b.write_text(json.dumps(_notebook(7.25)))
    assert compare_file(a, b, "notebooks/01_context.ipynb") is None
    b.write_text(json.dumps(_notebook(7.25, output="8,584")))
    what = compare_file(a, b, "notebooks/01_context.ipynb")
    assert what == "field differs: cells[0].outputs[0].data.text/plain"
    # Papermill's status is not a timing: it must match.
    changed = _notebook(1.5)
    changed["cells"][0]["metadata"]["papermill"]["status"] = "failed"
    b.write_text(json.dumps(changed))
    assert "cells[0].metadata.papermill.status" in compare_file(a, b, "x.ipynb")


def test_manifest_times_are_declared_but_parameters_are_not():
    manifest = {"build_started_utc": "2025-06-30T09:00:00+00:00", "notebook_seconds": {"a.ipynb": 1.2},
                "html_build_seconds": 5.5, "parameters": {"year": YEAR}}
    normal = normalise_json(manifest, "manifest.json")
    assert normal["build_started_utc"] == DECLARED_MARK
    assert normal["notebook_seconds"] == {"a.ipynb": DECLARED_MARK}
    assert normal["parameters"] == {"year": YEAR}
    assert manifest["build_started_utc"].startswith("2025")  # the input is not changed


def test_version_stamp_build_date_and_provenance_times_are_declared():
    stamp = ('<p class="analysis-edition-stamp">Version: edition <span data-stamp="edition">2024-25</span>; '
             'built <span data-stamp="built">{}</span>; code <code data-stamp="code">abc1234</code></p>')
    one, other = stamp.format("2025-06-30"), stamp.format("2025-07-01")
    assert normalise_text(one, "notebooks/01_context.html") == normalise_text(other, "notebooks/01_context.html")
    assert "2024-25" in normalise_text(one, "index.html")  # the edition itself is compared
    assert normalise_text(one.replace("abc1234", "def5678"), "index.html") != normalise_text(one, "index.html")
    row = "<tr><td>notebooks/01_context.ipynb</td><td>{}</td></tr><tr><td>build started (UTC)</td><td>{}</td></tr>"
    assert (normalise_text(row.format("3.7", "2025-06-30T09:00:00+00:00"), "assurance/provenance.html")
            == normalise_text(row.format("12.1", "2025-07-01T10:11:12+00:00"), "assurance/provenance.html"))
    # A figure in a table is not a duration.
    assert normalise_text("<td>Referrals</td><td>3.7</td>", "a.html") == "<td>Referrals</td><td>3.7</td>"


def test_text_and_png_differences_name_the_line_and_image(tmp_path):
    png = base64.b64encode(b"\x89PNG fake chart bytes").decode()
    page = f'<p>Intro</p>\n<img src="data:image/png;base64,{png}">\n<p>Referrals: 8,583</p>\n'
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(page)
    b.write_text(page.replace("8,583", "8,584"))
    assert compare_file(a, b, "p.html").startswith("line 3, column ")
    b.write_text(reproduce.flip_png_byte(page))
    assert compare_file(a, b, "p.html") == "line 2: embedded PNG image 1 differ"


def test_executed_notebook_does_not_depend_on_the_stage(tmp_path):
    notebook = {"metadata": {"papermill": {"input_path": "/abs/book/notebooks/a.ipynb",
                                           "output_path": "/tmp/stage-x/notebooks/a.ipynb"}},
                "cells": [{"cell_type": "code", "id": "3f9a1c7e", "metadata": {"tags": ["injected-parameters"]},
                           "source": "year = \"2024-25\"\n", "outputs": []}]}
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(notebook))
    normalise_executed_notebook(path, "notebooks/a.ipynb")
    result = json.loads(path.read_text())
    assert result["metadata"]["papermill"]["input_path"] == "notebooks/a.ipynb"
    assert result["metadata"]["papermill"]["output_path"] == "notebooks/a.ipynb"
    assert result["cells"][0]["id"] == reproduce.INJECTED_CELL_ID


def test_verify_without_a_published_edition_says_so(tmp_path, capsys):
    code = cli.main(["verify", "--year", YEAR, "--site-dir", str(tmp_path / "site"),
                     "--stage-dir", str(tmp_path / "stage")])
    assert code == 1
    error = capsys.readouterr().err
    assert "no published edition" in error and "python -m analysis build --year 2024-25" in error
    assert "Traceback" not in error


def test_verify_is_a_command():
    parser = cli.build_parser()
    args = parser.parse_args(["verify", "--year", YEAR, "--area", AREA, "--keep"])
    assert args.handler is cli.run_verify and args.keep


# --------------------------------------------------------------------------
# The real edition, built twice
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def verified(camden_edition, tmp_path_factory):
    """Rebuild the session's Camden edition in another folder and compare (kept for the next tests)."""
    started = time.perf_counter()
    report = verify_edition(
        YEAR, AREA,
        site_dir=camden_edition.html_dir.parents[1],
        stage_root=camden_edition.stage_dir.parents[1],
        work_dir=tmp_path_factory.mktemp("verify"),
        keep=True,
    )
    print(f"verify: {time.perf_counter() - started:.1f} s")
    return report


def test_rebuild_is_identical_apart_from_declared_fields(verified, camden_edition):
    if verified.code_changed and not verified.identical:
        pytest.skip("the code was edited between the session's build and the rebuild:\n" + verified.describe())
    assert verified.identical, verified.describe()
    assert verified.files_compared > 100
    assert verified.rebuilt != camden_edition.html_dir
    # The stage's executed notebooks were compared too.
    assert not any("not compared" in note for note in verified.notes), verified.notes


def test_executed_notebooks_do_not_name_the_stage_folder(camden_edition):
    stage = str(camden_edition.stage_dir)
    for notebook in (camden_edition.stage_dir / "notebooks").glob("*.ipynb"):
        text = notebook.read_text(encoding="utf-8")
        assert stage not in text, notebook.name
        parameters = json.loads(text)["metadata"]["papermill"]["parameters"]
        assert parameters["output_dir"] == f"../_data/{notebook.stem}"


def test_charts_are_byte_identical(verified, camden_edition):
    pattern = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
    charts = 0
    for page in sorted((camden_edition.html_dir / "notebooks").glob("*.html")):
        first = pattern.findall(page.read_text(encoding="utf-8"))
        second = pattern.findall((verified.rebuilt / "notebooks" / page.name).read_text(encoding="utf-8"))
        assert first == second, page.name
        charts += len(first)
    assert charts > 0


def test_planted_differences_are_reported_with_the_file(camden_edition, tmp_path):
    """A copy of the published edition with planted changes, compared with the original."""
    copy = tmp_path / "published"
    shutil.copytree(camden_edition.html_dir, copy)
    pages = sorted((copy / "notebooks").glob("*.html"))
    text_page = pages[1]
    text_page.write_text(text_page.read_text(encoding="utf-8").replace("</h1>", " (edited)</h1>", 1),
                         encoding="utf-8")
    chart_page = next(p for p in pages if p != text_page and "data:image/png;base64," in p.read_text(encoding="utf-8"))
    chart_page.write_text(reproduce.flip_png_byte(chart_page.read_text(encoding="utf-8")), encoding="utf-8")
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
    assert "embedded PNG image" in found[relative(chart_page)]
    assert found[relative(png)].startswith("PNG image: bytes differ")
    assert found[relative(notebook)] == "field differs: metadata.papermill.parameters.year"
    assert "only in the published copy" in found["extra.csv"]
    report = reproduce.VerifyReport(AREA, YEAR, copy, camden_edition.html_dir, count, differences)
    assert relative(chart_page) in report.describe() and not report.identical


def test_code_changes_are_named(tmp_path):
    def manifest(name, **git):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"git": git}))
        return path

    same = manifest("a", commit="abc", dirty=True, uncommitted_sha256="1")
    assert reproduce.code_changed(same, manifest("b", commit="abc", dirty=True, uncommitted_sha256="1")) is None
    assert "commit abc" in reproduce.code_changed(same, manifest("c", commit="def", dirty=False))
    assert "uncommitted" in reproduce.code_changed(same, manifest("d", commit="abc", dirty=True, uncommitted_sha256="2"))
