"""Staging: a copy of the book for one edition, with its configuration and pages.

Papermill never writes into ``notebooks/``: the executed copies go into the stage,
``<stage root>/<area>/<year>/``, which Jupyter Book then builds with execution off.

The stage is kept from one build to the next and brought up to date in place: a file whose
contents are the same keeps its time, so Jupyter Book (Sphinx) reads again only the pages that
changed, and the executed notebooks, their side files and the cache of what they read
(analysis.build.cache) stay for the next build to reuse.
"""
from __future__ import annotations

import html
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from analysis.build.edition_kind import notebook_for_edition, shown_in, toc_for_edition
from analysis.build.failures import NotebookFailure
from analysis.files import sha256_file
from analysis.vocabulary import ANNUAL_REPORT

KERNEL_NAME = "python3"
STAGE_DATA_FOLDER = "_data"  # notebooks' side files: <stage>/_data/<notebook stem>/
STAGE_JUPYTER_FOLDER = "_jupyter"  # the kernelspec the build installs for the stage
# Each notebook as this kind of edition shows it (analysis.build.edition_kind), which
# Papermill executes into the stage: <stage>/_edition_notebooks/<notebook path>.
STAGE_SOURCES_FOLDER = "_edition_notebooks"
PAGE_SUFFIXES = (".ipynb", ".md")
# What the build, not the staging, puts in the stage: kept when the stage is brought up to date.
BUILD_MADE = ("_build", "_cache", STAGE_DATA_FOLDER, STAGE_JUPYTER_FOLDER, "manifest.json", "edition.json", "inputs.json",
              "jupyter-book-build.log")


def _toc_entries(node: Any, found: list[str], problems: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root") and isinstance(value, str):
                found.append(value)
            elif key == "glob":
                problems.append(f"_toc.yml: 'glob: {value}' entries are not supported; list each file")
            else:
                _toc_entries(value, found, problems)
    elif isinstance(node, list):
        for item in node:
            _toc_entries(item, found, problems)


def toc_files(toc_path: Path) -> tuple[list[str], list[str]]:
    """Entries of a Jupyter Book table of contents, in book order, and any problems."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8")) or {}
    found: list[str] = []
    problems: list[str] = []
    _toc_entries(toc, found, problems)
    unique = list(dict.fromkeys(found))
    return unique, problems


def resolve_page(book_root: Path, entry: str) -> Path | None:
    """The source file for a toc entry (``notebooks/01_context`` → ``.../01_context.ipynb``)."""
    base = book_root / entry
    if base.suffix in PAGE_SUFFIXES and base.is_file():
        return base
    for suffix in PAGE_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def parameter_cell_count(notebook_path: Path) -> int:
    with open(notebook_path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    return sum(
        1
        for cell in notebook.get("cells", [])
        if "parameters" in (cell.get("metadata", {}).get("tags") or [])
    )


def _stage_config(source: Path, target: Path, title: str) -> None:
    config = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    # The edition's title names the area and the year: it is the browser title of every page
    # and the sidebar's book title, and it replaces the generic author in the footer (the
    # theme would print "By Safeguarding children partnership" on every page; the author is
    # left empty, not out, or Jupyter Book puts in its own).
    config["title"] = title
    config["author"] = ""
    html_options = config["html"] = config.get("html") or {}
    html_options["extra_footer"] = f'<p class="component-author">{html.escape(title)}</p>'
    # The runner executes the notebooks; Jupyter Book must never do it again.
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    excluded = list(config.get("exclude_patterns") or [])
    for pattern in ("_build", f"{STAGE_DATA_FOLDER}/**", f"{STAGE_JUPYTER_FOLDER}/**", "**.ipynb_checkpoints"):
        if pattern not in excluded:
            excluded.append(pattern)
    config["exclude_patterns"] = excluded
    header = (
        "# Staged copy written by analysis.build.stage for one edition: edit the project's\n"
        "# _config.yml, not this file.\n"
    )
    target.write_text(
        header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )


def _extra_files(config: dict) -> list[str]:
    """Files the configuration refers to that the build needs besides the pages."""
    extras = []
    if config.get("logo"):
        extras.append(config["logo"])
    favicon = (config.get("html") or {}).get("favicon")
    if favicon:
        extras.append(favicon)
    extras.extend(config.get("bibtex_bibfiles") or [])
    # Folders of CSS/JS named in sphinx.config.html_static_path (the root _static/ is copied anyway).
    static = ((config.get("sphinx") or {}).get("config") or {}).get("html_static_path") or []
    extras.extend(folder for folder in static if isinstance(folder, str) and folder != "_static")
    return extras


# The kernel's environment, besides the build's. PYTHONHASHSEED: the same set/str-hash order in
# every build (reproducible outputs); the kernel server is started with it too, as its kernels
# are copies of it (analysis.build.kernel_server).
KERNEL_ENVIRONMENT = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONHASHSEED": "0"}
KERNEL_SERVER_SCRIPT = Path(__file__).resolve().parent / "kernel_server.py"
# Where a kernel stub finds the build's kernel server (set in each notebook worker).
SERVER_VARIABLE = "ANALYSIS_KERNEL_SERVER"


def install_kernelspec(jupyter_dir: Path, python: str = sys.executable, warm: bool = True) -> Path:
    """Write a ``python3`` kernelspec that runs ``python`` (this venv's interpreter).

    The runner puts ``jupyter_dir`` first on JUPYTER_PATH for the execution
    processes, so this spec wins over any user-level or system ``python3``
    spec: the notebooks always run in the same environment as the runner.
    ``warm``: the kernel is asked of the build's kernel server, when there is one
    (analysis.build.kernel_server); otherwise, or with ``warm=False``, it starts from nothing.
    """
    spec_dir = Path(jupyter_dir) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    launcher = [str(KERNEL_SERVER_SCRIPT), "kernel"] if warm else ["-m", "ipykernel_launcher"]
    spec = {
        # log_level=CRITICAL: keep the kernel application's own messages off the terminal: its
        # start-up chatter, and the "KeyboardInterrupt caught in kernel" it logs as an ERROR when
        # a finished kernel is shut down, which made every good build look as if it had failed.
        # A notebook's errors still stop the build: the runner reports them from the cells.
        # exec_lines: before the notebook's first cell, start recording what it reads, when the
        # build asks for it (analysis.build.reads), so a rebuild knows whether it must run again.
        "argv": [python, *launcher, "-f", "{connection_file}",
                 "--IPKernelApp.log_level=CRITICAL", "--IPKernelApp.exec_lines=import analysis.build.reads"],
        "display_name": "Python 3 (analysis)",
        "language": "python",
        "env": dict(KERNEL_ENVIRONMENT),
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return spec_dir


@dataclass
class Stage:
    stage_dir: Path
    notebooks: list[tuple[str, Path]]  # (path relative to the book root, source path)
    problems: list[NotebookFailure]
    changed: list[str] = field(default_factory=list)  # staged files added, changed or removed
    files: dict[str, str] = field(default_factory=dict)  # every staged file's SHA-256, by path in the stage


def _same_file(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def sync_stage(fresh: Path, stage_dir: Path, executed: set[str]) -> list[str]:
    """Make ``stage_dir`` hold the staged files of ``fresh``, copying only those that differ and
    removing staged files no longer wanted; what the build made (BUILD_MADE, and the executed
    notebooks named in ``executed``) is kept, except the side files of notebooks no longer in
    the edition. Return the paths changed, relative to the stage. (``executed`` may name other
    files the build wrote, to keep.)"""
    changed = []
    wanted = {path.relative_to(fresh).as_posix() for path in fresh.rglob("*") if path.is_file()}
    for relative in sorted(wanted):
        source, target = fresh / relative, stage_dir / relative
        if target.is_file() and _same_file(source, target):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        changed.append(relative)
    stems = {Path(relative).stem for relative in executed}
    for path in sorted(stage_dir.rglob("*"), reverse=True):
        relative = path.relative_to(stage_dir).as_posix()
        top = relative.split("/")[0]
        if relative in wanted or relative in executed:
            continue
        if top == STAGE_DATA_FOLDER and relative.count("/") == 1 and path.name not in stems and path.is_dir():
            shutil.rmtree(path)  # the side files of a page this edition no longer has
            changed.append(relative)
        elif top in BUILD_MADE:
            continue
        elif path.is_file() or path.is_symlink():
            path.unlink()
            changed.append(relative)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def stage_book(book_root: Path, stage_dir: Path, title_for: Callable[[str], str],
               kind: str = ANNUAL_REPORT, sections_not_reported: frozenset[str] = frozenset(),
               written: set[str] = frozenset()) -> Stage:
    """Bring the stage up to date for one kind of edition: configuration, toc (without the pages
    this kind does not show, nor the section notebooks named in ``sections_not_reported``, by
    stem), Markdown pages; each notebook as this kind shows it, to execute. The files are staged
    in a fresh folder beside the stage first, then copied in where they differ (sync_stage);
    ``written``: files the notebooks wrote, by path in the stage, which are kept."""
    fresh = stage_dir.with_name(f".{stage_dir.name}.staging")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    try:
        staged = _stage_into(book_root, fresh, title_for, kind, sections_not_reported)
        stage_dir.mkdir(parents=True, exist_ok=True)
        executed = {relative for relative, _ in staged.notebooks}
        changed = sync_stage(fresh, stage_dir, executed | set(written))
        files = {path.relative_to(fresh).as_posix(): sha256_file(path) for path in sorted(fresh.rglob("*"))
                 if path.is_file()}
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    notebooks = [(relative, stage_dir / source.relative_to(fresh)) for relative, source in staged.notebooks]
    return Stage(stage_dir, notebooks, staged.problems, changed, files)


def _stage_into(book_root: Path, stage_dir: Path, title_for: Callable[[str], str],
                kind: str, sections_not_reported: frozenset[str]) -> Stage:
    config_path = book_root / "_config.yml"
    toc_path = book_root / "_toc.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    _stage_config(config_path, stage_dir / "_config.yml", title_for(str(config.get("title") or "")))

    entries, toc_problems = toc_files(toc_path)
    left_out: set[str] = set()
    problems = [NotebookFailure("_toc.yml", "TocError", text) for text in toc_problems]
    notebooks: list[tuple[str, Path]] = []
    for entry in entries:
        source = resolve_page(book_root, entry)
        if source is None:
            problems.append(NotebookFailure(
                entry, "FileNotFoundError",
                f"_toc.yml lists {entry!r} but there is no {entry}.ipynb or {entry}.md in {book_root}",
            ))
            continue
        relative = source.relative_to(book_root).as_posix()
        if source.suffix == ".ipynb":
            count = parameter_cell_count(source)
            if count != 1:
                problems.append(NotebookFailure(
                    relative, "ParameterCellError",
                    f"the notebook has {count} cells tagged 'parameters'; it needs exactly one",
                ))
                continue
            notebook = json.loads(source.read_text(encoding="utf-8"))
            if not shown_in(notebook, kind) or source.stem in sections_not_reported:
                left_out.add(entry)
                continue
            edition_source = stage_dir / STAGE_SOURCES_FOLDER / relative
            edition_source.parent.mkdir(parents=True, exist_ok=True)
            edition_source.write_text(json.dumps(notebook_for_edition(notebook, kind), indent=1, ensure_ascii=False)
                                      + "\n", encoding="utf-8")
            notebooks.append((relative, edition_source))
        else:
            target = stage_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for extra in _extra_files(config):
        source = book_root / extra
        if source.is_file():
            target = stage_dir / extra
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif source.is_dir():
            shutil.copytree(source, stage_dir / extra, dirs_exist_ok=True)
    if (book_root / "_static").is_dir():
        shutil.copytree(book_root / "_static", stage_dir / "_static")
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    (stage_dir / "_toc.yml").write_text(yaml.safe_dump(toc_for_edition(toc, left_out), sort_keys=False),
                                        encoding="utf-8")
    return Stage(stage_dir, notebooks, problems)
