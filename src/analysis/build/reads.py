"""Recording what a notebook reads while it runs, so a rebuild can tell whether it must run again.

The build starts each notebook's kernel with ``ANALYSIS_READS_LOG`` (a file to write to) and
``ANALYSIS_READS_ROOTS`` (the folders worth watching: the book, the data folder, the stage); the
kernel imports this module first (the kernelspec's ``exec_lines``). It then adds an audit hook
(PEP 578) that writes one line per new thing the notebook's code touches:

- ``file <path>``: a file opened for reading (also one that did not exist: it may appear later);
- ``folder <path>``: a folder listed (a new file in it can change what the notebook shows);
- ``module <name>``: a module of the ``analysis`` package imported (its code is part of the page);
- ``wrote <path>``: a file written (a download beside the page): the build keeps it, checks it is
  still there before reusing the page, and removes it before the page runs again.

Only paths under the watched roots are written, and none inside the Python environment. Lines are
written as they happen, because the kernel is stopped at once when the notebook ends.
"""
from __future__ import annotations

import os
import sys

LOG_VARIABLE = "ANALYSIS_READS_LOG"
ROOTS_VARIABLE = "ANALYSIS_READS_ROOTS"
# Folders inside the roots that are not recorded: a cache whose entries are named by the SHA-256 of
# everything they are worked out from, which the notebook reads (and so records) to name them.
IGNORED_VARIABLE = "ANALYSIS_READS_IGNORED"
PACKAGE = "analysis"

# Access modes of os.open that can read a file.
_READ_MODES = (os.O_RDONLY, os.O_RDWR)


class ReadRecorder:
    """The audit hook: writes each new read to ``log`` (an open text file)."""

    def __init__(self, log, roots: list[str], ignored: list[str]):
        self.log = log
        self.roots = [os.path.join(root, "") for root in roots]
        self.ignored = [os.path.join(folder, "") for folder in ignored]
        self.seen: set[tuple[str, str]] = set()

    def watched(self, path) -> str | None:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return None  # a file descriptor: its path was recorded when it was opened
        path = os.path.abspath(path)
        with_slash = os.path.join(path, "")
        if not any(with_slash.startswith(root) for root in self.roots):
            return None
        if any(with_slash.startswith(folder) for folder in self.ignored) or "__pycache__" in path:
            return None
        return path

    def write(self, kind: str, what: str) -> None:
        if (kind, what) in self.seen:
            return
        self.seen.add((kind, what))
        self.log.write(f"{kind} {what}\n")
        self.log.flush()

    def __call__(self, event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            reads = ("r" in mode or "+" in mode) if isinstance(mode, str) else (flags & 3) in _READ_MODES
            where = self.watched(path)
            if where:
                self.write("file" if reads else "wrote", where)
        elif event == "os.rename":  # os.rename and os.replace: a file written under another name first
            where = self.watched(args[1])
            if where:
                self.write("wrote", where)
        elif event in ("os.listdir", "os.scandir"):
            where = self.watched(args[0] if args and args[0] is not None else ".")
            # Python lists the folders on sys.path to find modules: that is not the notebook's reading.
            if where and where not in {os.path.abspath(folder) for folder in sys.path}:
                self.write("folder", where)
        elif event == "import":
            name = args[0]
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                self.write("module", name)


def ignored_folders() -> list[str]:
    """The folders never recorded: the environment's own files, the package (recorded by module)
    and those the build names in ``ANALYSIS_READS_IGNORED``."""
    package_parent = os.path.dirname(os.path.abspath(__file__)).rsplit(os.sep, 1)[0]
    named = [os.path.abspath(folder) for folder in os.environ.get(IGNORED_VARIABLE, "").split(os.pathsep) if folder]
    return sorted({sys.prefix, sys.base_prefix, package_parent, *named})


def start_recording() -> ReadRecorder | None:
    """Add the audit hook when the build asked for it (``ANALYSIS_READS_LOG`` is set)."""
    log_path = os.environ.get(LOG_VARIABLE)
    if not log_path:
        return None
    roots = [root for root in os.environ.get(ROOTS_VARIABLE, "").split(os.pathsep) if root]
    recorder = ReadRecorder(open(log_path, "a", encoding="utf-8"), roots, ignored_folders())
    # The modules imported before the hook (this one and its packages) are part of every page.
    for name in list(sys.modules):
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            recorder.write("module", name)
    sys.addaudithook(recorder)
    return recorder


start_recording()
