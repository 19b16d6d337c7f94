"""Builds killed on purpose: a book that waits at known points, a build in a process of its own,
and the processes and files a killed build leaves behind.

Run as a script (``python faults.py BOOK DATA STAGE_ROOT SITE_DIR``) it builds the 2024-25
E09000007 edition of ``BOOK`` with ``build_edition``, as ``python -m analysis build`` would.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import psutil
import yaml

TESTS_DIR = Path(__file__).resolve().parents[1]
PROJECT_ROOT = TESTS_DIR.parent
SYNTHETIC_BOOK = TESTS_DIR / "fixtures" / "synthetic_book"
SYNTHETIC_DATA = SYNTHETIC_BOOK / "data"
YEAR = "2024-25"
AREA = "E09000007"

# Every process a test build starts carries this variable (with a value of the test's own), so the
# test can find them all after the build is killed, whatever the build does to stop them.
MARKER = "FAULT_TEST_MARKER"
# The waiting book: set to a file's path, a notebook (NOTEBOOK_WAIT) or Sphinx (SPHINX_WAIT)
# creates the file and waits until "<file>.release" exists.
NOTEBOOK_WAIT = "FAULT_TEST_NOTEBOOK_WAIT"
SPHINX_WAIT = "FAULT_TEST_SPHINX_WAIT"

_WAIT_CODE = """import os, pathlib, time
if os.environ.get({variable!r}):
    _here = pathlib.Path(os.environ[{variable!r}])
    _here.touch()
    while not pathlib.Path(str(_here) + ".release").exists():
        time.sleep(0.1)
"""

_SPHINX_EXTENSION = f'''"""A Sphinx extension for tests: the build waits at its start when asked to."""
import os
import pathlib
import time


def _wait(app):
    if os.environ.get("{SPHINX_WAIT}"):
        here = pathlib.Path(os.environ["{SPHINX_WAIT}"])
        here.touch()
        while not pathlib.Path(str(here) + ".release").exists():
            time.sleep(0.1)


def setup(app):
    app.connect("builder-inited", _wait)
    return {{"parallel_read_safe": True}}
'''


def waiting_book(folder: Path) -> tuple[Path, Path]:
    """A copy of the synthetic fixture book whose second notebook, and whose Sphinx build, can be
    made to wait (NOTEBOOK_WAIT, SPHINX_WAIT); returns (the book, the folder to put on
    PYTHONPATH for its Sphinx extension). Without the variables it builds as the fixture does."""
    book = Path(folder) / "book"
    shutil.copytree(SYNTHETIC_BOOK, book, ignore=shutil.ignore_patterns("data"))
    notebook_path = book / "notebooks" / "01_synthetic_figures.ipynb"
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    notebook["cells"].insert(2, {"cell_type": "code", "execution_count": None, "id": "fault-test-wait",
                                 "metadata": {}, "outputs": [],
                                 "source": _WAIT_CODE.format(variable=NOTEBOOK_WAIT)})
    notebook_path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    extensions = Path(folder) / "extensions"
    extensions.mkdir()
    (extensions / "fault_test_wait.py").write_text(_SPHINX_EXTENSION, encoding="utf-8")
    config_path = book / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.setdefault("sphinx", {})["extra_extensions"] = ["fault_test_wait"]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return book, extensions


def start_build(command: list[str], logs: Path, marker: str, **variables: str) -> subprocess.Popen:
    """Start a build command with the test's marker and ``variables`` in its environment; its
    output goes to ``logs``.out and ``logs``.err (files: a killed build's processes may keep a
    pipe open)."""
    environment = {**os.environ, MARKER: marker, "PYTHONUNBUFFERED": "1", **variables}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT / "src"), variables.get("PYTHONPATH")]))
    with open(f"{logs}.out", "w") as out, open(f"{logs}.err", "w") as err:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=out, stderr=err, env=environment)


def synthetic_build_command(book: Path, stage_root: Path, site_dir: Path) -> list[str]:
    return [sys.executable, __file__, str(book), str(SYNTHETIC_DATA), str(stage_root), str(site_dir)]


def output(logs: Path) -> str:
    return "".join(Path(f"{logs}.{kind}").read_text(errors="replace") for kind in ("out", "err")
                   if Path(f"{logs}.{kind}").exists())


def wait_for(condition: Callable[[], object], seconds: float, what: str, build: subprocess.Popen | None = None,
             logs: Path | None = None) -> object:
    """Wait until ``condition()`` is true; fail saying ``what`` did not happen (with the build's
    output when it ended first)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if build is not None and build.poll() is not None:
            raise AssertionError(f"the build ended (exit code {build.returncode}) before {what}:\n"
                                 + (output(logs) if logs else ""))
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds} s" + (f":\n{output(logs)}" if logs else ""))


def marked_processes(marker: str, also_mentioning: str | None = None) -> list[psutil.Process]:
    """Live processes that carry the marker in their environment, or whose command line mentions
    ``also_mentioning`` (a test's temporary folder). Zombies (dead, not yet reaped) are not live."""
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if process.environ().get(MARKER) == marker or (
                    also_mentioning and any(also_mentioning in part for part in process.cmdline())):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def describe(processes: list[psutil.Process]) -> str:
    lines = []
    for process in processes:
        try:
            lines.append(f"  {process.pid} (parent {process.ppid()}): {' '.join(process.cmdline())[:200]}")
        except psutil.NoSuchProcess:
            continue
    return "\n".join(lines)


def processes_left(marker: str, also_mentioning: str | None = None, seconds: float = 15) -> list[psutil.Process]:
    """The marked processes still alive after waiting up to ``seconds`` for them all to end."""
    deadline = time.monotonic() + seconds
    while True:
        left = marked_processes(marker, also_mentioning)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def kill_everything(marker: str) -> None:
    """Clean up after a test that failed part way: kill every marked process."""
    for process in marked_processes(marker):
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass


def hidden_folders(site_dir: Path) -> list[str]:
    return sorted(path.name for path in Path(site_dir).iterdir() if path.name.startswith("."))


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT / "src"))
    from analysis.build.failures import BuildFailed
    from analysis.build.pipeline import build_edition

    book_root, data_dir, stage_root, site_dir = (Path(argument) for argument in sys.argv[1:5])
    try:
        build_edition(YEAR, AREA, data_dir=data_dir, book_root=book_root, stage_root=stage_root, site_dir=site_dir)
    except BuildFailed as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
