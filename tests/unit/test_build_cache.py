"""Reusing executed notebooks: what a kernel records as read (analysis.build.reads), when a record
says a notebook must run again (analysis.build.cache), and bringing a stage up to date in place
(analysis.build.stage.sync_stage). The builds themselves are in tests/book/test_incremental_build.py."""
from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

import pytest

from analysis.build.cache import NotebookCache, module_file
from analysis.build.reads import ReadRecorder
from analysis.build.stage import sync_stage


# --------------------------------------------------------------------------
# What a kernel records
# --------------------------------------------------------------------------


def recorder(root: Path, ignored: Path) -> tuple[ReadRecorder, io.StringIO]:
    log = io.StringIO()
    return ReadRecorder(log, [str(root)], [str(ignored)]), log


def test_the_recorder_writes_files_read_and_written_folders_listed_and_analysis_modules(tmp_path):
    watched, elsewhere = tmp_path / "book", tmp_path / "elsewhere"
    record, log = recorder(watched, watched / ".venv")
    record("open", (str(watched / "data" / "figures.csv"), "r", os.O_RDONLY))
    record("open", (str(watched / "data" / "figures.csv"), "r", os.O_RDONLY))  # once only
    record("open", (str(watched / "missing.csv"), "rb", os.O_RDONLY))  # may appear later
    record("open", (str(watched / "out" / "download.csv"), "w", os.O_WRONLY | os.O_CREAT))
    record("os.rename", (str(watched / "out" / ".tmp"), str(watched / "out" / "book.xlsx"), -1, -1))
    record("os.listdir", (str(watched / "returns"),))
    record("open", (str(elsewhere / "font.ttf"), "rb", os.O_RDONLY))  # not watched
    record("open", (str(watched / ".venv" / "lib" / "pandas.py"), "rb", os.O_RDONLY))  # the environment
    record("open", (3, "rb", os.O_RDONLY))  # a file descriptor
    record("import", ("analysis.pages.page", None, [], [], []))
    record("import", ("pandas", None, [], [], []))
    assert log.getvalue().splitlines() == [
        f"file {watched / 'data' / 'figures.csv'}",
        f"file {watched / 'missing.csv'}",
        f"wrote {watched / 'out' / 'download.csv'}",
        f"wrote {watched / 'out' / 'book.xlsx'}",
        f"folder {watched / 'returns'}",
        "module analysis.pages.page",
    ]


def test_python_listing_sys_path_to_import_is_not_a_read(tmp_path, monkeypatch):
    record, log = recorder(tmp_path, tmp_path / ".venv")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "src"), *sys.path])
    record("os.scandir", (str(tmp_path / "src"),))
    record("os.scandir", (str(tmp_path / "data"),))
    assert log.getvalue().splitlines() == [f"folder {tmp_path / 'data'}"]


# --------------------------------------------------------------------------
# When a notebook must run again
# --------------------------------------------------------------------------


@pytest.fixture
def edition(tmp_path):
    """A stage with one executed notebook, its side file, a download beside it and a record
    written from a reads log, as the build leaves them. Synthetic files."""
    stage, data = tmp_path / "stage", tmp_path / "data"
    (stage / "notebooks").mkdir(parents=True)
    (stage / "_data" / "page").mkdir(parents=True)
    data.mkdir()
    (stage / "_edition_notebooks").mkdir()
    source = stage / "_edition_notebooks" / "page.ipynb"
    source.write_text('{"cells": []}', encoding="utf-8")
    (data / "figures.csv").write_text("indicator,value\nplans,10\n", encoding="utf-8")
    (data / "returns").mkdir()
    (data / "returns" / "police.csv").write_text("x\n", encoding="utf-8")
    (stage / "notebooks" / "page.ipynb").write_text('{"cells": ["executed"]}', encoding="utf-8")
    (stage / "_data" / "page" / "register.csv").write_text("figure\n", encoding="utf-8")
    (stage / "notebooks" / "page.csv").write_text("a download\n", encoding="utf-8")
    task = {"notebook": "notebooks/page.ipynb", "input": str(source), "output": str(stage / "notebooks" / "page.ipynb"),
            "side_files": str(stage / "_data" / "page"), "parameters": {"year": "2024-25", "area_code": "E09000007"}}
    cache = NotebookCache(stage, environment="env-1", inputs_present="inputs-1")
    cache.reads_log(task["notebook"]).parent.mkdir(parents=True, exist_ok=True)
    cache.reads_log(task["notebook"]).write_text("\n".join([
        f"file {data / 'figures.csv'}", f"folder {data / 'returns'}", "module analysis.periods",
        f"wrote {stage / 'notebooks' / 'page.csv'}",
    ]) + "\n", encoding="utf-8")
    cache.remember(task, 1.5)
    return cache, task, data, stage


def again(cache: NotebookCache, **changes) -> NotebookCache:
    """The cache as the next build opens it (fingerprints may differ)."""
    return NotebookCache(cache.stage_dir, changes.get("environment", cache.environment),
                         changes.get("inputs_present", cache.inputs_present))


def test_a_notebook_whose_reads_are_unchanged_is_reused(edition):
    cache, task, _, _ = edition
    assert again(cache).why_stale(task) is None
    record = cache.load(task["notebook"])
    assert record.seconds == 1.5 and set(record.modules) == {"analysis.periods"}
    assert sorted(record.outputs) == ["_data/page/register.csv", "notebooks/page.csv", "notebooks/page.ipynb"]


def test_a_data_file_with_new_contents_makes_the_notebook_run_again(edition):
    cache, task, data, _ = edition
    (data / "figures.csv").write_text("indicator,value\nplans,11\n", encoding="utf-8")
    assert again(cache).why_stale(task) == f"{data / 'figures.csv'} changed"


def test_the_same_bytes_written_again_do_not(edition):
    cache, task, data, _ = edition
    time.sleep(0.01)
    (data / "figures.csv").write_text("indicator,value\nplans,10\n", encoding="utf-8")
    assert again(cache).why_stale(task) is None


def test_a_file_that_disappears_or_appears_in_a_folder_read_makes_it_run_again(edition):
    cache, task, data, _ = edition
    (data / "returns" / "health.csv").write_text("x\n", encoding="utf-8")
    assert again(cache).why_stale(task) == f"the files in {data / 'returns'} changed"
    (data / "returns" / "health.csv").unlink()
    assert again(cache).why_stale(task) is None
    (data / "figures.csv").unlink()
    assert again(cache).why_stale(task) == f"{data / 'figures.csv'} changed"


@pytest.mark.parametrize("change, why", [
    ("source", "the notebook changed"),
    ("parameters", "its parameters changed"),
    ("environment", "the Python environment or requirements.txt changed"),
    ("inputs_present", "an input file was added or removed"),
    ("tidying", "the code that runs and tidies executed notebooks changed"),
])
def test_each_part_of_the_key_makes_it_run_again(edition, change, why):
    cache, task, _, _ = edition
    if change == "source":
        Path(task["input"]).write_text('{"cells": ["edited"]}', encoding="utf-8")
    elif change == "tidying":  # as if analysis.build.execute had other code when the notebook ran
        record = json.loads(cache.record_path(task["notebook"]).read_text(encoding="utf-8"))
        record["key"]["tidying"] = "0" * 64
        cache.record_path(task["notebook"]).write_text(json.dumps(record), encoding="utf-8")
    elif change == "parameters":
        task = {**task, "parameters": {**task["parameters"], "year": "2025-26"}}
    reopened = again(cache, **({change: "something else"} if change in ("environment", "inputs_present") else {}))
    assert reopened.why_stale(task) == why


def test_a_module_whose_code_changed_makes_it_run_again(edition):
    cache, task, _, _ = edition
    record_path = cache.record_path(task["notebook"])
    record = json.loads(record_path.read_text(encoding="utf-8"))
    assert record["modules"]["analysis.periods"] == cache.hashes.file(module_file("analysis.periods"))
    record["modules"]["analysis.periods"] = "0" * 64  # as if the module had other code when it ran
    record_path.write_text(json.dumps(record), encoding="utf-8")
    assert again(cache).why_stale(task) == "the code of analysis.periods changed"


@pytest.mark.parametrize("damage", ["truncated executed notebook", "deleted side file", "edited download",
                                    "truncated record", "no record"])
def test_a_damaged_entry_is_never_reused(edition, damage):
    cache, task, _, stage = edition
    if damage == "truncated executed notebook":
        path = Path(task["output"])
        path.write_bytes(path.read_bytes()[:5])
    elif damage == "deleted side file":
        (stage / "_data" / "page" / "register.csv").unlink()
    elif damage == "edited download":
        (stage / "notebooks" / "page.csv").write_text("changed by hand\n", encoding="utf-8")
    elif damage == "truncated record":
        path = cache.record_path(task["notebook"])
        path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")
    else:
        cache.record_path(task["notebook"]).unlink()
    why = again(cache).why_stale(task)
    assert why == ("no record of an earlier run (never run, or its record could not be read)" if "record" in damage else
                   "its executed copy is missing or was changed since it was written")


def test_forgetting_a_notebook_removes_its_record_and_what_it_wrote_beside_its_page(edition):
    cache, task, _, stage = edition
    cache.forget(task)
    assert cache.load(task["notebook"]) is None
    assert not (stage / "notebooks" / "page.csv").exists()
    assert (stage / "notebooks" / "page.ipynb").exists()  # Papermill writes it again


def test_pruning_removes_what_notebooks_no_longer_in_the_edition_wrote(edition):
    cache, task, _, stage = edition
    assert cache.prune({task["notebook"]}) == []
    removed = cache.prune(set())
    assert sorted(removed) == ["_data/page/register.csv", "notebooks/page.csv", "notebooks/page.ipynb"]
    assert cache.notebooks() == [] and not (stage / "notebooks" / "page.csv").exists()


# --------------------------------------------------------------------------
# Bringing a stage up to date in place
# --------------------------------------------------------------------------


def test_the_stage_is_brought_up_to_date_touching_only_what_differs(tmp_path):
    fresh, stage = tmp_path / "fresh", tmp_path / "stage"
    for folder in (fresh, stage):
        (folder / "notebooks").mkdir(parents=True)
        (folder / "_config.yml").write_text("title: Book\n", encoding="utf-8")
        (folder / "intro.md").write_text("# Intro\n", encoding="utf-8")
    (fresh / "intro.md").write_text("# Introduction\n", encoding="utf-8")
    (fresh / "notebooks" / "new.md").write_text("# New\n", encoding="utf-8")
    (stage / "notebooks" / "gone.md").write_text("# Gone\n", encoding="utf-8")
    (stage / "notebooks" / "page.ipynb").write_text("executed", encoding="utf-8")
    (stage / "notebooks" / "page.csv").write_text("a download", encoding="utf-8")
    (stage / "notebooks" / "dropped.ipynb").write_text("executed", encoding="utf-8")
    for folder in ("_build/html", "_cache", "_data/page", "_data/dropped"):
        (stage / folder).mkdir(parents=True)
        (stage / folder / "kept.txt").write_text("x", encoding="utf-8")
    os.utime(stage / "_config.yml", ns=(1_000_000_000, 1_000_000_000))

    changed = sync_stage(fresh, stage, {"notebooks/page.ipynb", "notebooks/page.csv"})

    assert sorted(changed) == ["_data/dropped", "intro.md", "notebooks/dropped.ipynb", "notebooks/gone.md",
                               "notebooks/new.md"]
    assert (stage / "_config.yml").stat().st_mtime_ns == 1_000_000_000  # the same: left alone
    assert (stage / "intro.md").read_text(encoding="utf-8") == "# Introduction\n"
    assert (stage / "notebooks" / "page.ipynb").exists() and (stage / "notebooks" / "page.csv").exists()
    assert all((stage / folder / "kept.txt").exists() for folder in ("_build/html", "_cache", "_data/page"))
    assert not (stage / "_data" / "dropped").exists()
    assert sync_stage(fresh, stage, {"notebooks/page.ipynb", "notebooks/page.csv"}) == []


def test_a_hash_remembered_from_an_earlier_build_is_not_trusted_for_a_file_rewritten_since(edition):
    cache, task, data, _ = edition
    cache.save()  # the hashes of this build, kept for the next one
    (data / "figures.csv").write_text("indicator,value\nplans,12\n", encoding="utf-8")  # same size
    assert again(cache).why_stale(task) == f"{data / 'figures.csv'} changed"


def test_jupyter_book_writes_every_page_again_when_a_page_left_the_book_or_the_toc_changed(tmp_path):
    from analysis.build.pipeline import pages_removed
    from analysis.build.stage import Stage

    cache = NotebookCache(tmp_path, environment="env", inputs_present="inputs")
    files = {"_toc.yml": "a", "_config.yml": "b", "_edition_notebooks/notebooks/01.ipynb": "c",
             "_edition_notebooks/notebooks/02.ipynb": "d"}
    stage = Stage(tmp_path, [], [], files=files)
    assert pages_removed(stage, cache)  # never built: not known
    cache.remember_staged_files("html", files)
    assert not pages_removed(stage, cache)
    assert not pages_removed(Stage(tmp_path, [], [], files={**files, "_edition_notebooks/notebooks/01.ipynb": "e"}),
                             cache)  # a page changed: Sphinx writes it again anyway
    assert not pages_removed(Stage(tmp_path, [], [], files={**files, "intro.md": "f"}), cache)  # a page added
    assert pages_removed(Stage(tmp_path, [], [], files={k: v for k, v in files.items() if "02" not in k}), cache)
    assert pages_removed(Stage(tmp_path, [], [], files={**files, "_toc.yml": "g"}), cache)
    assert pages_removed(Stage(tmp_path, [], [], files={**files, "_config.yml": "h"}), cache)


def test_a_copied_stage_checks_its_own_files_not_those_of_the_stage_it_was_copied_from(tmp_path):
    import shutil

    stage = tmp_path / "stage"
    (stage / "_data" / "page").mkdir(parents=True)
    (stage / "notebooks").mkdir()
    (stage / "manifest.json").write_text('{"built": 1}', encoding="utf-8")
    (stage / "notebooks" / "page.ipynb").write_text("executed", encoding="utf-8")
    source = tmp_path / "page.ipynb"
    source.write_text("{}", encoding="utf-8")

    def task(root: Path) -> dict:
        return {"notebook": "notebooks/page.ipynb", "input": str(source), "output": str(root / "notebooks" / "page.ipynb"),
                "side_files": str(root / "_data" / "page"), "parameters": {}}

    cache = NotebookCache(stage, environment="env", inputs_present="inputs")
    cache.reads_log("notebooks/page.ipynb").parent.mkdir(parents=True)
    cache.reads_log("notebooks/page.ipynb").write_text(f"file {stage / 'manifest.json'}\n", encoding="utf-8")
    cache.remember(task(stage), 1.0)
    assert list(cache.load("notebooks/page.ipynb").files) == ["<stage>/manifest.json"]

    copy = tmp_path / "copy"
    shutil.copytree(stage, copy)
    copied = NotebookCache(copy, environment="env", inputs_present="inputs")
    (stage / "manifest.json").write_text('{"built": 2}', encoding="utf-8")  # the original changes
    assert copied.why_stale(task(copy)) is None
    (copy / "manifest.json").write_text('{"built": 3}', encoding="utf-8")
    assert copied.why_stale(task(copy)) == "manifest.json in the stage changed"


def test_the_key_follows_the_code_that_starts_kernels_too(tmp_path, monkeypatch):
    from analysis.build import cache as cache_module

    task = {"input": str(tmp_path / "page.ipynb"), "parameters": {"year": "2024-25"}}
    Path(task["input"]).write_text("{}", encoding="utf-8")
    before = cache_module.NotebookKey.of(task, "environment", "inputs").tidying
    other = tmp_path / "kernel_server.py"
    other.write_text("# other code\n", encoding="utf-8")
    real = cache_module.module_file
    monkeypatch.setattr(cache_module, "module_file",
                        lambda name: other if name == "analysis.build.kernel_server" else real(name))
    assert cache_module.NotebookKey.of(task, "environment", "inputs").tidying != before


def test_the_environment_fingerprint_follows_each_installed_packages_version_and_the_requirements(tmp_path, monkeypatch):
    from analysis.build.cache import environment_fingerprint, installed_packages

    packages = tmp_path / "site-packages"
    packages.mkdir()
    (packages / "synthetic_package-1.0.dist-info").mkdir()
    (packages / "synthetic_package").mkdir()  # the code itself: not metadata
    book = tmp_path / "book"
    book.mkdir()
    (book / "requirements.txt").write_text("synthetic-package==1.0\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(packages), str(tmp_path / "not-a-folder")] + sys.path)
    assert "synthetic_package-1.0.dist-info" in installed_packages()
    assert "synthetic_package" not in installed_packages()
    before = environment_fingerprint(book)
    assert environment_fingerprint(book) == before
    (packages / "synthetic_package-1.0.dist-info").rename(packages / "synthetic_package-1.1.dist-info")
    upgraded = environment_fingerprint(book)
    assert upgraded != before
    (book / "requirements.txt").write_text("synthetic-package==1.1\n", encoding="utf-8")
    assert environment_fingerprint(book) != upgraded
