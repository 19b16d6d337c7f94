"""Build one edition of the book: check, stage, execute, record, build, publish.

``build_edition(year, area_code)`` is the whole recipe:

1. check the parameters and validate the input files (nothing is touched when
   either is wrong);
2. bring the book's copy in ``stage_root/<area_code>/<year>/`` up to date (the stage is kept
   between builds: analysis.build.stage);
3. execute the section notebooks the table of contents lists with Papermill, in
   separate processes, into the stage (the templates in ``notebooks/`` are never
   written to), collecting every failure. A notebook is executed only when something it
   depends on has changed since it last ran: otherwise its executed copy is reused
   (analysis.build.cache; ``force=True`` executes every one). When nothing at all has
   changed and the edition is published, the build stops here: it is up to date;
4. write the run manifest (``manifest.json``) into the stage, then execute the
   assurance notebooks, which read the other pages' registers and the manifest;
5. build the HTML with Jupyter Book (``-W -n --keep-going``; Sphinx reads again only the
   pages that changed) and scan it for record-level data about children. Jupyter Book is
   started with step 3 and sets itself up while the notebooks run (analysis.build.jupyterbook);
6. publish the HTML into ``site_dir/<area_code>/<year>/`` by swapping folders, so a
   failed run never leaves a half-built edition over a good one; then regenerate the
   site index and the edition stamps;
7. print the PDF again when the edition it replaced had one (with the same options), or
   when asked to (``pdf=True``): publishing replaces the folder the PDF was in;
8. make the committee paper again when the edition it replaced had one.

A build that finds the edition up to date (step 3) publishes nothing, so the PDF and the
committee paper stay as they are.

From staging to the end, the build holds its edition's lock (a second build of the same
edition stops at once), and every process it starts (notebook workers, kernels, Jupyter Book,
Chromium) ends with it, even when it is killed (``analysis.build.lock``).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

from analysis.assurance import manifest as run_manifest
from analysis.assurance import privacy
from analysis.build import pdf as edition_pdf
from analysis.build.pdf_contents import PdfOptions, printed_options
from analysis.build.cache import CACHE_FOLDER, NotebookCache, environment_fingerprint, inputs_present_fingerprint
from analysis.build.execute import format_seconds, kernel_server_for_build, notebook_workers, run_notebooks
from analysis.build.failures import BuildFailed, NotebookFailure
from analysis.build.jupyterbook import BUILD_LOG_NAME, html_build_started
from analysis.build.lock import edition_lock, processes_end_with_build
from analysis.build.publish import DISK_FULL, paper_name, publish, tidy_interrupted
from analysis.build.reads import IGNORED_VARIABLE, LOG_VARIABLE, ROOTS_VARIABLE
from analysis.build import validation_memo
from analysis.build.stage import STAGE_DATA_FOLDER, STAGE_JUPYTER_FOLDER, Stage, install_kernelspec, stage_book
from analysis.config import (ASSURANCE_NOTEBOOKS, DATA_DIR, PROJECT_ROOT, SHARED_CACHE_FOLDER, SHARED_CACHE_VARIABLE, SITE_DIR,
                             STAGE_DIR)
from analysis.errors import InputError
from analysis.inputs.partnership import partnership_for_area, section_notebooks
from analysis.pages.measures import measures_by_notebook
from analysis.site import index as site_index
from analysis.site.stamp import stamp_area
from analysis.vocabulary import ANNUAL_REPORT, STATISTICS_PROFILE

# What imports pandas (catalogues, validation, the committee paper) is imported where it is used and
# only when it is: a build that finds its edition up to date, or runs a page or two again, then never
# imports pandas itself (the kernels have it from the kernel server, which the build starts first).

Progress = Callable[[str], None]



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
    pdf_path: Path | None = None  # the PDF printed after publishing, if one was
    executed: list[str] = field(default_factory=list)  # notebooks executed (the others were reused)
    notebook_count: int = 0  # notebooks in the edition
    up_to_date: bool = False  # nothing had changed: nothing was executed or published

    @property
    def index_html(self) -> Path:
        return self.html_dir / "index.html"


def edition_kind(area_code: str, data_dir: Path | None = None) -> str:
    """An annual report for a partnership that supplies its own figures (``own_figures`` in
    its data/partnerships/<id>/partnership.toml); a statistics profile for any other area or
    partnership, which has no figures of its own."""
    partnership = partnership_for_area(area_code, data_dir)
    return ANNUAL_REPORT if partnership and partnership.own_figures else STATISTICS_PROFILE


def authorities_of(area_code: str, data_dir: Path | None = None) -> list[dict[str, str]]:
    """The local authorities an edition covers, each with its code and name: the area itself,
    or every authority of a partnership over several."""
    from analysis.build.parameters import area_name

    partnership = partnership_for_area(area_code, data_dir)
    codes = partnership.local_authorities if partnership else (area_code,)
    return [{"code": code, "name": area_name(code, data_dir) or code} for code in codes]


def sections_not_reported(area_code: str, kind: str, data_dir: Path | None = None) -> frozenset[str]:
    """The section notebooks (by stem) an annual report leaves out because its partnership does
    not report that section (``sections`` in its partnership.toml)."""
    partnership = partnership_for_area(area_code, data_dir)
    if kind != ANNUAL_REPORT or partnership is None or not partnership.sections:
        return frozenset()  # (no sections: the data folder has no sections catalogue)
    return frozenset(notebook for section, notebook in section_notebooks(data_dir)
                     if section not in partnership.sections)


def default_edition_title(*, title: str, year: str, area_code: str, area_name: str | None,
                          data_dir: Path | None = None) -> str:
    """The edition's title, naming whose book it is and the year: a configured partnership's
    name (data/partnerships/<id>/partnership.toml), for its annual report or, when it supplies
    no figures of its own, its statistics profile; otherwise the area's name, for a profile of
    its national statistics, or its code when no name is known. ``title`` (the generic title
    in _config.yml) is not used: a title must say whose book it is."""
    partnership = partnership_for_area(area_code, data_dir)
    if partnership and partnership.own_figures:
        return f"{partnership.name}: annual report {year}"
    if partnership:
        return f"{partnership.name}: children's safeguarding statistics {year}"
    if area_name:
        return f"{area_name}: children's safeguarding statistics {year}"
    return f"{area_code}: children's safeguarding statistics {year}"


# --------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------


def validate_inputs(year: str, area_code: str, data_dir: Path | None, progress: Progress, *,
                    memo_path: Path | None = None, environment: str = "", force: bool = False) -> None:
    """Check the edition's input files before anything is staged: print the warnings,
    raise InputError listing every error. With ``memo_path``, a validation that passed is
    remembered there, and not run again while nothing it depends on changes (unless ``force``):
    its lines are printed again instead (analysis.build.validation_memo)."""
    key = validation_memo.validation_key(year, area_code, data_dir, environment) if memo_path else None
    remembered = None if force or key is None else validation_memo.remembered_messages(memo_path, key)
    if remembered is not None:
        for line in remembered:
            progress(line)
        return
    from analysis.inputs.validate import validate_for_build

    report = validate_for_build(year, area_code, data_dir)
    lines = []
    if report is not None:
        lines = [f"warning: {warning}" for warning in report.warnings]
        for line in lines:
            progress(line)
        report.raise_for_errors()
        lines.append(f"Checked the input files: no errors, {len(report.warnings)} warning"
                     f"{'s' if len(report.warnings) != 1 else ''}")
        progress(lines[-1])
    # (Remembered only if no file changed while validation read them: it may have read either version.)
    if key is not None and key == validation_memo.validation_key(year, area_code, data_dir, environment):
        validation_memo.remember(memo_path, key, lines)


def check_folders(book_root: Path, stage_dir: Path, site_dir: Path) -> Path:
    """The stage folder, once the book is a Jupyter Book and the stage overlaps neither the
    book's sources nor the site; BuildFailed otherwise."""
    for required in ("_config.yml", "_toc.yml"):
        if not (book_root / required).is_file():
            raise BuildFailed(f"{book_root} has no {required}: it is not a Jupyter Book folder")
    notebooks = book_root / "notebooks"
    overlaps = (stage_dir == notebooks or notebooks in stage_dir.parents or stage_dir in book_root.parents
                or stage_dir == book_root or stage_dir == site_dir or stage_dir in site_dir.parents)
    if overlaps:
        raise BuildFailed(f"refusing to stage into {stage_dir}: it overlaps the book's sources or the site folder")
    return stage_dir


def staged_title(stage_dir: Path) -> str | None:
    """The edition's title, as written into the staged configuration."""
    config = yaml.safe_load((stage_dir / "_config.yml").read_text(encoding="utf-8")) or {}
    return config.get("title")


def pages_removed(staged: Stage, cache: NotebookCache) -> bool:
    """Whether a page has left the book, or its configuration or table of contents changed, since
    Jupyter Book last built the stage (or that is not known): then it writes every page again
    (analysis.build.jupyterbook)."""
    before = cache.staged_files("html")
    if before is None:
        return True
    return (any(path not in staged.files for path in before)
            or any(before.get(name) != staged.files.get(name) for name in ("_toc.yml", "_config.yml")))


def edition_facts(staged: Stage, kind: str, area_code: str, data_dir: Path | None) -> dict[str, Any]:
    """What the edition is, known before any page runs: its title, kind, local authorities and
    notebooks, and each section page's title and the national measures it shows. They go into
    the run manifest, and into the stage's edition.json for the pages that read them."""
    sections = [(relative, source) for relative, source in staged.notebooks
                if not relative.startswith(ASSURANCE_NOTEBOOKS)]
    return {"title": staged_title(staged.stage_dir), "edition_kind": kind,
            "local_authorities": authorities_of(area_code, data_dir),
            "notebooks": [relative for relative, _ in staged.notebooks],
            "titles": {Path(relative).stem: run_manifest.notebook_title(source) for relative, source in sections},
            "measures_shown": measures_by_notebook([source for _, source in sections])}


def notebook_tasks(staged: Stage, parameters: dict[str, Any], cell_timeout: int | None,
                   cache: NotebookCache | None = None, watched: Sequence[Path] = (),
                   shared_cache: Path | None = None) -> list[dict[str, Any]]:
    """One execution task per staged notebook, with its parameters and side-file folder, and
    where its kernel records what it reads (``watched``: the folders worth recording).
    ``shared_cache``: where the notebooks keep what every page and edition works out the same
    way (analysis.stats.dispersion), not recorded as read: its entries are named by the SHA-256
    of what they are worked out from, which the notebook reads."""
    tasks = []
    for relative, source in staged.notebooks:
        output = staged.stage_dir / relative
        output.parent.mkdir(parents=True, exist_ok=True)
        side_files = staged.stage_dir / STAGE_DATA_FOLDER / source.stem
        side_files.mkdir(parents=True, exist_ok=True)
        tasks.append({
            "notebook": relative, "input": str(source), "output": str(output), "cwd": str(output.parent),
            "parameters": {
                **parameters,
                # Relative to the notebook's working directory, so the executed notebook is
                # the same whichever folder the edition is staged in.
                "output_dir": Path(os.path.relpath(side_files, output.parent)).as_posix(),
            },
            "cell_timeout": cell_timeout,
            "side_files": str(side_files),
        })
        if cache is not None:
            tasks[-1]["environment"] = {LOG_VARIABLE: str(cache.reads_log(relative)),
                                        ROOTS_VARIABLE: os.pathsep.join(str(folder) for folder in watched)}
            if shared_cache is not None:
                tasks[-1]["environment"].update({SHARED_CACHE_VARIABLE: str(shared_cache),
                                                 IGNORED_VARIABLE: str(shared_cache)})
    return tasks


def stale_notebooks(tasks: list[dict[str, Any]], cache: NotebookCache, force: bool,
                    ignore: frozenset[str] = frozenset()) -> dict[str, str]:
    """The notebooks that must be executed, each with why (the others' executed copies are
    reused); ``ignore``: files whose change alone does not count."""
    if force:
        return {task["notebook"]: "--force" for task in tasks}
    reasons = {task["notebook"]: cache.why_stale(task, ignore) for task in tasks}
    return {notebook: why for notebook, why in reasons.items() if why}


def report_plan(tasks: list[dict[str, Any]], stale: dict[str, str], what: str, progress: Progress) -> None:
    reused = len(tasks) - len(stale)
    if reused:
        progress(f"Reusing {reused} of {len(tasks)} {what} notebooks executed by an earlier build: nothing they read has changed")
    for notebook, why in stale.items():
        progress(f"  to execute: {Path(notebook).stem} ({why})")


def execute(tasks: list[dict[str, Any]], jobs: int, staged: Stage, label: str,
            progress: Progress, earlier: list[NotebookFailure] = (),
            cache: NotebookCache | None = None, workers=None) -> dict[str, float]:
    """Execute the tasks; raise BuildFailed listing every failure (and any staging problem).
    With a cache, each notebook that ran is recorded in it (even when another failed) and
    each that failed is forgotten."""
    if tasks:
        progress(f"Executing {len(tasks)} notebook{'s' if len(tasks) != 1 else ''}, "
                 f"{min(jobs, len(tasks))} at a time")
    for task in tasks:
        # Side files from an earlier run would outlive a page that no longer writes them.
        shutil.rmtree(task["side_files"], ignore_errors=True)
        Path(task["side_files"]).mkdir(parents=True, exist_ok=True)
        if cache is not None:
            cache.forget(task)
    durations, failures = run_notebooks(tasks, jobs, staged.stage_dir / STAGE_JUPYTER_FOLDER, progress, workers)
    if cache is not None:
        failed = {failure.notebook for failure in failures}
        for task in tasks:
            if task["notebook"] in durations and task["notebook"] not in failed:
                cache.remember(task, durations[task["notebook"]])
        cache.save()
    failures = list(earlier) + failures
    if failures:
        count = len(failures)
        lines = [f"{count} problem{'s' if count != 1 else ''} stopped the build of {label}; nothing was published:"]
        lines += [f"  - {failure.describe()}" for failure in failures]
        lines.append(f"The executed notebooks are kept for inspection in {staged.stage_dir}")
        raise BuildFailed("\n".join(lines), failures=failures, stage_dir=staged.stage_dir)
    return durations


# What a manifest says about when and how fast a build ran, not about what it was built from.
_TIMING = ("build_started_utc", "notebook_seconds", "html_build_seconds", "reused_notebooks")


def _what_was_built(manifest: dict[str, Any]) -> dict[str, Any]:
    what = {key: value for key, value in manifest.items() if key not in _TIMING}
    what["parameters"] = {key: value for key, value in manifest.get("parameters", {}).items() if key != "jobs"}
    return what


def up_to_date(manifest: dict[str, Any], stage_dir: Path, published: Path, assurance: list[dict[str, Any]],
               cache: NotebookCache) -> bool:
    """Whether the published edition is what this build would publish, given that the stage and
    the section notebooks are up to date: the edition published is the one last built in the
    stage, from the same inputs, code, packages and parameters (``manifest``, the new build's),
    and none of the assurance pages has anything new to read but the run manifest's times."""
    staged, in_site = stage_dir / run_manifest.MANIFEST_NAME, published / run_manifest.MANIFEST_NAME
    if not staged.is_file() or not in_site.is_file() or staged.read_bytes() != in_site.read_bytes():
        return False
    try:
        last = json.loads(staged.read_text(encoding="utf-8"))
    except ValueError:
        return False
    new = json.loads(json.dumps(manifest, ensure_ascii=False))
    if _what_was_built(last) != _what_was_built(new):
        return False
    return not stale_notebooks(assurance, cache, False, ignore=frozenset({str(staged)}))


# Which published files the privacy scan found clean, so that a rebuild scans only what changed.
PRIVACY_MEMO_NAME = "privacy-clean.json"
# That the input files passed validation, so that a rebuild checks them again only once they change.
VALIDATION_MEMO_NAME = validation_memo.MEMO_NAME


def check_publishable(html_dir: Path, manifest_path: Path, stage_dir: Path, label: str) -> None:
    """Before publishing: scan everything that would be published for record-level data
    about children (analysis.assurance.privacy); raise BuildFailed naming each file and line."""
    findings = privacy.scan_edition(html_dir, stage_dir=stage_dir, extra_files=[manifest_path],
                                    clean_memo=stage_dir / CACHE_FOLDER / PRIVACY_MEMO_NAME)
    if findings:
        raise BuildFailed(privacy.failure_message(findings, label)
                          + f"\nThe built HTML is kept for inspection in {html_dir}", stage_dir=stage_dir)


class FullDiskReport:
    """A ``with`` block that reports a full disk anywhere in the build as the BuildFailed it is
    (not an OSError traceback), saying whether the new edition had been published by then
    (``published``, set once it is). A full disk while copying into the site is reported by
    publish() itself."""

    def __init__(self, stage_dir: Path, site_dir: Path, label: str):
        self.stage_dir, self.site_dir, self.label = stage_dir, site_dir, label
        self.published: Path | None = None

    def __enter__(self) -> "FullDiskReport":
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if not isinstance(error, OSError) or error.errno not in DISK_FULL:
            return False
        where = f": {error.filename}" if error.filename else ""
        state = (f"The new edition is published at {self.published}, but the site index or the edition "
                 f"stamps may be out of date" if self.published
                 else "Nothing was published: the published site is as it was")
        raise BuildFailed(
            f"a disk this build writes to is full ({error.strerror}{where}), so the build of {self.label} "
            f"stopped. {state}. Free some space on the disk holding the stage folder {self.stage_dir} "
            f"or the site folder {self.site_dir} (df -h shows how much is left), then build again.",
            stage_dir=self.stage_dir) from error


def _default_progress(message: str) -> None:
    try:
        print(message, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        print(message.encode(encoding, errors="replace").decode(encoding), flush=True)


# --------------------------------------------------------------------------
# The recipe
# --------------------------------------------------------------------------


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
    pdf: bool = False,
    force: bool = False,
) -> BuildResult:
    """Build and publish one edition; raise ParameterError, InputError or BuildFailed.

    ``data_dir``: folder with reference/, partnerships/, national/ (None: the
    project's data/; notebooks then get ``data_dir=""``). ``jobs``: how many notebooks
    run at once. ``edition_title(title=, year=, area_code=, area_name=, data_dir=)`` makes the
    staged book's title. ``extra_parameters`` are passed to every notebook besides the
    standard ones. ``cell_timeout``: seconds a cell may run before the build fails (None:
    no limit). ``data_roots``: folders outside the project a ``data_dir`` may lie in.
    ``pdf``: print the PDF after publishing (it is printed anyway when the edition being
    replaced had one, with that one's options). ``force``: execute every notebook and have
    Jupyter Book read every page, reusing nothing from earlier builds.
    """
    progress = (lambda message: None) if progress is None else _default_progress if progress is print else progress
    clock = time.perf_counter()
    build_started = run_manifest.utc_now_iso()
    # Started first (or kept from an earlier build in this process), so that its imports overlap the
    # checks and staging; stopped at once if nothing is executed and it has served no build.
    kernels = kernel_server_for_build()
    try:
        from analysis.build.parameters import area_name, check_parameters

        # 1. Parameters and inputs: nothing is touched until they are all acceptable.
        year, area_code, data_folder, jobs = check_parameters(year, area_code, data_dir, jobs, data_roots)
        book_root, stage_root, site_dir = (Path(p).resolve() for p in (book_root, stage_root, site_dir))
        stage_dir = check_folders(book_root, stage_root / area_code / year, site_dir)
        name = area_name(area_code, data_folder)
        label = f"{area_code} {year}"
        progress(f"Edition {year} for area {area_code}" + (f" ({name})" if name else ""))
        environment = environment_fingerprint(book_root)
        validate_inputs(year, area_code, data_folder, progress, memo_path=stage_dir / CACHE_FOLDER / VALIDATION_MEMO_NAME,
                        environment=environment, force=force)
        inputs = run_manifest.hash_inputs(data_folder or DATA_DIR, year, area_code)
    except BaseException:
        kernels.stop()
        raise

    # From here on: one build of the edition at a time, and every process the build starts ends
    # with it, even when it is killed (analysis.build.lock; its guard starts once there is work
    # to do, before the first of them).
    full_disk = FullDiskReport(stage_dir, site_dir, label)
    with kernels, full_disk, edition_lock(stage_root, area_code, year), ExitStack() as guarded:
        tidy_interrupted(site_dir, area_code, year)  # after a publish of this edition killed part way

        # 2. Stage.
        make_title = edition_title or default_edition_title
        kind = edition_kind(area_code, data_folder)
        cache = NotebookCache(stage_dir, environment, inputs_present_fingerprint(inputs))
        staged = stage_book(book_root, stage_dir,
                            lambda title: make_title(title=title, year=year, area_code=area_code, area_name=name,
                                                     data_dir=data_folder), kind,
                            sections_not_reported(area_code, kind, data_folder), cache.written())
        staged.changed += cache.prune({relative for relative, _ in staged.notebooks})
        install_kernelspec(stage_dir / STAGE_JUPYTER_FOLDER)
        progress(f"Staged the book in {stage_dir}" + (f" ({len(staged.changed)} files changed)" if staged.changed else ""))
        if force:
            shutil.rmtree(stage_dir / "_build", ignore_errors=True)  # Sphinx reads every page again
            (stage_dir / CACHE_FOLDER / PRIVACY_MEMO_NAME).unlink(missing_ok=True)  # and every file is scanned

        # 3. Execute the sections whose executed copies cannot be reused.
        parameters = {"year": year, "area_code": area_code, "data_dir": str(data_folder) if data_folder else "",
                      **(extra_parameters or {})}
        watched = [PROJECT_ROOT, book_root, data_folder or DATA_DIR, stage_dir]
        # --force reuses nothing, the shared cache included.
        shared_cache = None if force else stage_root / SHARED_CACHE_FOLDER
        tasks = notebook_tasks(staged, parameters, cell_timeout, cache, watched, shared_cache)
        sections = [task for task in tasks if not task["notebook"].startswith(ASSURANCE_NOTEBOOKS)]
        assurance = [task for task in tasks if task not in sections]
        facts = edition_facts(staged, kind, area_code, data_folder)
        manifest = run_manifest.create_manifest(
            parameters={"year": year, "area_code": area_code, "area_name": name, "jobs": jobs,
                        "data_dir": parameters["data_dir"], **({"extra": extra_parameters} if extra_parameters else {})},
            inputs=inputs, repo_root=book_root, build_started=build_started, notebook_seconds={},
            extra=facts,
        )
        # Written before anything is checked: a section page reads them (the methods page).
        run_manifest.write_edition_facts(facts, inputs, stage_dir)
        stale = stale_notebooks(sections, cache, force)
        published = site_dir / area_code / year
        if not (force or stale or staged.changed or staged.problems) and up_to_date(
                manifest, stage_dir, published, assurance, cache) and cache.staged_files("published") == staged.files:
            cache.save()
            total = time.perf_counter() - clock
            progress(f"Up to date: nothing the {label} edition is made from has changed since it was built, "
                     f"so nothing was executed or published ({format_seconds(total)}). The book is at "
                     f"{published / 'index.html'}; --force builds it again all the same")
            return BuildResult(
                year=year, area_code=area_code, html_dir=published, stage_dir=stage_dir,
                manifest_path=published / run_manifest.MANIFEST_NAME, site_index=site_dir / site_index.INDEX_NAME,
                log_path=stage_dir / BUILD_LOG_NAME, total_seconds=total, up_to_date=True,
                notebook_count=len(tasks))
        report_plan(sections, stale, "section", progress)
        guarded.enter_context(processes_end_with_build())  # before the first process the build starts
        log_path = stage_dir / BUILD_LOG_NAME
        # Jupyter Book starts now and sets itself up while the notebooks run; it builds once they have.
        with html_build_started(stage_dir, log_path, pages_removed(staged, cache)) as html_build:
            # (How many kernels the server's later imports would serve: the sections to execute; of
            # the assurance pages, one or two usually run again.)
            with notebook_workers(jobs, stage_dir / STAGE_JUPYTER_FOLDER, len(stale), kernels) as workers:
                durations = execute([task for task in sections if task["notebook"] in stale], jobs, staged, label,
                                    progress, staged.problems, cache, workers)

                # 4. Manifest, then the assurance pages that read it. A reused notebook's time is that of its run.
                manifest["notebook_seconds"] = {
                    task["notebook"]: round(durations.get(task["notebook"]) or cache.seconds(task["notebook"]) or 0.0, 2)
                    for task in sections}
                manifest["reused_notebooks"] = [task["notebook"] for task in sections if task["notebook"] not in stale]
                manifest_path = run_manifest.write_manifest(manifest, stage_dir / run_manifest.MANIFEST_NAME)
                progress(f"Wrote the run manifest {manifest_path}")
                stale_assurance = stale_notebooks(assurance, cache, force)
                report_plan(assurance, stale_assurance, "assurance", progress)
                durations.update(execute([task for task in assurance if task["notebook"] in stale_assurance], jobs,
                                         staged, label, progress, cache=cache, workers=workers))

            # 5. HTML, checked for record-level data.
            progress(f"Building the HTML with Jupyter Book (log: {log_path})")
            html_started = time.perf_counter()
            try:
                html_dir = html_build.finish()
            except BuildFailed:
                # Sphinx would not warn again about pages it does not read again: have it read them all.
                shutil.rmtree(stage_dir / "_build", ignore_errors=True)
                raise
        cache.remember_staged_files("html", staged.files)
        html_seconds = time.perf_counter() - html_started
        manifest["html_build_seconds"] = round(html_seconds, 2)
        run_manifest.write_manifest(manifest, manifest_path)
        check_publishable(html_dir, manifest_path, stage_dir, label)

        # 6. Publish, index, stamps. The PDF in the folder being replaced goes with it: note how it was printed.
        old_pdf = site_dir / area_code / year / edition_pdf.pdf_name(area_code, year)
        had_pdf = old_pdf.is_file()
        pdf_options = printed_options(old_pdf) or (PdfOptions() if pdf else None)
        had_paper = (site_dir / area_code / year / paper_name(area_code, year, "docx")).is_file()
        published = full_disk.published = publish(html_dir, manifest_path, site_dir, area_code, year)
        cache.remember_staged_files("published", staged.files)
        site_index.write_site_index(site_dir)
        stamp_area(site_dir, area_code)
        progress(f"Published the book at {published / 'index.html'}")

        # 7. The PDF.
        pdf_path = None
        if pdf_options is not None:
            why = "the edition it replaced had one" if had_pdf else "asked for"
            progress(f"Printing the PDF ({why})")
            try:
                pdf_path = edition_pdf.make_pdf(year, area_code, stage_root=stage_root, site_dir=site_dir,
                                                options=pdf_options, progress=progress)
            except edition_pdf.PdfFailed as error:
                raise edition_pdf.PdfFailed(
                    f"the {label} edition is built and published at {published / 'index.html'}, but its PDF "
                    f"could not be printed: {error}. Once that is put right, print it with python -m analysis pdf --year {year} "
                    f"--area {area_code}" + (" --appendices" if pdf_options.appendices else ""),
                    stage_dir=stage_dir) from error

        # 8. The committee paper, made again when the edition it replaced had one.
        if had_paper:
            from analysis.build.committee_paper import make_committee_paper

            progress("Making the committee paper again (the edition it replaced had one)")
            try:
                make_committee_paper(year, area_code, data_dir=data_folder, stage_root=stage_root,
                                     site_dir=site_dir, progress=progress)
            except (BuildFailed, InputError) as error:
                raise BuildFailed(
                    f"the {label} edition is built and published at {published / 'index.html'}, but its committee "
                    f"paper could not be made again: {error}. Once that is put right, make it with python -m analysis "
                    f"committee-paper --year {year} --area {area_code}", stage_dir=stage_dir) from error
        total = time.perf_counter() - clock
        progress(f"Built in {format_seconds(total)}, executing {len(durations)} of {len(tasks)} notebooks. "
                 f"The book is at {published / 'index.html'}")
        progress(f"Site index: {site_dir / site_index.INDEX_NAME}")
        return BuildResult(
            year=year, area_code=area_code, html_dir=published, stage_dir=stage_dir,
            manifest_path=published / run_manifest.MANIFEST_NAME, site_index=site_dir / site_index.INDEX_NAME,
            log_path=log_path, durations=durations, html_seconds=html_seconds, total_seconds=total,
            pdf_path=pdf_path, executed=list(durations), notebook_count=len(tasks),
        )
