"""Builds that go wrong from outside: killed (``kill -9``) at each stage, two at once, a full disk,
a kernel that does not start. The published site must stay whole, no process may be left behind,
and the next build must work.

Most builds here are of the small synthetic fixture book (a few seconds each), copied so that it
can be made to wait at a known point: in a notebook, at the start of the Sphinx build, or at a
step of publishing. One is the real book, through ``python -m analysis build``, killed while its
notebooks run.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from analysis.assurance.manifest import MANIFEST_NAME
from analysis.build import publish as publishing
from analysis.build.execute import run_notebooks
from analysis.build.failures import BuildFailed
from analysis.build.lock import edition_lock
from analysis.build.pipeline import build_edition
from analysis.build.stage import KERNEL_NAME
from analysis.site.index import find_editions
from support.faults import (AREA, NOTEBOOK_WAIT, SPHINX_WAIT, SYNTHETIC_DATA, YEAR, describe, hidden_folders,
                            kill_everything, marked_processes, output, processes_left, start_build,
                            synthetic_build_command, wait_for, waiting_book)
from support.folders import snapshot
from support.sites import fake_build, published_site


def visible(site_snapshot: dict) -> dict:
    """A site's files and folders as readers can reach them (hidden swap folders left out)."""
    return {name: content for name, content in site_snapshot.items() if not name.startswith(".")}


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    """One stage root and site shared by the builds of this module, with the waiting book's
    edition published once."""
    root = tmp_path_factory.mktemp("faults")
    book, extensions = waiting_book(root)
    namespace = SimpleNamespace(root=root, book=book, extensions=extensions,
                                stage_root=root / "stage", site_dir=root / "site")
    namespace.build = lambda: _build_in_process(namespace)
    namespace.build()
    return namespace


def _build_in_process(faults):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(faults.extensions))  # for the book's Sphinx extension
        return build_edition(YEAR, AREA, data_dir=SYNTHETIC_DATA, book_root=faults.book,
                             stage_root=faults.stage_root, site_dir=faults.site_dir, progress=None)


@pytest.fixture
def marker():
    """The value every process of this test's builds carries (support.faults.MARKER)."""
    value = uuid.uuid4().hex
    yield value
    kill_everything(value)  # only if the test failed and left some


def start_synthetic(faults, name: str, marker: str, **variables):
    logs = faults.root / f"{name}-{marker[:8]}"
    command = synthetic_build_command(faults.book, faults.stage_root, faults.site_dir)
    return start_build(command, logs, marker, PYTHONPATH=str(faults.extensions), **variables), logs


def forget_earlier_builds(faults) -> None:
    """Remove the edition's stage, so that the next build executes its notebooks and builds its
    HTML again rather than finding the edition up to date."""
    shutil.rmtree(faults.stage_root / AREA / YEAR, ignore_errors=True)


def assert_nothing_left(faults, marker: str) -> None:
    left = processes_left(marker, also_mentioning=str(faults.root))
    assert not left, "processes left behind by the killed build:\n" + describe(left)
    with edition_lock(faults.stage_root, AREA, YEAR):
        pass  # the killed build's lock is free


# --------------------------------------------------------------------------
# kill -9 at each stage
# --------------------------------------------------------------------------


def _is_warm_kernel(process) -> bool:
    try:
        server = " ".join(process.parent().cmdline())
        return "kernel_server.py serve" in " ".join(process.cmdline()) and "kernel_server.py serve" in server
    except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
        return False


def test_kill_while_the_real_books_notebooks_run_leaves_no_process_and_the_site_as_it_was(faults, marker):
    before = snapshot(faults.site_dir)
    logs = faults.root / "real-book"
    build = start_build([sys.executable, "-m", "analysis", "build", "--year", YEAR, "--area", AREA,
                         "--stage-dir", str(faults.stage_root), "--site-dir", str(faults.site_dir)], logs, marker)
    # The kernels are forked from the build's kernel server: processes with its command line whose
    # parent is the server (analysis.build.kernel_server).
    kernels = lambda: [p for p in marked_processes(marker) if _is_warm_kernel(p)]  # noqa: E731
    wait_for(lambda: len(kernels()) >= 2, 180, "two notebooks' kernels started", build, logs)
    assert "Executing" in output(logs)
    # The server's folder (its socket, and the kernels'), named on its command line.
    folders = {Path(p.cmdline()[p.cmdline().index("serve") + 1]).parent for p in kernels()}
    assert len(folders) == 1 and next(iter(folders)).is_dir()
    build.kill()
    build.wait()
    assert_nothing_left(faults, marker)
    assert snapshot(faults.site_dir) == before
    assert not next(iter(folders)).exists(), "the killed build's kernel folder was left behind"


def test_kill_during_the_html_build_leaves_no_process_and_the_site_as_it_was(faults, marker):
    before = snapshot(faults.site_dir)
    waiting = faults.root / "sphinx-waiting"
    forget_earlier_builds(faults)
    build, logs = start_synthetic(faults, "sphinx", marker, **{SPHINX_WAIT: str(waiting)})
    wait_for(waiting.exists, 120, "the Sphinx build started", build, logs)
    assert any("jupyter_book" in " ".join(p.cmdline()) for p in marked_processes(marker))
    build.kill()
    build.wait()
    assert_nothing_left(faults, marker)
    assert snapshot(faults.site_dir) == before


def test_kill_while_publishing_leaves_the_site_as_it_was_and_the_next_build_tidies_up(faults, marker):
    before = snapshot(faults.site_dir)
    forget_earlier_builds(faults)
    build, logs = start_synthetic(faults, "publish", marker, **{publishing.TEST_PAUSE_VARIABLE: "copied"})
    wait_for(lambda: "publish paused at copied" in output(logs), 120, "publishing started", build, logs)
    build.kill()
    build.wait()
    assert_nothing_left(faults, marker)
    assert visible(snapshot(faults.site_dir)) == visible(before)
    assert [name.split("-")[0] for name in hidden_folders(faults.site_dir)] == [".incoming"]  # the copy, killed

    result = faults.build()  # the next build
    assert hidden_folders(faults.site_dir) == []
    assert [(e.area_code, e.year) for e in find_editions(faults.site_dir)] == [(AREA, YEAR)]
    published = json.loads((result.html_dir / MANIFEST_NAME).read_text())
    assert published["build_started_utc"] > json.loads(before[f"{AREA}/{YEAR}/{MANIFEST_NAME}"])["build_started_utc"]


@pytest.mark.parametrize("step", ["copying", "copied", "swapped", "moved-away"])
def test_publish_killed_at_each_step_leaves_a_whole_edition(tmp_path, marker, step):
    """publish() alone, killed at each of its steps. "moved-away" is the step between two renames
    on a system that cannot swap two folders in one go: the edition's folder is missing until
    the next build of the edition puts it back."""
    site_dir = published_site(tmp_path, YEAR, AREA)
    before = snapshot(site_dir)
    html, manifest = fake_build(tmp_path / "new", "new edition", YEAR, AREA)
    no_swap = "publish._swap = lambda first, second: False; " if step == "moved-away" else ""
    code = (f"from pathlib import Path; from analysis.build import publish; {no_swap}"
            f"publish.publish(Path({str(html)!r}), Path({str(manifest)!r}), Path({str(site_dir)!r}), {AREA!r}, {YEAR!r})")
    logs = tmp_path / "publish"
    process = start_build([sys.executable, "-c", code], logs, marker, **{publishing.TEST_PAUSE_VARIABLE: step})
    wait_for(lambda: f"publish paused at {step}" in output(logs), 60, f"publish reached {step}", process, logs)
    process.kill()
    process.wait()

    edition = site_dir / AREA / YEAR
    assert hidden_folders(site_dir), "the kill left nothing to tidy: it came too late"
    if step == "swapped":
        assert (edition / "index.html").read_text() == "new edition"
        assert json.loads((edition / MANIFEST_NAME).read_text())["parameters"]["area_code"] == AREA
    elif step == "moved-away":
        assert not edition.exists()
    else:
        assert visible(snapshot(site_dir)) == visible(before)
    publishing.tidy_interrupted(site_dir, AREA, YEAR)  # what the next build does first
    assert hidden_folders(site_dir) == []
    if step != "swapped":
        assert snapshot(site_dir) == before
    assert (publishing.publish(html, manifest, site_dir, AREA, YEAR) / "index.html").read_text() == "new edition"
    assert hidden_folders(site_dir) == []


# --------------------------------------------------------------------------
# Two builds of one edition at once
# --------------------------------------------------------------------------


def test_two_builds_of_one_edition_at_once_one_publishes_the_other_stops_at_once(faults, marker):
    waiting = faults.root / "two-waiting"
    forget_earlier_builds(faults)  # the winner must execute the waiting notebook
    builds = [start_synthetic(faults, name, marker, **{NOTEBOOK_WAIT: str(waiting)}) for name in ("first", "second")]
    try:
        # The winner waits in a notebook until released, so the two certainly overlap.
        stopped = wait_for(lambda: [b for b in builds if b[0].poll() is not None], 60, "one build stopped")
        wait_for(waiting.exists, 60, "the other build ran its notebooks")
    finally:
        Path(f"{waiting}.release").touch()
    assert len(stopped) == 1, "\n\n".join(output(logs) for _, logs in builds)
    (loser, loser_logs), = stopped
    (winner, winner_logs), = [b for b in builds if b[0] is not loser]
    assert winner.wait(120) == 0, output(winner_logs)
    assert loser.returncode == 1
    message = output(loser_logs)
    assert f"another build of the {AREA} {YEAR} edition is running (process {winner.pid}, started 20" in message
    assert "This build stopped before changing anything" in message
    assert "Wait for the other build to finish and build again" in message and f"kill {winner.pid}" in message
    assert "Published the book" in output(winner_logs) and "Published" not in output(loser_logs)
    assert "Staged" not in output(loser_logs)
    assert hidden_folders(faults.site_dir) == []
    left = processes_left(marker)
    assert not left, describe(left)


# --------------------------------------------------------------------------
# A full disk
# --------------------------------------------------------------------------


def test_a_full_disk_while_publishing_fails_cleanly_and_the_site_is_intact(tmp_path, monkeypatch):
    site_dir = published_site(tmp_path, YEAR, AREA)
    before = snapshot(site_dir)
    html, manifest = fake_build(tmp_path / "new", "new edition", YEAR, AREA)
    copied = []

    def copy_until_the_disk_is_full(source, destination, **options):
        if copied:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), destination)
        copied.append(source)
        return real_copy(source, destination, **options)

    real_copy = shutil.copy2
    monkeypatch.setattr(shutil, "copy2", copy_until_the_disk_is_full)
    with pytest.raises(BuildFailed) as caught:
        publishing.publish(html, manifest, site_dir, AREA, YEAR)
    assert copied, "the copy failed before it started"
    message = str(caught.value)
    assert f"the disk holding the site folder {site_dir} is full (No space left on device)" in message
    assert f"the new {AREA} {YEAR} edition could not be copied" in message
    assert "The published edition is untouched" in message and "Free some space" in message
    assert snapshot(site_dir) == before  # no partial copy left either


@pytest.fixture
def tiny_disk(tmp_path):
    """A folder on a small file system of its own (a tmpfs; needs root). Yields (folder, mount)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a tmpfs needs root")
    mount = tmp_path / "tiny-disk"
    mount.mkdir()

    def mounted(kilobytes: int) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(mount)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        return mount

    yield mounted
    subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_real_full_disk_under_the_site_fails_the_build_cleanly(faults, tiny_disk, tmp_path):
    """A site on a disk with room for the published edition but not for a second copy."""
    edition_kilobytes = sum(p.stat().st_size for p in faults.site_dir.rglob("*") if p.is_file()) // 1024
    disk = tiny_disk(edition_kilobytes * 3 // 2)
    site_dir = disk / "site"
    shutil.copytree(faults.site_dir, site_dir)
    before = snapshot(site_dir)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(faults.extensions))
        with pytest.raises(BuildFailed) as caught:
            build_edition(YEAR, AREA, data_dir=SYNTHETIC_DATA, book_root=faults.book,
                          stage_root=tmp_path / "stage", site_dir=site_dir, progress=None)
    message = str(caught.value)
    assert f"the disk holding the site folder {site_dir} is full" in message
    assert "The published edition is untouched" in message
    assert snapshot(site_dir) == before


def test_a_real_full_disk_under_the_stage_fails_the_build_cleanly(faults, tiny_disk):
    before = snapshot(faults.site_dir)
    stage_root = tiny_disk(16) / "stage"
    with pytest.raises(BuildFailed) as caught:
        build_edition(YEAR, AREA, data_dir=SYNTHETIC_DATA, book_root=faults.book,
                      stage_root=stage_root, site_dir=faults.site_dir, progress=None)
    message = str(caught.value)
    assert message.startswith(f"a disk this build writes to is full (No space left on device")
    assert "Nothing was published: the published site is as it was" in message
    assert f"the stage folder {stage_root / AREA / YEAR}" in message and "then build again" in message
    assert snapshot(faults.site_dir) == before


# --------------------------------------------------------------------------
# A kernel that does not start
# --------------------------------------------------------------------------

_FAKE_KERNEL = """import os, pathlib, sys, time
# A kernel for tests: in a folder named "never" it never answers; in "second-try" it answers from
# the second start on; each start is counted in starts.txt.
count = pathlib.Path("starts.txt")
count.write_text(count.read_text() + "start\\n" if count.exists() else "start\\n")
if pathlib.Path.cwd().name == "second-try" and count.read_text().count("start") > 1:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", sys.argv[1]])
time.sleep(600)
"""


def test_a_kernel_that_does_not_start_is_tried_again_then_reported_as_such(tmp_path):
    jupyter_dir = tmp_path / "jupyter"
    spec = jupyter_dir / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "fake_kernel.py").write_text(_FAKE_KERNEL)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(spec / "fake_kernel.py"), "{connection_file}"],
        "display_name": "fake", "language": "python"}))
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "p", "metadata": {"tags": ["parameters"]},
                           "outputs": [], "source": "x = 1"},
                          {"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
                           "source": "import pathlib; pathlib.Path('ran.txt').write_text('ran')"}],
                "metadata": {"kernelspec": {"name": KERNEL_NAME, "display_name": "fake", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    tasks = []
    for name in ("never", "second-try"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "source.ipynb").write_text(json.dumps(notebook))
        tasks.append({"notebook": f"notebooks/{name}.ipynb", "input": str(folder / "source.ipynb"),
                      "output": str(folder / "executed.ipynb"), "cwd": str(folder), "parameters": {},
                      "cell_timeout": 60, "start_timeout": 3})
    messages: list[str] = []
    durations, failures = run_notebooks(tasks, 2, jupyter_dir, messages.append)

    assert (tmp_path / "never" / "starts.txt").read_text() == "start\n" * 2  # tried once more, no more
    failure, = failures
    assert failure.notebook == "notebooks/never.ipynb" and failure.ename == "KernelDidNotStart"
    text = failure.describe()
    assert "the notebook's Python kernel did not start in 3 seconds, twice" in text
    assert "none of the notebook's code ran" in text and "Run the build again" in text
    assert "short of processors or memory" in text and str(spec / "kernel.json") in text
    assert not (tmp_path / "never" / "ran.txt").exists()

    assert (tmp_path / "second-try" / "starts.txt").read_text() == "start\n" * 2
    assert (tmp_path / "second-try" / "ran.txt").read_text() == "ran"
    assert any("second-try ✓" in m and "its kernel did not start at the first try" in m for m in messages), messages
    fakes = [p for p in psutil.process_iter() if "fake_kernel.py" in " ".join(_cmdline(p))]
    assert not fakes, "a kernel that did not start was left running"


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return [] if process.status() == psutil.STATUS_ZOMBIE else process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []
