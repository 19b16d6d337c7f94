"""The national dispersion table worked out once per build (analysis.stats.dispersion): kept in the
build's shared cache under the SHA-256 of everything it is worked out from, never taken for
figures, code or libraries it was not worked out from, and not recorded as a page's read."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from analysis.build import reads
from analysis.config import DATA_DIR, SHARED_CACHE_VARIABLE
from analysis.national.load import load_national, national_catalogue
from analysis.stats import dispersion

NATIONAL, REFERENCE = str(DATA_DIR / "national"), str(DATA_DIR / "reference")


@pytest.fixture
def shared(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_CACHE_VARIABLE, str(tmp_path))
    dispersion.dispersion_table.cache_clear()
    yield tmp_path
    dispersion.dispersion_table.cache_clear()


@pytest.fixture(scope="module")
def frames():
    return load_national(Path(NATIONAL)), national_catalogue(Path(REFERENCE))


def _refuse_to_compute(monkeypatch):
    def refuse(*_):
        raise AssertionError("worked out again")

    monkeypatch.setattr(dispersion, "table_from", refuse)


def test_outside_a_build_nothing_is_kept(tmp_path, monkeypatch, frames):
    monkeypatch.delenv(SHARED_CACHE_VARIABLE, raising=False)
    assert dispersion.shared_table_path(*frames) is None


def test_worked_out_once_then_read_from_the_shared_cache(shared, monkeypatch, frames):
    shared.rmdir()  # a build's first page finds no shared folder yet
    table = dispersion.dispersion_table(NATIONAL, REFERENCE)
    kept = sorted(shared.glob("dispersion-*.pkl"))
    assert kept == [dispersion.shared_table_path(*frames)]
    pd.testing.assert_frame_equal(table, dispersion.table_from(*frames))

    dispersion.dispersion_table.cache_clear()  # as in another kernel
    _refuse_to_compute(monkeypatch)
    pd.testing.assert_frame_equal(dispersion.dispersion_table(NATIONAL, REFERENCE), table)


def test_other_figures_or_code_or_libraries_have_another_entry(shared, monkeypatch, frames, tmp_path_factory):
    national, catalogue = frames
    path = dispersion.shared_table_path(national, catalogue)
    changed = national.copy()
    changed.loc[changed.index[0], "value"] = changed["value"].iloc[0] + 1
    assert dispersion.shared_table_path(changed, catalogue) != path
    assert dispersion.shared_table_path(national, catalogue.iloc[1:]) != path

    other_code = tmp_path_factory.mktemp("code") / "dispersion.py"
    other_code.write_bytes(Path(dispersion.__file__).read_bytes() + b"\n# another rule\n")
    monkeypatch.setattr(dispersion, "__file__", str(other_code))
    assert dispersion.shared_table_path(national, catalogue) != path
    monkeypatch.undo()
    monkeypatch.setenv(SHARED_CACHE_VARIABLE, str(shared))

    real_version = dispersion.metadata.version
    monkeypatch.setattr(dispersion.metadata, "version",
                        lambda name: "0.0" if name == "scipy" else real_version(name))
    assert dispersion.shared_table_path(national, catalogue) != path


def test_a_damaged_entry_is_worked_out_again_and_replaced(shared, frames):
    path = dispersion.shared_table_path(*frames)
    path.write_bytes(b"not a table")
    table = dispersion.dispersion_table(NATIONAL, REFERENCE)
    pd.testing.assert_frame_equal(pd.read_pickle(io.BytesIO(path.read_bytes())), table)


def test_the_shared_cache_is_not_recorded_as_read(tmp_path, monkeypatch):
    shared, data = tmp_path / "stage" / "_shared", tmp_path / "stage" / "data"
    monkeypatch.setenv(reads.IGNORED_VARIABLE, str(shared))
    log = io.StringIO()
    recorder = reads.ReadRecorder(log, [str(tmp_path)], reads.ignored_folders())
    recorder("open", (str(shared / "dispersion-abc.pkl"), "rb", 0))
    recorder("open", (str(data / "national.csv"), "r", 0))
    assert log.getvalue() == f"file {data / 'national.csv'}\n"


def test_a_page_asking_while_another_works_it_out_waits_and_reads_its_table(shared, frames):
    import fcntl
    import threading
    import time

    path = dispersion.shared_table_path(*frames)
    answered = {}
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another page is working it out
        waiting = threading.Thread(target=lambda: answered.update(
            table=dispersion.dispersion_table(NATIONAL, REFERENCE)))
        waiting.start()
        time.sleep(1)
        assert waiting.is_alive() and not answered, "it did not wait for the page working it out"
        theirs = pd.DataFrame({"indicator_id": ["the other page's table"]})
        theirs.to_pickle(path)
    waiting.join(timeout=60)
    pd.testing.assert_frame_equal(answered["table"], theirs)
