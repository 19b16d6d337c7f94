"""The national frame kept in a build's shared cache (analysis.national.load): made once from the
extract and read back by every later page, never taken for other files or code, a damaged copy
made again, and the extract's files still read (so each page's record of what it read is whole)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import DATA_DIR, SHARED_CACHE_VARIABLE
from analysis.national import load
from analysis.national.write import AREAS_FILE, EXTRACT_FILE, PROVENANCE_FILE

FILES = (EXTRACT_FILE, AREAS_FILE, PROVENANCE_FILE)


@pytest.fixture
def national(tmp_path) -> Path:
    folder = tmp_path / "national"
    shutil.copytree(DATA_DIR / "national", folder)
    return folder


@pytest.fixture
def shared(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "shared"
    monkeypatch.setenv(SHARED_CACHE_VARIABLE, str(folder))
    return folder


def _kept(shared: Path) -> list[Path]:
    return sorted(shared.glob("national-*.pkl")) if shared.is_dir() else []


def test_outside_a_build_nothing_is_kept(national, tmp_path, monkeypatch):
    monkeypatch.delenv(SHARED_CACHE_VARIABLE, raising=False)
    load.load_national(national)
    assert not list(tmp_path.rglob("national-*.pkl"))


def test_made_once_then_read_back_the_same(national, shared, monkeypatch):
    made = load.load_national(national)
    assert len(_kept(shared)) == 1

    def refuse(*_):
        raise AssertionError("the extract was parsed again")

    monkeypatch.setattr(load, "_read", refuse)
    read_back = load.load_national(national)
    pd.testing.assert_frame_equal(read_back, made)
    monkeypatch.delenv(SHARED_CACHE_VARIABLE)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(read_back, load.load_national(national))  # as made without a cache


@pytest.mark.parametrize("name", FILES)
def test_another_file_has_another_copy(national, shared, name):
    load.load_national(national)
    path = national / name  # the same figures, other bytes: a blank line, or a space after the JSON
    path.write_bytes(path.read_bytes() + (b" " if name == PROVENANCE_FILE else b"\n"))
    load.load_national(national)
    assert len(_kept(shared)) == 2


def test_other_code_has_another_copy(national, shared, monkeypatch, tmp_path):
    load.load_national(national)
    changed = tmp_path / "load.py"
    changed.write_text(Path(load.__file__).read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    monkeypatch.setattr(load, "__file__", str(changed))
    load.load_national(national)
    assert len(_kept(shared)) == 2


def test_a_damaged_copy_is_made_again_and_replaced(national, shared):
    made = load.load_national(national)
    [kept] = _kept(shared)
    kept.write_bytes(kept.read_bytes()[:100])
    pd.testing.assert_frame_equal(load.load_national(national), made)
    pd.testing.assert_frame_equal(pd.read_pickle(kept), made)


def test_the_extract_files_are_still_read(national, shared, monkeypatch):
    load.load_national(national)
    opened: list[str] = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self.name) or real_read_bytes(self))
    load.load_national(national)
    assert set(FILES) <= set(opened)
