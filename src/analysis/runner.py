"""Build one edition of the book: check, stage, execute, record, build, publish.

``build_edition(year, area_code)`` runs the whole pipeline:

1. check the parameters (nothing is touched when they are wrong);
2. stage a fresh copy of the book in ``stage_root/<area_code>/<year>/``;
3. execute every notebook the table of contents lists with Papermill, in
   separate processes, into the stage (the templates in ``notebooks/`` are
   never written to), collecting every failure;
4. write the run manifest (``manifest.json``) into the stage;
5. build the HTML with Jupyter Book (``-W -n --keep-going``);
6. publish the HTML into ``site_dir/<area_code>/<year>/`` by swapping folders,
   so a failed run never leaves a half-built edition over a good one;
7. regenerate the site index.

Heavy imports (papermill) happen inside the worker processes only, so the
command line starts quickly.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

from analysis import manifest as run_manifest
from analysis import areas, assurance, site
from analysis.params import ParameterError, ReportYear
from analysis.paths import PROJECT_ROOT, SITE_DIR, STAGE_DIR

KERNEL_NAME = "python3"
STAGE_DATA_FOLDER = "_data"  # notebooks' side files: <stage>/_data/<notebook stem>/
STAGE_JUPYTER_FOLDER = "_jupyter"  # the kernelspec the runner installs for the stage
BUILD_LOG_NAME = "jupyter-book-build.log"
PAGE_SUFFIXES = (".ipynb", ".md")
_AREA_PATTERN = re.compile(r"^E\d{8}$")
# Papermill marks the cells it adds to a failed notebook with this tag.
_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"

Progress = Callable[[str], None]


class BuildFailed(RuntimeError):
    """The edition could not be built; the message says what failed and where to look."""

    def __init__(self, message: str, *, failures: list["NotebookFailure"] | None = None,
                 stage_dir: Path | None = None, log_path: Path | None = None):
        super().__init__(message)
        self.failures = list(failures or [])
        self.stage_dir = stage_dir
        self.log_path = log_path


@dataclass(frozen=True)
class NotebookFailure:
    """One notebook (or page) that could not be prepared or executed."""

    notebook: str  # path relative to the book root, e.g. notebooks/04_child_protection.ipynb
    ename: str
    evalue: str
    cell_number: int | None = None  # 1-based position in the source notebook
    cell_index: int | None = None  # 0-based index in the source notebook
    execution_count: int | None = None  # "In [n]" in the executed copy
    cell_count: int | None = None
    first_line: str | None = None  # first line of the failing cell's code
    executed_copy: Path | None = None

    def describe(self) -> str:
        where = self.notebook
        if self.cell_index is not None:
            of = f" of {self.cell_count}" if self.cell_count else ""
            where += (
                f", cell {self.cell_number}{of} (index {self.cell_index}; "
                f"execution count In [{self.execution_count}])"
            )
        message = self.evalue.strip()
        text = f"{where}: {self.ename}" + (f": {message}" if message else "")
        text = text.replace("\n", "\n      ")
        if self.first_line:
            text += f"\n      cell begins: {self.first_line}"
        if self.executed_copy:
            text += f"\n      executed copy: {self.executed_copy}"
        return text


@dataclass
class BuildResult:
    year: str
    area_code: str
    html_dir: Path  # the published edition: site_dir/<area_code>/<year>
    stage_dir: Path
    manifest_path: Path  # the published copy of manifest.json
    site_index: Path
    log_path: Path
    durations: dict[str, float] = field(default_factory=dict)  # seconds per notebook
    html_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def index_html(self) -> Path:
        return self.html_dir / "index.html"


# --------------------------------------------------------------------------
# Hooks that can be replaced (look-ups happen at call time, so assigning
# analysis.runner.check_area = my_check works, as does monkeypatching in tests).
# --------------------------------------------------------------------------


def check_area(area_code: str) -> None:
    """Extra check of an area code already known to be E + 8 digits: it must be a
    local authority in the national statistics extract."""
    areas.check_area(area_code)


def lookup_area_name(area_code: str) -> str | None:
    """Name of the area for the manifest and the site index (None = unknown: the code is shown)."""
    return areas.area_name(area_code)


def default_edition_title(*, title: str, year: str, area_code: str, area_name: str | None) -> str:
    return f"{title} — {year}"


def validate_inputs(year: str, area_code: str, data_dir: Path | None, progress: Progress) -> None:
    """Check the edition's input files (analysis.validation) before anything is staged:
    print the warnings, raise InputError listing every error."""
    from analysis.validation import validate_for_build

    report = validate_for_build(year, area_code, data_dir)
    if report is None:
        return
    for warning in report.warnings:
        progress(f"warning: {warning}")
    report.raise_for_errors()
    progress(f"Checked the input files: no errors, {len(report.warnings)} warning"
             f"{'s' if len(report.warnings) != 1 else ''}")


def stamp_editions(site_dir: Path, area_code: str) -> None:
    """After every publish: mark each page of every edition of the area with its edition,
    version stamp, edition switcher and, on older editions, a banner to the latest."""
    from analysis import editions

    editions.stamp_area(site_dir, area_code)


def check_publishable(html_dir: Path, manifest_path: Path, stage_dir: Path, label: str) -> None:
    """Before publishing: scan everything that would be published for record-level data
    about children (analysis.privacy); raise BuildFailed naming each file and line."""
    from analysis import privacy

    findings = privacy.scan_edition(html_dir, stage_dir=stage_dir, extra_files=[manifest_path])
    if findings:
        raise BuildFailed(privacy.failure_message(findings, label)
                          + f"\nThe built HTML is kept for inspection in {html_dir}", stage_dir=stage_dir)


# --------------------------------------------------------------------------
# 1. Parameters
# --------------------------------------------------------------------------


def validate_area_code(area_code: str) -> str:
    text = str(area_code).strip()
    if not _AREA_PATTERN.match(text):
        raise ParameterError(
            f"area code {area_code!r} is not in the form E followed by 8 digits, "
            "for example E09000007"
        )
    return text


def validate_data_dir(data_dir: Path | str | None, year: str,
                      data_roots: Sequence[Path | str] = ()) -> Path | None:
    """The data folder, resolved; it must exist and lie inside the project.

    An edition is reproducible only from data the project keeps (under version control,
    hashed into the manifest), so a folder outside the project is refused. ``data_roots``
    names further folders that are allowed on purpose: the tests pass the temporary
    folders they create (``build_edition(..., data_roots=[tmp_path])``); the command line
    has ``--allow-data-outside-project`` for a deliberate one-off.
    """
    if data_dir is None or str(data_dir) == "":
        return None
    path = Path(data_dir).expanduser().resolve()
    if not path.exists():
        raise ParameterError(
            f"data folder {path} does not exist; give an existing folder that holds "
            f"reference/, partnership/{year}/ and national/"
        )
    if not path.is_dir():
        raise ParameterError(f"data folder {path} is a file, not a folder")
    allowed = [PROJECT_ROOT.resolve()] + [Path(root).expanduser().resolve() for root in data_roots]
    if not any(path == root or root in path.parents for root in allowed):
        raise ParameterError(
            f"data folder {path} is outside the project ({PROJECT_ROOT}): an edition is built only from "
            "data kept in the project, so that it can be reproduced; copy the folder into the project "
            "(for example under data/) or leave out --data-dir to use data/"
        )
    return path


def check_parameters(year: str, area_code: str, data_dir: Path | str | None, jobs: int,
                     data_roots: Sequence[Path | str] = ()) -> tuple[str, str, Path | None, int]:
    """Check every parameter before anything is touched; return them normalised."""
    label = ReportYear.parse(year).label
    area = validate_area_code(area_code)
    check_area(area)
    folder = validate_data_dir(data_dir, label, data_roots)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    return label, area, folder, jobs


# --------------------------------------------------------------------------
# 2. Staging
# --------------------------------------------------------------------------


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
    config["title"] = title
    # The runner executes the notebooks; Jupyter Book must never do it again.
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    excluded = list(config.get("exclude_patterns") or [])
    for pattern in ("_build", f"{STAGE_DATA_FOLDER}/**", f"{STAGE_JUPYTER_FOLDER}/**", "**.ipynb_checkpoints"):
        if pattern not in excluded:
            excluded.append(pattern)
    config["exclude_patterns"] = excluded
    header = (
        "# Staged copy written by analysis.runner for one edition: edit the project's\n"
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


def install_kernelspec(jupyter_dir: Path, python: str = sys.executable) -> Path:
    """Write a ``python3`` kernelspec that runs ``python`` (this venv's interpreter).

    The runner puts ``jupyter_dir`` first on JUPYTER_PATH for the execution
    processes, so this spec wins over any user-level or system ``python3``
    spec: the notebooks always run in the same environment as the runner.
    """
    spec_dir = Path(jupyter_dir) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        # log_level=ERROR: keep the kernel application's start-up chatter (such as
        # ipykernel's note about local TCP) off the terminal; notebook output is unaffected.
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python 3 (analysis)",
        "language": "python",
        # PYTHONHASHSEED: the same set/str-hash order in every build (reproducible outputs).
        "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONHASHSEED": "0"},
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return spec_dir


@dataclass
class _Stage:
    stage_dir: Path
    notebooks: list[tuple[str, Path]]  # (path relative to the book root, source path)
    problems: list[NotebookFailure]


def stage_book(book_root: Path, stage_dir: Path, title_for: Callable[[str], str]) -> _Stage:
    """Make a fresh stage: configuration, toc, Markdown pages; list the notebooks."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True)
    config_path = book_root / "_config.yml"
    toc_path = book_root / "_toc.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    _stage_config(config_path, stage_dir / "_config.yml", title_for(str(config.get("title") or "")))
    shutil.copy2(toc_path, stage_dir / "_toc.yml")

    entries, toc_problems = toc_files(toc_path)
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
            notebooks.append((relative, source))
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
    return _Stage(stage_dir, notebooks, problems)


# --------------------------------------------------------------------------
# 3. Execution (each notebook in its own worker process, one kernel each)
# --------------------------------------------------------------------------


def _init_worker(jupyter_dir: str) -> None:
    existing = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = jupyter_dir + (os.pathsep + existing if existing else "")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def _source_cell(output_path: Path, source_path: Path, cell_index: int) -> tuple[int | None, int | None, str | None]:
    """Map papermill's cell index (in the executed notebook, which has the injected
    parameters cell) to the index in the source notebook; also its first line."""
    try:
        with open(output_path, encoding="utf-8") as handle:
            executed = json.load(handle)
        with open(source_path, encoding="utf-8") as handle:
            source = json.load(handle)
    except (OSError, ValueError):
        return None, None, None
    cells = [
        cell for cell in executed.get("cells", [])
        if _PAPERMILL_ERROR_TAG not in (cell.get("metadata", {}).get("tags") or [])
    ]
    if not 0 <= cell_index < len(cells):
        return None, len(source.get("cells", [])), None
    failing = cells[cell_index]
    text = failing.get("source", "")
    text = "".join(text) if isinstance(text, list) else text
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), None)
    source_cells = source.get("cells", [])
    index = None
    cell_id = failing.get("id")
    if cell_id:
        index = next((i for i, cell in enumerate(source_cells) if cell.get("id") == cell_id), None)
    if index is None:
        injected = next(
            (i for i, cell in enumerate(cells)
             if "injected-parameters" in (cell.get("metadata", {}).get("tags") or [])),
            None,
        )
        index = cell_index - 1 if injected is not None and injected < cell_index else cell_index
    return index, len(source_cells), first_line


def hide_injected_parameters(notebook_path: Path) -> None:
    """Put Papermill's injected parameters cell behind the same toggle as other code."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags") or []
        if "injected-parameters" in tags and "hide-input" not in tags:
            cell["metadata"]["tags"] = tags + ["hide-input"]
    notebook_path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def execute_notebook(task: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook with Papermill (in a worker process). Never raises:
    returns a plain dict (picklable) with ``ok``, ``seconds`` and error details."""
    started = time.perf_counter()
    result: dict[str, Any] = {"notebook": task["notebook"], "ok": False}
    try:
        import papermill

        for attempt in (1, 2):
            try:
                papermill.execute_notebook(
                    task["input"],
                    task["output"],
                    parameters=task["parameters"],
                    kernel_name=KERNEL_NAME,
                    progress_bar=False,
                    cwd=task["cwd"],
                    start_timeout=task.get("start_timeout", 120),
                    execution_timeout=task.get("cell_timeout"),
                )
                break
            except RuntimeError as error:
                # A kernel that dies while starting (e.g. on a heavily loaded machine) ran none of
                # the notebook's code, so starting it once more is safe; any other error is reported.
                if attempt == 2 or "Kernel died before replying to kernel_info" not in str(error):
                    raise
        hide_injected_parameters(Path(task["output"]))
        from analysis import reproduce  # nothing in the executed copy may depend on the stage folder

        reproduce.normalise_executed_notebook(Path(task["output"]), task["notebook"])
        result["ok"] = True
    except Exception as error:  # noqa: BLE001 - every failure is reported, none raised
        result["ename"] = type(error).__name__
        result["evalue"] = str(error)
        if type(error).__name__ == "PapermillExecutionError" and hasattr(error, "cell_index"):
            result["ename"] = error.ename
            result["evalue"] = error.evalue
            result["execution_count"] = error.exec_count
            index, count, first = _source_cell(Path(task["output"]), Path(task["input"]), error.cell_index)
            result.update(cell_index=index, cell_count=count, first_line=first)
    result["seconds"] = time.perf_counter() - started
    return result


def _format_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def run_notebooks(
    tasks: list[dict[str, Any]], jobs: int, jupyter_dir: Path, progress: Progress
) -> tuple[dict[str, float], list[NotebookFailure]]:
    """Execute the tasks ``jobs`` at a time; return seconds per notebook and the failures."""
    durations: dict[str, float] = {}
    failures: dict[str, NotebookFailure] = {}
    total = len(tasks)
    if not tasks:
        return durations, []
    by_name = {task["notebook"]: task for task in tasks}
    done = 0
    executor = ProcessPoolExecutor(
        max_workers=min(jobs, total),
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(jupyter_dir),),
    )
    try:
        futures = {executor.submit(execute_notebook, task): task["notebook"] for task in tasks}
        for future in as_completed(futures):
            name = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool as error:
                result = {"notebook": name, "ok": False, "seconds": 0.0,
                          "ename": "BrokenProcessPool", "evalue": f"the worker process died: {error}"}
            except Exception as error:  # noqa: BLE001
                result = {"notebook": name, "ok": False, "seconds": 0.0,
                          "ename": type(error).__name__, "evalue": str(error)}
            done += 1
            durations[name] = result["seconds"]
            stem = Path(name).stem
            mark = "✓" if result["ok"] else "✗"
            progress(f"[{done}/{total}] {stem} {mark} {_format_seconds(result['seconds'])}")
            if not result["ok"]:
                index = result.get("cell_index")
                failures[name] = NotebookFailure(
                    notebook=name,
                    ename=result.get("ename") or "Error",
                    evalue=result.get("evalue") or "",
                    cell_number=None if index is None else index + 1,
                    cell_index=index,
                    execution_count=result.get("execution_count"),
                    cell_count=result.get("cell_count"),
                    first_line=result.get("first_line"),
                    executed_copy=Path(by_name[name]["output"]) if Path(by_name[name]["output"]).exists() else None,
                )
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    order = [task["notebook"] for task in tasks]
    ordered_failures = [failures[name] for name in order if name in failures]
    return {name: durations[name] for name in order if name in durations}, ordered_failures


# --------------------------------------------------------------------------
# 5. HTML
# --------------------------------------------------------------------------


def jupyter_book_command(stage_dir: Path, builder: str = "html") -> list[str]:
    """``jupyter-book build`` run by this interpreter (so by this venv), warnings as errors."""
    launcher = (
        "import sys; from jupyter_book.cli.main import main; "
        "sys.argv[0] = 'jupyter-book'; sys.exit(main())"
    )
    return [sys.executable, "-c", launcher, "build", str(stage_dir),
            "--builder", builder, "-W", "-n", "--keep-going"]


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _problem_lines(log_text: str, limit: int = 60) -> list[str]:
    lines = [line.rstrip() for line in log_text.splitlines()
             if "WARNING" in line or "ERROR" in line or "Error:" in line]
    unique = list(dict.fromkeys(lines))
    if len(unique) > limit:
        unique = unique[:limit] + [f"... and {len(unique) - limit} more lines"]
    return unique


def build_html(stage_dir: Path, log_path: Path) -> Path:
    """Build the staged book; return the html folder or raise BuildFailed."""
    command = jupyter_book_command(stage_dir)
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
    html_dir = stage_dir / "_build" / "html"
    if completed.returncode != 0 or not (html_dir / "index.html").is_file():
        lines = _problem_lines(text) or text.splitlines()[-20:]
        raise BuildFailed(
            f"Jupyter Book could not build the HTML (exit code {completed.returncode}); "
            "nothing was published.\n"
            + "\n".join(f"  {line}" for line in lines)
            + f"\nFull log: {log_path}",
            stage_dir=stage_dir,
            log_path=log_path,
        )
    return html_dir


# --------------------------------------------------------------------------
# 6. Publish
# --------------------------------------------------------------------------


def publish(html_dir: Path, manifest_path: Path, site_dir: Path, area_code: str, year: str) -> Path:
    """Replace ``site_dir/<area_code>/<year>`` with the new build by renaming folders.

    The new edition is copied in full into a hidden folder inside site_dir
    first (same file system, so the renames are atomic); only then is the old
    edition renamed away and the new one renamed into place, after which the
    old one is deleted. If the copy fails, the site is left as it was.
    """
    site_dir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    incoming = site_dir / f".incoming-{area_code}-{year}-{token}"
    outgoing = site_dir / f".outgoing-{area_code}-{year}-{token}"
    target = site_dir / area_code / year
    try:
        shutil.copytree(html_dir, incoming)
        shutil.copy2(manifest_path, incoming / run_manifest.MANIFEST_NAME)
        target.parent.mkdir(parents=True, exist_ok=True)
        had_old = target.exists()
        if had_old:
            os.rename(target, outgoing)
        try:
            os.rename(incoming, target)
        except BaseException:
            if had_old:
                os.rename(outgoing, target)
            raise
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    shutil.rmtree(outgoing, ignore_errors=True)
    return target


# --------------------------------------------------------------------------
# The whole pipeline
# --------------------------------------------------------------------------


def _stage_is_safe(stage_dir: Path, book_root: Path) -> bool:
    """The stage must not be (inside) the templates folder or contain the book."""
    notebooks = (book_root / "notebooks").resolve()
    stage = stage_dir.resolve()
    return not (stage == notebooks or notebooks in stage.parents or stage in book_root.resolve().parents
                or stage == book_root.resolve())


def _default_progress(message: str) -> None:
    try:
        print(message, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        print(message.encode(encoding, errors="replace").decode(encoding), flush=True)


def build_edition(
    year: str,
    area_code: str,
    data_dir: Path | str | None = None,
    jobs: int = 2,
    book_root: Path = PROJECT_ROOT,
    stage_root: Path = STAGE_DIR,
    site_dir: Path = SITE_DIR,
    progress: Progress | None = print,
    *,
    edition_title: Callable[..., str] | None = None,
    extra_parameters: dict[str, Any] | None = None,
    cell_timeout: int | None = 600,
    data_roots: Sequence[Path | str] = (),
) -> BuildResult:
    """Build and publish one edition; raise ParameterError or BuildFailed.

    ``data_dir``: folder with reference/, partnership/<year>/, national/ (None:
    the project's data/; notebooks then get ``data_dir=""``). ``jobs``: how many
    notebooks run at once. ``edition_title(title=, year=, area_code=,
    area_name=)`` makes the staged book's title. ``extra_parameters`` are
    passed to every notebook besides the standard four. ``cell_timeout``:
    seconds a cell may run before the build fails (None: no limit; the default stops a
    hung notebook from holding the build for ever). ``data_roots``: folders outside the project
    a ``data_dir`` may lie in (see validate_data_dir).

    The input files are validated (analysis.validation) before anything is staged: an
    InputError listing every problem stops the build with the site untouched.
    """
    if progress is None:
        progress = lambda message: None  # noqa: E731
    elif progress is print:
        progress = _default_progress
    clock = time.perf_counter()
    build_started = run_manifest.utc_now_iso()

    # 1. Parameters: nothing is touched until they are all acceptable.
    year, area_code, data_folder, jobs = check_parameters(year, area_code, data_dir, jobs, data_roots)
    book_root = Path(book_root).resolve()
    stage_root = Path(stage_root).resolve()
    site_dir = Path(site_dir).resolve()
    for required in ("_config.yml", "_toc.yml"):
        if not (book_root / required).is_file():
            raise BuildFailed(f"{book_root} has no {required}: it is not a Jupyter Book folder")
    stage_dir = stage_root / area_code / year
    if not _stage_is_safe(stage_dir, book_root) or stage_dir == site_dir or stage_dir in site_dir.parents:
        raise BuildFailed(
            f"refusing to stage into {stage_dir}: it overlaps the book's sources or the site folder"
        )
    area_name = lookup_area_name(area_code)
    progress(f"Edition {year} for area {area_code}" + (f" ({area_name})" if area_name else ""))
    validate_inputs(year, area_code, data_folder, progress)

    inputs = run_manifest.hash_inputs(data_folder or _default_data_dir(), year)

    # 2. Stage.
    make_title = edition_title or default_edition_title
    staged = stage_book(
        book_root,
        stage_dir,
        lambda title: make_title(title=title, year=year, area_code=area_code, area_name=area_name),
    )
    jupyter_dir = stage_dir / STAGE_JUPYTER_FOLDER
    install_kernelspec(jupyter_dir)
    progress(f"Staged the book in {stage_dir}")

    # 3. Execute.
    tasks = []
    for relative, source in staged.notebooks:
        output = stage_dir / relative
        output.parent.mkdir(parents=True, exist_ok=True)
        side_files = stage_dir / STAGE_DATA_FOLDER / source.stem
        side_files.mkdir(parents=True, exist_ok=True)
        parameters = {
            "year": year,
            "area_code": area_code,
            "data_dir": str(data_folder) if data_folder else "",
            # Relative to the notebook's working directory (cwd below), so the executed
            # notebook is the same whichever folder the edition is staged in.
            "output_dir": Path(os.path.relpath(side_files, output.parent)).as_posix(),
            **(extra_parameters or {}),
        }
        tasks.append({
            "notebook": relative, "input": str(source), "output": str(output),
            "cwd": str(output.parent), "parameters": parameters, "cell_timeout": cell_timeout,
        })
    progress(f"Executing {len(tasks)} notebook{'s' if len(tasks) != 1 else ''}, "
             f"{min(jobs, max(len(tasks), 1))} at a time")
    durations, failures = run_notebooks(tasks, jobs, jupyter_dir, progress)
    failures = staged.problems + failures
    if failures:
        count = len(failures)
        lines = [f"{count} problem{'s' if count != 1 else ''} stopped the build of {area_code} "
                 f"{year}; nothing was published:"]
        lines += [f"  - {failure.describe()}" for failure in failures]
        lines.append(f"The executed notebooks are kept for inspection in {stage_dir}")
        raise BuildFailed("\n".join(lines), failures=failures, stage_dir=stage_dir)

    # 4. Manifest.
    parameters = {"year": year, "area_code": area_code, "area_name": area_name,
                  "data_dir": str(data_folder) if data_folder else "", "jobs": jobs}
    if extra_parameters:
        parameters["extra"] = dict(extra_parameters)
    config = yaml.safe_load((stage_dir / "_config.yml").read_text(encoding="utf-8")) or {}
    manifest = run_manifest.create_manifest(
        parameters=parameters,
        inputs=inputs,
        repo_root=book_root,
        build_started=build_started,
        notebook_seconds=durations,
        extra={"title": config.get("title"),
               "notebooks": [relative for relative, _ in staged.notebooks]},
    )
    manifest_path = run_manifest.write_manifest(manifest, stage_dir / run_manifest.MANIFEST_NAME)
    progress(f"Wrote the run manifest {manifest_path}")
    assurance.write_assurance_pages(stage_dir, manifest, year, data_folder)

    # 5. HTML.
    log_path = stage_dir / BUILD_LOG_NAME
    progress(f"Building the HTML with Jupyter Book (log: {log_path})")
    html_started = time.perf_counter()
    html_dir = build_html(stage_dir, log_path)
    html_seconds = time.perf_counter() - html_started
    manifest["html_build_seconds"] = round(html_seconds, 2)
    run_manifest.write_manifest(manifest, manifest_path)

    # No record-level data about children may be published (analysis.privacy).
    check_publishable(html_dir, manifest_path, stage_dir, f"{area_code} {year}")

    # 6. Publish; 7. site index.
    published = publish(html_dir, manifest_path, site_dir, area_code, year)
    site.write_site_index(site_dir)
    stamp_editions(site_dir, area_code)
    total = time.perf_counter() - clock
    progress(f"Built in {_format_seconds(total)}. The book is at {published / 'index.html'}")
    progress(f"Site index: {site_dir / site.INDEX_NAME}")
    return BuildResult(
        year=year,
        area_code=area_code,
        html_dir=published,
        stage_dir=stage_dir,
        manifest_path=published / run_manifest.MANIFEST_NAME,
        site_index=site_dir / site.INDEX_NAME,
        log_path=log_path,
        durations=durations,
        html_seconds=html_seconds,
        total_seconds=total,
    )


def _default_data_dir() -> Path:
    from analysis.paths import DATA_DIR

    return DATA_DIR
