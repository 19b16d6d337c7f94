"""Jupyter Book started ahead of the notebooks (analysis.build.jupyterbook.HtmlBuild): it sets
itself up, waits, and reads and writes the pages only when told to; called off, it writes nothing."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from analysis.build.failures import BuildFailed
from analysis.build.jupyter_book_ahead import SET_UP, WAITED_IN_VAIN
from analysis.build.jupyterbook import HtmlBuild, html_build_started


def tiny_book(folder: Path, page: str = "# A synthetic page\n\nSynthetic text.\n") -> Path:
    folder.mkdir(parents=True)
    (folder / "_config.yml").write_text('title: "Synthetic book"\nexecute:\n  execute_notebooks: "off"\n',
                                        encoding="utf-8")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (folder / "index.md").write_text(page, encoding="utf-8")
    return folder


def wait_until_set_up(build: HtmlBuild, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while SET_UP not in build.log_path.read_text(encoding="utf-8", errors="replace"):
        assert build.process.poll() is None, build.log_path.read_text(encoding="utf-8", errors="replace")
        assert time.monotonic() < deadline, "Jupyter Book was not set up in time"
        time.sleep(0.05)


def test_it_sets_up_then_waits_and_writes_the_pages_only_when_told(tmp_path):
    book = tiny_book(tmp_path / "stage")
    with html_build_started(book, tmp_path / "build.log") as build:
        wait_until_set_up(build)
        time.sleep(0.5)
        assert build.process.poll() is None, "it did not wait"
        assert not (build.html_dir / "index.html").exists()
        # What a notebook executed meanwhile writes is what Sphinx reads.
        (book / "index.md").write_text("# A synthetic page\n\nWritten while it waited.\n", encoding="utf-8")
        html_dir = build.finish()
    assert build.process.returncode == 0
    assert "Written while it waited." in (html_dir / "index.html").read_text(encoding="utf-8")


def test_called_off_it_ends_without_writing_anything(tmp_path):
    book = tiny_book(tmp_path / "stage")
    with pytest.raises(RuntimeError, match="the notebooks failed"):
        with html_build_started(book, tmp_path / "build.log") as build:
            wait_until_set_up(build)
            raise RuntimeError("the notebooks failed")
    assert build.process.returncode == WAITED_IN_VAIN
    assert not (book / "_build" / "html" / "index.html").exists()


def test_a_failed_html_build_is_reported_with_its_log(tmp_path):
    book = tiny_book(tmp_path / "stage", "# A synthetic page\n\nSee {ref}`synthetic-label-that-does-not-exist`.\n")
    with html_build_started(book, tmp_path / "build.log") as build:
        with pytest.raises(BuildFailed) as caught:
            build.finish()
    assert "synthetic-label-that-does-not-exist" in str(caught.value)
    assert str(tmp_path / "build.log") in str(caught.value)


def test_a_download_no_page_links_any_more_is_not_left_in_the_html(tmp_path):
    # Sphinx copies the downloads the pages link, but never removes one: what a page linked in an
    # earlier build would stay in the published edition unless the folder goes before Sphinx writes.
    book = tiny_book(tmp_path / "stage", "# A synthetic page\n\n{download}`Synthetic figures <figures.csv>`\n")
    (book / "figures.csv").write_text("synthetic,1\n", encoding="utf-8")

    def build() -> Path:
        with html_build_started(book, tmp_path / "build.log") as started:
            return started.finish()

    html_dir = build()
    assert [path.name for path in (html_dir / "_downloads").rglob("*.csv")] == ["figures.csv"]
    (book / "index.md").write_text("# A synthetic page\n\nNo download any more.\n", encoding="utf-8")
    html_dir = build()
    assert not list((html_dir / "_downloads").rglob("*.csv"))
    assert (html_dir / "_static").is_dir()
