"""The build pipeline, on the synthetic fixture book (tests/fixtures/synthetic_book).

One successful build is shared by the tests of this module (it takes a few
seconds); failing builds run against copies of its published site, so they can
check that a failure leaves a published edition byte-for-byte unchanged.
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bs4 import BeautifulSoup

from analysis.assurance.manifest import MANIFEST_NAME, load_manifest
from analysis.build.failures import BuildFailed
from analysis.build.execute import kernel_server_for_build
from analysis.build.pipeline import build_edition
from analysis.build.stage import toc_files
from support.folders import snapshot

FIXTURE_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_book"
FIXTURE_DATA = FIXTURE_BOOK / "data"
YEAR = "2024-25"
AREA = "E09000007"


def toc_notebooks(book: Path = FIXTURE_BOOK) -> list[Path]:
    entries, problems = toc_files(book / "_toc.yml")
    assert not problems
    return [book / f"{entry}.ipynb" for entry in entries if (book / f"{entry}.ipynb").is_file()]


def raising_cells(notebook: Path) -> list[int]:
    """0-based indexes of the cells that raise when synthetic_fail is set."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        index for index, cell in enumerate(cells)
        if cell["cell_type"] == "code" and "raise" in "".join(cell["source"])
        and "if synthetic_fail" in "".join(cell["source"])
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("built")
    # A "python3" kernelspec pointing at a Python that does not exist, put where
    # Jupyter looks first (JUPYTER_PATH, then the user's folder, the venv's last):
    # the build must use its own kernelspec (this venv's Python) regardless.
    user_data = root / "user-jupyter"
    spec_dir = user_data / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "broken", "language": "python",
    }))
    before = snapshot(FIXTURE_BOOK)
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(user_data))
        patch.setenv("JUPYTER_DATA_DIR", str(user_data))
        patch.setenv("JUPYTER_PREFER_ENV_PATH", "0")
        from jupyter_client.kernelspec import KernelSpecManager

        trap = KernelSpecManager().get_kernel_spec("python3")
        assert trap.argv[0] == "/nonexistent/python", "the trap kernelspec is not in effect"
        started = time.perf_counter()
        result = build_edition(
            YEAR, AREA, data_dir=FIXTURE_DATA, jobs=2, book_root=FIXTURE_BOOK,
            stage_root=root / "stage", site_dir=root / "site", progress=messages.append,
        )
        seconds = time.perf_counter() - started
    print(f"synthetic fixture build: {seconds:.1f} s")
    return SimpleNamespace(result=result, root=root, site_dir=root / "site", messages=messages,
                           seconds=seconds, fixture_before=before)


# --------------------------------------------------------------------------
# A successful build
# --------------------------------------------------------------------------


def test_successful_build_publishes_every_page(built):
    edition = built.site_dir / AREA / YEAR
    assert built.result.html_dir == edition
    assert (edition / "index.html").is_file()
    entries, _ = toc_files(FIXTURE_BOOK / "_toc.yml")
    for entry in entries:
        assert (edition / f"{entry}.html").is_file(), entry
    assert (edition / MANIFEST_NAME).is_file()
    assert built.seconds < 60


def test_glued_value_is_computed_from_the_data(built):
    with open(FIXTURE_DATA / "partnerships" / "synthetic" / YEAR / "synthetic_figures.csv", newline="") as handle:
        total = sum(int(row["value"]) for row in csv.DictReader(handle))
    page = BeautifulSoup((built.result.html_dir / "notebooks" / "01_synthetic_figures.html").read_text(), "lxml")
    assert f"The synthetic total is {total:,}." in " ".join(page.find("article").get_text().split())


def test_edition_title_names_the_year(built):
    staged = yaml.safe_load((built.result.stage_dir / "_config.yml").read_text())
    original = yaml.safe_load((FIXTURE_BOOK / "_config.yml").read_text())
    # The generic title gives way to one that names the area (tests/unit/test_build_stage.py).
    assert staged["title"].endswith(YEAR) and original["title"] not in staged["title"]
    assert staged["execute"]["execute_notebooks"] == "off"
    root_page = built.result.html_dir / "notebooks" / "00_synthetic_intro.html"
    assert staged["title"] in root_page.read_text()


def test_site_index_lists_the_edition(built):
    page = (built.site_dir / "index.html").read_text()
    assert '<html lang="en">' in page and "<title>" in page and "<h1>" in page
    href = f"{AREA}/{YEAR}/index.html"
    assert f'href="{href}"' in page
    assert (built.site_dir / href).is_file()
    data = json.loads((built.site_dir / "editions.json").read_text())
    assert [(e["area_code"], e["year"], e["href"]) for e in data["editions"]] == [(AREA, YEAR, href)]
    # The synthetic data folder has no areas.csv: the area's name is its partnership's short name.
    assert load_manifest(built.result.manifest_path)["parameters"]["area_name"] == "Synthetic Borough"
    assert data["editions"][0]["area_name"] == "Synthetic Borough"


def test_templates_are_never_written(built):
    assert snapshot(FIXTURE_BOOK) == built.fixture_before
    for notebook in toc_notebooks():
        cells = json.loads(notebook.read_text())["cells"]
        assert all(not cell.get("outputs") for cell in cells if cell["cell_type"] == "code")


def test_notebooks_ran_in_this_python_with_the_parameters(built):
    record = json.loads(
        (built.result.stage_dir / "_data" / "00_synthetic_intro" / "synthetic_kernel.json").read_text()
    )
    assert record["prefix"] == sys.prefix
    assert Path(record["executable"]).resolve() == Path(sys.executable).resolve()
    assert record["year"] == YEAR and record["area_code"] == AREA
    assert record["data_dir"] == str(FIXTURE_DATA)
    # Relative to the executed notebook's folder, so a rebuild elsewhere gives identical notebooks.
    assert record["output_dir"] == "../_data/00_synthetic_intro"
    notebook_folder = built.result.stage_dir / "notebooks"
    assert (notebook_folder / record["output_dir"]).resolve() == built.result.stage_dir / "_data" / "00_synthetic_intro"
    assert (built.result.stage_dir / "_data" / "02_synthetic_side_file" / "synthetic_register.csv").is_file()


def test_executed_copies_are_in_the_stage(built):
    for notebook in toc_notebooks():
        relative = notebook.relative_to(FIXTURE_BOOK)
        executed = json.loads((built.result.stage_dir / relative).read_text())
        tags = [cell["metadata"].get("tags", []) for cell in executed["cells"]]
        assert ["injected-parameters", "remove-input"] in tags
        assert any(cell.get("outputs") for cell in executed["cells"] if cell["cell_type"] == "code") \
            or notebook.stem == "00_synthetic_intro"


def test_manifest_records_inputs_versions_and_timings(built):
    manifest = load_manifest(built.result.manifest_path)
    assert manifest == load_manifest(built.result.manifest_path.parent)
    assert manifest["parameters"]["year"] == YEAR
    assert manifest["parameters"]["area_code"] == AREA
    assert manifest["parameters"]["data_dir"] == str(FIXTURE_DATA)

    expected = {}
    for folder in ("reference", f"partnerships/synthetic/{YEAR}", "national"):
        for path in (FIXTURE_DATA / folder).rglob("*"):
            if path.is_file():
                expected[path.relative_to(FIXTURE_DATA).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    toml = FIXTURE_DATA / "partnerships" / "synthetic" / "partnership.toml"
    expected[toml.relative_to(FIXTURE_DATA).as_posix()] = hashlib.sha256(toml.read_bytes()).hexdigest()
    recorded = {item["path"]: item["sha256"] for item in manifest["inputs"]["files"]}
    assert recorded == expected and expected

    assert manifest["packages"]["papermill"] == metadata.version("papermill")
    assert manifest["packages"]["jupyter-book"] == metadata.version("jupyter-book")
    assert manifest["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert set(manifest["git"]) >= {"commit", "dirty", "available"}
    started = datetime.fromisoformat(manifest["build_started_utc"])
    assert started.utcoffset() is not None and started.utcoffset().total_seconds() == 0
    notebooks = [p.relative_to(FIXTURE_BOOK).as_posix() for p in toc_notebooks()]
    assert sorted(manifest["notebook_seconds"]) == sorted(notebooks)
    assert all(seconds > 0 for seconds in manifest["notebook_seconds"].values())
    assert load_manifest(built.result.stage_dir) == manifest


def test_progress_reports_each_notebook_and_where_the_book_is(built):
    notebooks = toc_notebooks()
    ticks = [m for m in built.messages if m.startswith("[") and "✓" in m]
    assert len(ticks) == len(notebooks)
    assert {m.split()[1] for m in ticks} == {p.stem for p in notebooks}
    assert all(m.startswith(f"[{i}/{len(notebooks)}]") for i, m in enumerate(ticks, 1))
    assert str(built.result.html_dir / "index.html") in built.messages[-2]


# --------------------------------------------------------------------------
# Failures: every one reported, nothing published
# --------------------------------------------------------------------------


@pytest.fixture
def published_site(built, tmp_path):
    """A copy of the built site, to run failing builds against."""
    site_dir = tmp_path / "site"
    shutil.copytree(built.site_dir, site_dir)
    return site_dir


def test_failing_notebooks_are_all_reported_with_their_cells(published_site, tmp_path):
    before = snapshot(published_site)
    stage_root = tmp_path / "stage"
    with pytest.raises(BuildFailed) as caught:
        build_edition(
            YEAR, AREA, data_dir=FIXTURE_DATA, book_root=FIXTURE_BOOK, stage_root=stage_root,
            site_dir=published_site, progress=None, extra_parameters={"synthetic_fail": True},
        )
    message = str(caught.value)
    failing = [notebook for notebook in toc_notebooks() if raising_cells(notebook)]
    assert len(failing) == 2  # the fixture has two notebooks that can fail
    assert [f.notebook for f in caught.value.failures] == [
        p.relative_to(FIXTURE_BOOK).as_posix() for p in failing
    ]
    for notebook, failure in zip(failing, caught.value.failures):
        relative = notebook.relative_to(FIXTURE_BOOK).as_posix()
        index, = raising_cells(notebook)
        assert failure.cell_index == index
        assert f"{relative}, cell {index + 1} " in message
        assert f"(index {index};" in message
        assert failure.execution_count is not None and f"In [{failure.execution_count}]" in message
        assert f"synthetic failure requested in {notebook.stem}" in message
        assert failure.executed_copy == stage_root / AREA / YEAR / relative
        assert failure.executed_copy.is_file()
    assert "RuntimeError" in message and "ValueError" in message
    assert "00_synthetic_intro" not in message.split("kept for inspection")[0]
    assert str(stage_root / AREA / YEAR) in message
    assert snapshot(published_site) == before


def test_html_build_failure_is_reported_and_nothing_published(published_site, tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURE_BOOK, book)
    page = book / "book" / "synthetic_methods.md"
    page.write_text(page.read_text() + "\nSee {ref}`synthetic-label-that-does-not-exist`.\n")
    before = snapshot(published_site)
    with pytest.raises(BuildFailed) as caught:
        build_edition(YEAR, AREA, data_dir=FIXTURE_DATA, book_root=book,
                      stage_root=tmp_path / "stage", site_dir=published_site, progress=None)
    message = str(caught.value)
    assert "WARNING" in message and "synthetic-label-that-does-not-exist" in message
    assert caught.value.log_path is not None and caught.value.log_path.is_file()
    assert str(caught.value.log_path) in message
    assert snapshot(published_site) == before


# --------------------------------------------------------------------------
# Rebuilding: --force, and the privacy scan's memo
# --------------------------------------------------------------------------


def test_a_rebuild_scans_only_changed_files_and_force_runs_and_scans_everything(built, tmp_path, monkeypatch):
    from analysis.assurance import privacy

    shutil.copytree(built.root / "stage", tmp_path / "stage")
    shutil.copytree(built.site_dir, tmp_path / "site")
    scanned: list[str] = []
    real_scan = privacy.scan_file
    monkeypatch.setattr(privacy, "scan_file", lambda path, file: scanned.append(file) or real_scan(path, file))
    build = lambda **options: build_edition(YEAR, AREA, data_dir=FIXTURE_DATA, book_root=FIXTURE_BOOK,  # noqa: E731
                                            stage_root=tmp_path / "stage", site_dir=tmp_path / "site",
                                            progress=None, **options)
    notebooks = [relative for relative, _ in built.result.durations.items()]

    # One page's record gone: that page runs again, and only the files that changed are scanned.
    stage = tmp_path / "stage" / AREA / YEAR
    record = next((stage / "_cache" / "notebooks").rglob("*.ipynb.json"))
    record.unlink()
    again = build()
    assert not again.up_to_date and 0 < len(again.executed) < len(notebooks)
    published = [p for p in privacy.edition_files(again.html_dir)]
    assert 0 < len(scanned) < len(published) / 2, (len(scanned), len(published))
    # Its kernel server is kept for this process's next build, which starts its kernels warm.
    kept = kernel_server_for_build()
    assert kept.used, "the build did not use the server kept for the process's builds"

    # --force: every notebook runs and every file is scanned, nothing taken from earlier builds.
    scanned.clear()
    forced = build(force=True)
    assert sorted(forced.executed) == sorted(notebooks)
    assert len(scanned) >= len(published)
    assert kernel_server_for_build() is kept and not kept.process.stdin.closed


def test_an_edition_built_in_the_stage_is_published_again_without_sphinx_writing_a_page(built, tmp_path):
    # A publish killed part way, a site folder emptied or a new --site-dir: nothing the pages are
    # made from changed, so Sphinx has no page to write, and the stage's last HTML is published.
    shutil.copytree(built.root / "stage", tmp_path / "stage")
    build = lambda site_dir: build_edition(YEAR, AREA, data_dir=FIXTURE_DATA, book_root=FIXTURE_BOOK,  # noqa: E731
                                           stage_root=tmp_path / "stage", site_dir=site_dir, progress=None)
    first = build(tmp_path / "site")  # (Sphinx reads every page again in a stage that moved)
    again = build(tmp_path / "new-site")
    assert not again.up_to_date and again.executed == []
    assert "no targets are out of date" in again.log_path.read_text(encoding="utf-8")
    before, after = snapshot(first.html_dir), snapshot(again.html_dir)
    assert sorted(after) == sorted(before)
    assert any(name.startswith("_static/") for name in after)
    assert {name for name in after if after[name] != before[name]} == {MANIFEST_NAME}  # its build time


# --------------------------------------------------------------------------
# Rebuilding: a requirement or a parameter changed
# --------------------------------------------------------------------------


def test_a_requirement_or_a_parameter_changed_runs_every_notebook_again_and_says_so(built, tmp_path):
    """(tests/book/test_incremental_build.py makes the other changes, one at a time, to a copy of
    the real book.)"""
    import re

    book, data = tmp_path / "book", tmp_path / "data"
    shutil.copytree(FIXTURE_BOOK, book)
    shutil.copytree(built.root / "stage", tmp_path / "stage")
    shutil.copytree(built.site_dir, tmp_path / "site")

    def executed(**options) -> dict[str, str]:
        """Build the copy; return each notebook executed, with the reason the build gave."""
        messages: list[str] = []
        options.setdefault("data_dir", FIXTURE_DATA)
        build_edition(YEAR, AREA, book_root=book, stage_root=tmp_path / "stage", site_dir=tmp_path / "site",
                      progress=messages.append, **options)
        return dict(re.findall(r"^  to execute: (\S+) \((.*)\)$", "\n".join(messages), re.M))

    every_notebook = set(executed(force=True))
    assert len(every_notebook) >= 3
    assert executed() == {}

    # A requirement: every notebook ran in the old environment.
    (book / "requirements.txt").write_text("pandas == 2.2.3\n", encoding="utf-8")
    reasons = executed()
    assert set(reasons) == every_notebook
    assert set(reasons.values()) == {"the Python environment or requirements.txt changed"}

    # A parameter (the data folder, a copy of the same files): every notebook is given it.
    shutil.copytree(FIXTURE_DATA, data)
    reasons = executed(data_dir=data, data_roots=[data])
    assert set(reasons) == every_notebook
    assert set(reasons.values()) == {"its parameters changed"}
