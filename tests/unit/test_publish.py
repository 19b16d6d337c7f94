"""Staging, publishing and the site index, on small folders made here (no notebook runs)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.assurance.manifest import MANIFEST_NAME
from analysis.build.publish import publish
from analysis.build.stage import stage_book, toc_files
from analysis.site.index import write_site_index
from support.folders import snapshot
from support.sites import fake_build

FIXTURE_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_book"
YEAR = "2024-25"
AREA = "E09000007"


def test_toc_entry_without_a_file_is_reported(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURE_BOOK, book)
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    toc["chapters"].append({"file": "notebooks/99_synthetic_missing"})
    (book / "_toc.yml").write_text(yaml.safe_dump(toc))
    staged = stage_book(book, tmp_path / "stage", lambda title: title)
    assert [p.notebook for p in staged.problems] == ["notebooks/99_synthetic_missing"]
    assert "99_synthetic_missing" in staged.problems[0].describe()
    fixture_notebooks = sorted(p.relative_to(FIXTURE_BOOK).as_posix()
                               for p in (FIXTURE_BOOK / "notebooks").glob("*.ipynb"))
    assert sorted(relative for relative, _ in staged.notebooks) == fixture_notebooks


def test_toc_files_lists_entries_in_book_order_and_refuses_globs(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: intro\nchapters:\n- file: a\n- glob: notebooks/*\n"
                   "- file: b\n  sections:\n  - file: c\n- file: a\n")
    entries, problems = toc_files(toc)
    assert entries == ["intro", "a", "b", "c"]
    assert problems == ["_toc.yml: 'glob: notebooks/*' entries are not supported; list each file"]


def test_publish_replaces_an_edition_and_leaves_no_temporary_folders(tmp_path):
    site_dir = tmp_path / "site"
    first = publish(*fake_build(tmp_path / "one", "first", YEAR, AREA), site_dir, AREA, YEAR)
    (first / "stale.html").write_text("only in the old edition")
    second = publish(*fake_build(tmp_path / "two", "second", YEAR, AREA), site_dir, AREA, YEAR)
    assert first == second == site_dir / AREA / YEAR
    assert (second / "index.html").read_text() == "second"
    assert not (second / "stale.html").exists()
    assert json.loads((second / MANIFEST_NAME).read_text())["parameters"] == {"year": YEAR, "area_code": AREA}
    assert sorted(p.name for p in site_dir.iterdir()) == [AREA]
    assert sorted(p.name for p in (site_dir / AREA).iterdir()) == [YEAR]


def test_failed_copy_leaves_the_site_unchanged(tmp_path):
    site_dir = tmp_path / "site"
    publish(*fake_build(tmp_path / "one", "first", YEAR, AREA), site_dir, AREA, YEAR)
    before = snapshot(site_dir)
    html, manifest = fake_build(tmp_path / "two", "second", YEAR, AREA)
    manifest.unlink()  # the copy of the manifest fails after the html was copied
    with pytest.raises(FileNotFoundError):
        publish(html, manifest, site_dir, AREA, YEAR)
    assert snapshot(site_dir) == before


def test_site_index_orders_editions_latest_first_and_uses_area_names(tmp_path):
    site_dir = tmp_path / "site"
    for area, name, year in [("E09000007", "Camden", "2023-24"), ("E09000007", "Camden", "2024-25"),
                             ("E09000001", "City & Westminster <test>", "2024-25")]:
        edition = site_dir / area / year
        edition.mkdir(parents=True)
        (edition / "index.html").write_text("book")
        (edition / MANIFEST_NAME).write_text(
            json.dumps({"parameters": {"year": year, "area_code": area, "area_name": name}}))
    (site_dir / ".incoming-E09000007-2025-26-abc").mkdir()  # a swap in progress: ignored
    editions = write_site_index(site_dir)
    assert [(e.area_name, e.year) for e in editions] == [
        ("Camden", "2024-25"), ("City & Westminster <test>", "2024-25"), ("Camden", "2023-24")]
    page = (site_dir / "index.html").read_text()
    assert "City &amp; Westminster &lt;test&gt;" in page
    assert page.index("E09000007/2024-25") < page.index("E09000001/2024-25") < page.index("E09000007/2023-24")
    listed = json.loads((site_dir / "editions.json").read_text())["editions"]
    assert [e["href"] for e in listed] == [e.href for e in editions] == [
        "E09000007/2024-25/index.html", "E09000001/2024-25/index.html", "E09000007/2023-24/index.html"]


def test_empty_site_index_says_so(tmp_path):
    assert write_site_index(tmp_path) == []
    assert "No editions have been published yet." in (tmp_path / "index.html").read_text()
