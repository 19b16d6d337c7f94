"""Reproducibility, on small files made here: the declared differences, the comparison that
names each differing file and field, and the `verify` command's refusals (no book is built)."""
from __future__ import annotations

import base64
import json

from analysis import cli
from analysis.assurance.reproducibility import (
    DECLARED_DIFFERENCES, DECLARED_MARK, compare_file, normalise_json, normalise_text,
)
from analysis.build.execute import INJECTED_CELL_ID, tidy_executed_notebook
from analysis.build.verify import code_changed
from support.images import flip_png_byte

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


def test_which_notebooks_were_reused_is_declared():
    normal = normalise_json({"reused_notebooks": ["notebooks/01_context.ipynb"], "notebooks": ["a"]}, "manifest.json")
    assert normal == {"reused_notebooks": DECLARED_MARK, "notebooks": ["a"]}


def test_search_terms_on_no_page_are_declared_but_terms_on_a_page_are_not():
    incremental = {"terms": {"editionfirst": [], "plan": [1, 2], "title": 3}, "titleterms": {"old": []}}
    fresh = {"terms": {"plan": [1, 2], "title": 3}, "titleterms": {}}
    assert normalise_json(incremental, "searchindex.js") == normalise_json(fresh, "searchindex.js")
    moved = {"terms": {"plan": [1], "title": 3}, "titleterms": {}}
    assert normalise_json(moved, "searchindex.js") != normalise_json(fresh, "searchindex.js")


def test_version_stamp_build_date_and_provenance_times_are_declared():
    stamp = ('<p class="analysis-edition-stamp">Version: edition <span data-stamp="edition">2024-25</span>; '
             'built <span data-stamp="built">{}</span>; code <code data-stamp="code">abc1234</code></p>')
    one, other = stamp.format("2025-06-30"), stamp.format("2025-07-01")
    assert normalise_text(one, "notebooks/01_context.html") == normalise_text(other, "notebooks/01_context.html")
    assert "2024-25" in normalise_text(one, "index.html")  # the edition itself is compared
    assert normalise_text(one.replace("abc1234", "def5678"), "index.html") != normalise_text(one, "index.html")
    row = "<tr><td>notebooks/01_context.ipynb</td><td>{}</td></tr><tr><td>build started (UTC)</td><td>{}</td></tr>"
    assert (normalise_text(row.format("3.7", "2025-06-30T09:00:00+00:00"), "notebooks/assurance/provenance.html")
            == normalise_text(row.format("12.1", "2025-07-01T10:11:12+00:00"), "notebooks/assurance/provenance.html"))
    # A figure in a table is not a duration.
    assert normalise_text("<td>Referrals</td><td>3.7</td>", "a.html") == "<td>Referrals</td><td>3.7</td>"


def test_text_and_png_differences_name_the_line_and_image(tmp_path):
    png = base64.b64encode(b"\x89PNG fake chart bytes").decode()
    page = f'<p>Intro</p>\n<img src="data:image/png;base64,{png}">\n<p>Referrals: 8,583</p>\n'
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(page)
    b.write_text(page.replace("8,583", "8,584"))
    assert compare_file(a, b, "p.html").startswith("line 3, column ")
    b.write_text(flip_png_byte(page))
    assert compare_file(a, b, "p.html") == "line 2: embedded PNG image 1 differ"


def test_executed_notebook_does_not_depend_on_the_stage(tmp_path):
    notebook = {"metadata": {"papermill": {"input_path": "/abs/book/notebooks/a.ipynb",
                                           "output_path": "/tmp/stage-x/notebooks/a.ipynb"}},
                "cells": [{"cell_type": "code", "id": "3f9a1c7e", "metadata": {"tags": ["injected-parameters"]},
                           "source": "year = \"2024-25\"\n", "outputs": []}]}
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(notebook))
    tidy_executed_notebook(path, "notebooks/a.ipynb")
    result = json.loads(path.read_text())
    assert result["metadata"]["papermill"]["input_path"] == "notebooks/a.ipynb"
    assert result["metadata"]["papermill"]["output_path"] == "notebooks/a.ipynb"
    assert result["cells"][0]["id"] == INJECTED_CELL_ID
    assert result["cells"][0]["metadata"]["tags"] == ["injected-parameters", "remove-input"]


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


def test_code_changes_are_named(tmp_path):
    def manifest(name, **git):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"git": git}))
        return path

    same = manifest("a", commit="abc", dirty=True, uncommitted_sha256="1")
    assert code_changed(same, manifest("b", commit="abc", dirty=True, uncommitted_sha256="1")) is None
    assert "commit abc" in code_changed(same, manifest("c", commit="def", dirty=False))
    assert "uncommitted" in code_changed(same, manifest("d", commit="abc", dirty=True, uncommitted_sha256="2"))


def test_the_published_pdf_is_not_compared_but_any_other_extra_file_is(tmp_path):
    from analysis.assurance.reproducibility import PUBLISHED_NOT_COMPARED, compare_folders

    published, rebuilt = tmp_path / "published", tmp_path / "rebuilt"
    for folder in (published, rebuilt):
        folder.mkdir()
        (folder / "index.html").write_text("<p>same</p>")
    (published / "analysis-book-E09000007-2024-25.pdf").write_bytes(b"%PDF-printed later")
    count, differences = compare_folders(published, rebuilt, "published edition", PUBLISHED_NOT_COMPARED)
    assert (count, differences) == (1, [])
    (published / "notes.txt").write_text("an extra file")
    _, differences = compare_folders(published, rebuilt, "published edition", PUBLISHED_NOT_COMPARED)
    assert [d.file for d in differences] == ["notes.txt"]
