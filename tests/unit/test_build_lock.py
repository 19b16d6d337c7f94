"""What a build holds while it runs (analysis.build.lock): its edition's lock, and the guard that
ends its processes when it is killed. Each test runs small Python processes; no book is built."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from analysis.build.lock import TOKEN_VARIABLE, EditionBusy, edition_lock, lock_path, processes_end_with_build

SOURCE = Path(__file__).resolve().parents[2] / "src"
AREA, YEAR = "E09000007", "2024-25"


def python(code: str) -> subprocess.Popen:
    """Run ``code`` in a new Python that can import the package; its output is readable line by line."""
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(SOURCE)})


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # dead, not yet reaped
    except psutil.NoSuchProcess:
        return True


def wait_until_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while [pid for pid in pids if not gone(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if not gone(pid)]


@pytest.fixture
def holder(tmp_path):
    """Another process holding the 2024-25 lock, as a running build does."""
    process = python("import time; from pathlib import Path; from analysis.build.lock import edition_lock\n"
                     f"with edition_lock(Path({str(tmp_path)!r}), {AREA!r}, {YEAR!r}):\n"
                     "    print('held', flush=True); time.sleep(60)")
    assert process.stdout.readline() == "held\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_build_of_the_edition_stops_at_once_saying_who_holds_it(tmp_path, holder):
    started = time.perf_counter()
    with pytest.raises(EditionBusy) as caught:
        with edition_lock(tmp_path, AREA, YEAR):
            pass
    assert time.perf_counter() - started < 1
    message = str(caught.value)
    assert message.startswith(f"another build of the {AREA} {YEAR} edition is running "
                              f"(process {holder.pid}, started 20")
    assert str(lock_path(tmp_path, AREA, YEAR)) in message
    assert "This build stopped before changing anything" in message
    assert f"Wait for the other build to finish and build again; if that build is stuck, stop it first (kill {holder.pid})" in message


def test_a_killed_holder_does_not_block_the_next_build(tmp_path, holder):
    holder.kill()
    holder.wait()
    with edition_lock(tmp_path, AREA, YEAR) as path:
        assert path.read_text().startswith(f"process {os.getpid()}, started ")


def test_the_lock_is_per_edition_and_held_once_even_in_one_process(tmp_path):
    with edition_lock(tmp_path, AREA, YEAR):
        with edition_lock(tmp_path, AREA, "2025-26"), edition_lock(tmp_path, "E09000019", YEAR):
            pass
        with pytest.raises(EditionBusy):
            with edition_lock(tmp_path, AREA, YEAR):
                pass
    with edition_lock(tmp_path, AREA, YEAR):
        pass  # released when the first holder's block ended


# A build, as far as its processes go: a child, and a grandchild in a session of its own whose
# parent then ends (as Jupyter starts kernels), so it is nobody's child once the build is killed.
_BUILD = """import subprocess, sys, time
from analysis.build.lock import processes_end_with_build
sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
with processes_end_with_build():
    child = subprocess.Popen(sleeper)
    middle = subprocess.Popen([sys.executable, "-c",
        "import subprocess, sys; print(subprocess.Popen(sys.argv[1:], start_new_session=True).pid)", *sleeper],
        stdout=subprocess.PIPE, text=True)
    grandchild = int(middle.stdout.readline())
    middle.wait()
    print(child.pid, grandchild, flush=True)
    time.sleep(600)
"""


def test_a_killed_build_takes_every_process_it_started_with_it():
    build = python(_BUILD)
    child, grandchild = (int(pid) for pid in build.stdout.readline().split())
    guard, = [p.pid for p in psutil.Process(build.pid).children() if "analysis.build.lock" in " ".join(p.cmdline())]
    assert not gone(child) and not gone(grandchild)
    build.kill()  # kill -9
    build.wait()
    assert wait_until_gone([child, grandchild, guard]) == []


def test_a_build_that_ends_restores_the_environment_and_stops_its_guard():
    before = os.environ.get(TOKEN_VARIABLE)
    with processes_end_with_build() as token:
        assert os.environ[TOKEN_VARIABLE] == token
        guards = [p for p in psutil.Process().children() if "analysis.build.lock" in " ".join(p.cmdline())]
        assert len(guards) == 1
    assert os.environ.get(TOKEN_VARIABLE) == before
    assert wait_until_gone([guards[0].pid], seconds=2) == []
