"""What a build holds while it runs: its edition, and the processes it starts.

- ``edition_lock``: one build of an edition (an area and a year) at a time. A second build of
  the same edition stops at once, saying which build holds it, so two builds can never stage
  into the same folder or both publish.
- ``processes_end_with_build``: every process the build starts (the notebook workers, their
  Python kernels, Jupyter Book, Chromium) ends with the build, however it ends, ``kill -9``
  included. The build's processes carry a token in their environment (every child inherits
  it); a small guard process, started first, waits for the build to finish, and if the build
  dies without finishing it kills every process that carries the token.

``python -m analysis.build.lock TOKEN`` is the guard itself; the build starts it.
"""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from analysis.build.failures import BuildFailed

# The environment variable that marks a process as started by a build (its value: the build's token).
TOKEN_VARIABLE = "ANALYSIS_BUILD_TOKEN"
_DONE = b"done\n"


# --------------------------------------------------------------------------
# One build of an edition at a time
# --------------------------------------------------------------------------


class EditionBusy(BuildFailed):
    """Another build of the same edition is running."""


def lock_path(stage_root: Path, area_code: str, year: str) -> Path:
    """The edition's lock file, beside its stage folder: ``<stage_root>/<area>/<year>.lock``."""
    return Path(stage_root) / area_code / f"{year}.lock"


@contextmanager
def edition_lock(stage_root: Path, area_code: str, year: str) -> Iterator[Path]:
    """Hold the edition's lock for the ``with`` block; raise EditionBusy at once if another
    build holds it.

    The lock is an flock on the lock file. The operating system releases it when the holder's
    file is closed, which happens when the holder ends in any way, ``kill -9`` and a power cut
    included: a killed build never blocks the next one. The file is opened non-inheritable (as
    Python opens every file), so no process the build starts can keep it locked after the build
    has gone. The file stays; it only says who holds the lock, or last held it.
    """
    path = lock_path(stage_root, area_code, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b", buffering=0)  # unbuffered: nothing is left to write when it closes
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise EditionBusy(_busy_message(path, area_code, year)) from None
    try:
        started = datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}, started {started}\n".encode("utf-8"))
        except OSError:
            pass  # a full disk: the lock holds without the note, and the build reports the disk
        yield path
    finally:
        handle.close()  # releases the lock


def _busy_message(path: Path, area_code: str, year: str) -> str:
    holder = ""
    for _ in range(10):  # the holder writes its details just after taking the lock
        holder = path.read_text(encoding="utf-8").strip()
        if holder:
            break
        time.sleep(0.05)
    pid = holder.split(",")[0].removeprefix("process ").strip() if holder else ""
    return (f"another build of the {area_code} {year} edition is running ({holder or 'it has only just started'}; "
            f"lock file {path}). This build stopped before changing anything. Wait for the other build to "
            f"finish and build again; if that build is stuck, stop it first"
            + (f" (kill {pid})." if pid.isdigit() else "."))


# --------------------------------------------------------------------------
# No process left behind
# --------------------------------------------------------------------------


@contextmanager
def processes_end_with_build() -> Iterator[str]:
    """Mark every process started in the ``with`` block with a new token, and start the guard
    that kills them if this process dies before the block ends. Yields the token.

    The guard runs in a session of its own, so Ctrl-C at the terminal or a signal to the
    build's process group leaves it there to clean up. When the block ends normally (or with an
    error), the build has already waited for its processes, and the guard just exits.
    """
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    source_root = str(Path(__file__).resolve().parents[2])  # the folder holding the analysis package
    environment = {key: value for key, value in os.environ.items() if key != TOKEN_VARIABLE}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [source_root, environment.get("PYTHONPATH")]))
    guard = subprocess.Popen([sys.executable, "-m", "analysis.build.lock", token],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment,
                             start_new_session=True)
    if guard.stdout.readline() != b"ready\n":
        guard.wait()
        raise BuildFailed(f"could not start the process that stops a killed build's processes "
                          f"({sys.executable} -m analysis.build.lock exited with code {guard.returncode}); "
                          f"nothing was built. Check that this Python can import psutil.")
    guard.stdout.close()
    previous = os.environ.get(TOKEN_VARIABLE)
    os.environ[TOKEN_VARIABLE] = token
    try:
        yield token
    finally:
        if previous is None:
            os.environ.pop(TOKEN_VARIABLE, None)
        else:
            os.environ[TOKEN_VARIABLE] = previous
        try:
            guard.stdin.write(_DONE)
            guard.stdin.close()
        except OSError:
            pass  # the guard has gone already
        guard.wait()


def stop_processes(token: str) -> int:
    """Kill every process whose environment carries ``token``; return how many were killed.

    Scans until none is left, as a process may start another while the first ones are killed
    (a worker starting a kernel). Other users' processes cannot be read and are never touched.
    """
    import psutil

    me = os.getpid()
    killed = 0
    for _ in range(50):
        found = 0
        for process in psutil.process_iter():
            if process.pid == me:
                continue
            try:
                if process.environ().get(TOKEN_VARIABLE) == token:
                    process.kill()
                    found += 1
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # gone already, or not ours to read
        if not found:
            break
        killed += found
        time.sleep(0.2)
    return killed


def _guard(token: str) -> None:
    """Wait for the build to say it is done; if it dies first, kill its processes."""
    import psutil  # noqa: F401 - fail now, while the build can still report it

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    # read() returns when the build closes its end of the pipe: after writing "done" when it
    # finishes, or with nothing when it dies (the operating system closes a dead process's files).
    if sys.stdin.buffer.read() != _DONE:
        stop_processes(token)


if __name__ == "__main__":
    _guard(sys.argv[1])
