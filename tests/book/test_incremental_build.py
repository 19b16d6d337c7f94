"""Rebuilding an edition executes exactly the notebooks that something changed under, and what it
publishes is what a build from nothing publishes (``python -m analysis verify``).

The project is copied into a temporary folder (book, data, code, requirements.txt, CHANGELOG.md),
with ten of its section pages left out of the copy's table of contents, and built there by ``python -m analysis build`` with the copy's code first on the path, so each change
below is made to the copy, never to the project: one at a time, a notebook, a data file, the
changelog, a module of ``analysis``, a national file rewritten with the same bytes, a damaged cache
entry and a page left out of the book (once by a build killed part way). After each, the build's
list of notebooks "to execute" must be exactly the ones named, and the pages must show the change.
At the end the published edition must reproduce from nothing. The steps run in order in one test:
each starts from the one before. (A requirement or a parameter changed runs every notebook again:
tests/book/test_pipeline.py shows that on the synthetic book, where it is quicker.)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from conftest import CAMDEN, PROJECT_ROOT, YEAR

# The copy's book keeps these sections (every build of it is then quicker), the assurance pages and
# every page the changes below touch; those it damages or leaves out are two of the quickest to run.
SECTIONS = ["00_key_findings", "03_family_help", "11_inspection", "12_priorities",
            "13_reconciliation", "91_changes", "92_methods"]
LEFT_OUT = ["01_context", "02_front_door", "04_child_protection", "05_children_looked_after", "06_children_missing",
            "07_exploitation", "08_education", "09_learning_reviews", "10_voice_of_child", "90_data_dictionary"]
ASSURANCE = ["reproduction", "claims", "register", "provenance", "data_log"]
EVERY_NOTEBOOK = set(SECTIONS + ASSURANCE)
# Every build that executes anything writes a new run manifest, which the provenance page shows.
MANIFEST_READER = {"provenance"}
# The pages that read what the edition is: its pages, their titles and measures, its title
# (edition.json, written by the build).
FACTS_READERS = {"92_methods", "reproduction", "register", "data_log"}


class CopiedProject:
    def __init__(self, root: Path):
        self.root = root
        self.project = root / "project"
        shutil.copytree(PROJECT_ROOT, self.project, ignore=shutil.ignore_patterns(
            ".venv", "_build", ".git", "tests", "benchmarks", "__pycache__", "*.egg-info"))
        for name in LEFT_OUT:
            self.replace_in("_toc.yml", f"      - file: notebooks/{name}\n", "")
        self.stage = root / "stage" / CAMDEN / YEAR
        self.published = root / "site" / CAMDEN / YEAR
        self.env = {**os.environ, "PYTHONPATH": str(self.project / "src")}

    def run(self, command: str, *options: str, succeeds: bool = True, python_options: tuple[str, ...] = ()) -> str:
        completed = subprocess.run(
            [sys.executable, *python_options, "-m", "analysis", command, "--year", YEAR, "--stage-dir", str(self.root / "stage"),
             "--site-dir", str(self.root / "site"), *options],
            cwd=self.project, env=self.env, capture_output=True, text=True, timeout=900)
        output = completed.stdout + completed.stderr
        assert (completed.returncode == 0) == succeeds, output
        return output

    def build(self, *options: str, python_options: tuple[str, ...] = ()) -> dict[str, str]:
        """Build; return each notebook executed (by name) with the reason the build gave."""
        self.output = self.run("build", *options, python_options=python_options)
        return dict(re.findall(r"^  to execute: (\S+) \((.*)\)$", self.output, re.M))

    def build_killed_after(self, line: str) -> None:
        """Start a build and kill it (SIGKILL) as soon as it prints ``line``."""
        build = subprocess.Popen(
            [sys.executable, "-u", "-m", "analysis", "build", "--year", YEAR, "--stage-dir", str(self.root / "stage"),
             "--site-dir", str(self.root / "site")],
            cwd=self.project, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for printed in build.stdout:
            if printed.startswith(line):
                build.kill()
                break
        build.wait(timeout=60)
        assert build.returncode == -signal.SIGKILL, f"the build ended before printing {line!r}"

    def page(self, relative: str) -> str:
        return (self.published / relative).read_text(encoding="utf-8")

    def edit_notebook(self, name: str, sentence: str) -> None:
        path = self.project / "notebooks" / f"{name}.ipynb"
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cell = [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"][1]
        cell["source"] = "".join(cell["source"]) + f"\n{sentence}\n"
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def replace_in(self, relative: str, old: str, new: str) -> None:
        path = self.project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} no longer has {old!r}: update this test"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_no_pandas(output: str) -> None:
    """The build printed the time of each of its imports (-X importtime), and pandas was not one."""
    imported = set(re.findall(r"^import time:.*\|\s+(\S+)$", output, re.M))
    assert "analysis.build.pipeline" in imported and not {"pandas", "numpy"} & imported


def test_each_change_executes_exactly_the_notebooks_it_touches_and_the_result_reproduces(tmp_path):
    book = CopiedProject(tmp_path)

    # From nothing: every notebook runs.
    assert set(book.build()) == EVERY_NOTEBOOK

    # Nothing changed: nothing runs, nothing is published. The inputs' validation is remembered, and
    # the area is checked with csv, so the build never imports pandas (Python lists every import of
    # the build's own process: -X importtime, unlike its environment variable, is not passed on to
    # the kernel server the build starts, which imports pandas for the notebooks).
    manifest = book.published / "manifest.json"
    published_at = manifest.stat().st_mtime_ns
    assert book.build(python_options=("-X", "importtime")) == {}
    assert "Up to date" in book.output and manifest.stat().st_mtime_ns == published_at
    assert "Checked the input files: no errors" in book.output  # said again, from the memo
    assert_no_pandas(book.output)

    # A partnership's figure made invalid: refused, naming file, row and column (the validation
    # remembered from the builds before is not used); put back, nothing has changed.
    figures = book.project / "data" / "partnerships" / "camden" / YEAR / "figures.csv"
    good = figures.read_bytes()
    figures.write_bytes(good.replace(b"2024-25,44000,about", b"2024-25,forty thousand,about", 1))
    refused = book.run("build", succeeds=False)
    assert "Staged the book" not in refused  # refused before anything was staged
    assert re.search(r"figures\.csv, row 2, column value: .*'forty thousand'", refused), refused
    figures.write_bytes(good)
    assert book.build() == {} and "Up to date" in book.output

    # A sentence in a section's notebook: that page, and provenance. (The methods page counts the
    # measures each section shows, which the build reads from the notebooks' code: those are the same.)
    book.edit_notebook("03_family_help", "A sentence added to the family help page.")
    executed = book.build(python_options=("-X", "importtime"))
    assert_no_pandas(book.output)  # (the pages have it from the kernel server)
    assert set(executed) == {"03_family_help"} | MANIFEST_READER
    assert executed["03_family_help"] == "the notebook changed"
    assert "A sentence added to the family help page." in book.page("notebooks/03_family_help.html")

    # The changelog, read by the changes page only.
    book.replace_in("CHANGELOG.md", "## 2024-25 — first edition\n",
                    "## 2024-25 — first edition\n\n- A change of method recorded for this test.\n")
    executed = book.build()
    assert set(executed) == {"91_changes"} | MANIFEST_READER
    assert executed["91_changes"] == f"{book.project / 'CHANGELOG.md'} changed"
    assert "A change of method recorded for this test." in book.page("notebooks/91_changes.html")

    # A partnership data file, read by the reconciliation page; the data log shows every input's hash.
    book.replace_in("data/partnerships/camden/reconciliation.csv", "a narrower measure.",
                    "a narrower measure than the report's.")
    executed = book.build()
    assert set(executed) == {"13_reconciliation", "data_log"} | MANIFEST_READER
    assert "a narrower measure than the report" in book.page("notebooks/13_reconciliation.html")

    # A national file written again with the same bytes: nothing it says has changed.
    neighbours = book.project / "data" / "national" / "statistical_neighbours.csv"
    neighbours.write_bytes(neighbours.read_bytes())
    assert book.build() == {} and "Up to date" in book.output

    # A module of the package, imported by the changes page only.
    book.replace_in("src/analysis/pages/changes.py", '"""The', '"""For this test. The')
    executed = book.build()
    assert set(executed) == {"91_changes"} | MANIFEST_READER
    assert executed["91_changes"] == "the code of analysis.pages.changes changed"

    # A damaged cache: an executed notebook cut short, and another's record unreadable.
    executed_copy = book.stage / "notebooks" / "12_priorities.ipynb"
    executed_copy.write_bytes(executed_copy.read_bytes()[:100])
    (book.stage / "_cache" / "notebooks" / "11_inspection.ipynb.json").write_text("{", encoding="utf-8")
    executed = book.build()
    assert set(executed) == {"12_priorities", "11_inspection"} | MANIFEST_READER
    assert executed["12_priorities"] == "its executed copy is missing or was changed since it was written"

    # A page left out of the book: the pages that list the edition's pages; the page and its
    # downloads are no longer published.
    book.replace_in("_toc.yml", "      - file: notebooks/11_inspection\n", "")
    assert set(book.build()) == FACTS_READERS | MANIFEST_READER
    assert not (book.published / "notebooks" / "11_inspection.html").exists()
    assert not list((book.published / "_downloads").rglob("11_inspection*"))
    assert list((book.published / "_downloads").rglob("12_priorities*"))

    # Another left out by a build killed once it had staged the book: the next build publishes the
    # book without it, as a build from nothing would.
    book.replace_in("_toc.yml", "      - file: notebooks/12_priorities\n", "")
    book.build_killed_after("Staged the book")
    assert (book.published / "notebooks" / "12_priorities.html").exists()  # nothing was published
    executed = book.build()
    # (Any the killed build had executed before it was killed is not executed again.)
    assert MANIFEST_READER <= set(executed) <= FACTS_READERS | MANIFEST_READER
    assert not (book.published / "notebooks" / "12_priorities.html").exists()
    assert not list((book.published / "_downloads").rglob("12_priorities*"))

    # What was published after all these rebuilds is what a build from nothing publishes.
    report = book.run("verify")
    assert "The rebuild is identical to the published edition" in report, report
