"""Jupyter Book: building a staged edition as HTML (or as one page, for the PDF)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.build.failures import BuildFailed

BUILD_LOG_NAME = "jupyter-book-build.log"


def jupyter_book_command(stage_dir: Path, builder: str = "html") -> list[str]:
    """``jupyter-book build`` run by this interpreter (so by this venv), warnings as errors."""
    launcher = (
        "import sys; from jupyter_book.cli.main import main; "
        "sys.argv[0] = 'jupyter-book'; sys.exit(main())"
    )
    return [sys.executable, "-c", launcher, "build", str(stage_dir),
            "--builder", builder, "-W", "-n", "--keep-going"]


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def problem_lines(log_text: str, limit: int = 60) -> list[str]:
    """The warning and error lines of a build log, each once."""
    lines = [line.rstrip() for line in log_text.splitlines()
             if "WARNING" in line or "ERROR" in line or "Error:" in line]
    unique = list(dict.fromkeys(lines))
    if len(unique) > limit:
        unique = unique[:limit] + [f"... and {len(unique) - limit} more lines"]
    return unique


def run_jupyter_book(stage_dir: Path, log_path: Path, builder: str = "html") -> tuple[int, str]:
    """Run ``jupyter-book build`` on the stage, its output into ``log_path`` as plain text;
    return the exit code and the log's text."""
    command = jupyter_book_command(stage_dir, builder)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(command) + "\n\n")
        log.flush()
        completed = subprocess.run(
            command, cwd=stage_dir, stdout=log, stderr=subprocess.STDOUT, check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
    # Sphinx colours its output even into a file: keep the log plain text.
    text = _ANSI_ESCAPE.sub("", log_path.read_text(encoding="utf-8", errors="replace"))
    log_path.write_text(text, encoding="utf-8")
    return completed.returncode, text


def failure_message(what: str, code: int, text: str, log_path: Path, consequence: str = "") -> str:
    """'Jupyter Book could not build <what> (exit code N)<consequence>', the log's problem
    lines, and where the full log is."""
    lines = problem_lines(text) or text.splitlines()[-20:]
    return (f"Jupyter Book could not build {what} (exit code {code}){consequence}\n"
            + "\n".join(f"  {line}" for line in lines) + f"\nFull log: {log_path}")


# What Sphinx writes again in full on every build, and so can be removed first: the static files
# and the downloads (every download the pages link is copied each time).
REWRITTEN_EACH_BUILD = ("_static", "_downloads")


def build_html(stage_dir: Path, log_path: Path, pages_removed: bool = False) -> Path:
    """Build the staged book; return the html folder or raise BuildFailed.

    Sphinx reads again only the pages that changed since the stage's last build, and an edition
    must be the same however it was built, so what an earlier build wrote goes first where it
    could differ from a build from nothing: the static files (a page written while they are there
    links them with a checksum, ``style.css?v=…``) and the downloads (one no page links any more
    would stay). ``pages_removed``: a page left the book or the table of contents changed, so
    all the HTML goes (a removed page's would stay); Sphinx then writes every page again."""
    html_dir = stage_dir / "_build" / "html"
    for folder in ((html_dir,) if pages_removed else tuple(html_dir / name for name in REWRITTEN_EACH_BUILD)):
        shutil.rmtree(folder, ignore_errors=True)
    code, text = run_jupyter_book(stage_dir, log_path)
    if code != 0 or not (html_dir / "index.html").is_file():
        raise BuildFailed(failure_message("the HTML", code, text, log_path, "; nothing was published."),
                          stage_dir=stage_dir, log_path=log_path)
    return html_dir
