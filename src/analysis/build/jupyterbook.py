"""Jupyter Book: building a staged edition as HTML (or as one page, for the PDF)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from analysis.build.failures import BuildFailed

BUILD_LOG_NAME = "jupyter-book-build.log"


# Started ahead of the notebooks, it waits to be told to build (HtmlBuild).
AHEAD_SCRIPT = Path(__file__).with_name("jupyter_book_ahead.py")


def jupyter_book_command(stage_dir: Path, builder: str = "html", ahead: bool = False) -> list[str]:
    """``jupyter-book build`` run by this interpreter (so by this venv), warnings as errors;
    ``ahead``: started ahead, building when told (HtmlBuild)."""
    launcher = (
        "import sys; from jupyter_book.cli.main import main; "
        "sys.argv[0] = 'jupyter-book'; sys.exit(main())"
    )
    start = [str(AHEAD_SCRIPT)] if ahead else ["-c", launcher]
    return [sys.executable, *start, "build", str(stage_dir), "--builder", builder, "-W", "-n", "--keep-going"]


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def problem_lines(log_text: str, limit: int = 60) -> list[str]:
    """The warning and error lines of a build log, each once."""
    lines = [line.rstrip() for line in log_text.splitlines()
             if "WARNING" in line or "ERROR" in line or "Error:" in line]
    unique = list(dict.fromkeys(lines))
    if len(unique) > limit:
        unique = unique[:limit] + [f"... and {len(unique) - limit} more lines"]
    return unique


def _start(command: list[str], stage_dir: Path, log_path: Path, **options) -> tuple[subprocess.Popen, object]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w", encoding="utf-8")
    log.write("$ " + " ".join(command) + "\n\n")
    log.flush()
    process = subprocess.Popen(command, cwd=stage_dir, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONIOENCODING": "utf-8"}, **options)
    return process, log


def _plain_log(log_path: Path) -> str:
    """The log's text, made plain: Sphinx colours its output even into a file."""
    text = _ANSI_ESCAPE.sub("", log_path.read_text(encoding="utf-8", errors="replace"))
    log_path.write_text(text, encoding="utf-8")
    return text


def run_jupyter_book(stage_dir: Path, log_path: Path, builder: str = "html") -> tuple[int, str]:
    """Run ``jupyter-book build`` on the stage, its output into ``log_path`` as plain text;
    return the exit code and the log's text."""
    process, log = _start(jupyter_book_command(stage_dir, builder), stage_dir, log_path)
    with log:
        code = process.wait()
    return code, _plain_log(log_path)


def failure_message(what: str, code: int, text: str, log_path: Path, consequence: str = "") -> str:
    """'Jupyter Book could not build <what> (exit code N)<consequence>', the log's problem
    lines, and where the full log is."""
    lines = problem_lines(text) or text.splitlines()[-20:]
    return (f"Jupyter Book could not build {what} (exit code {code}){consequence}\n"
            + "\n".join(f"  {line}" for line in lines) + f"\nFull log: {log_path}")


class HtmlBuild:
    """The stage's HTML build, started before its notebooks have run (``html_build_started``) so
    that Jupyter Book's start-up (about a second of imports and setting Sphinx up) overlaps them,
    and told to build once they have (``finish``). Sphinx reads the pages only then, so it reads every
    executed notebook as the build left it.

    Sphinx reads again only the pages that changed since the stage's last build, and an edition
    must be the same however it was built, so what an earlier build wrote goes first where it
    could differ from a build from nothing (the static files and downloads, just before Sphinx
    writes: analysis.build.jupyter_book_ahead). ``pages_removed``: a page left the book or the
    table of contents changed, so all the HTML goes (a removed page's would stay); Sphinx then
    writes every page again."""

    def __init__(self, stage_dir: Path, log_path: Path, pages_removed: bool = False):
        self.stage_dir, self.log_path = stage_dir, log_path
        self.html_dir = stage_dir / "_build" / "html"
        if pages_removed:
            shutil.rmtree(self.html_dir, ignore_errors=True)
        self.process, self._log = _start(jupyter_book_command(stage_dir, ahead=True), stage_dir, log_path,
                                         stdin=subprocess.PIPE)

    def finish(self) -> Path:
        """Build the pages; return the html folder or raise BuildFailed."""
        try:
            self.process.stdin.write(b"build\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it has ended already (its set-up failed): its log says why
        code = self.process.wait()
        self._log.close()
        text = _plain_log(self.log_path)
        if code != 0 or not (self.html_dir / "index.html").is_file():
            raise BuildFailed(failure_message("the HTML", code, text, self.log_path, "; nothing was published."),
                              stage_dir=self.stage_dir, log_path=self.log_path)
        return self.html_dir

    def call_off(self) -> None:
        """The notebooks failed (or the build is stopping): end it without building."""
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()  # it ends when its input closes
            except BrokenPipeError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


@contextmanager
def html_build_started(stage_dir: Path, log_path: Path, pages_removed: bool = False) -> Iterator[HtmlBuild]:
    """Start the stage's HTML build ahead (HtmlBuild); call it off unless it was finished."""
    build = HtmlBuild(stage_dir, log_path, pages_removed)
    try:
        yield build
    finally:
        if build.process.returncode is None:
            build.call_off()
