"""How long building an edition takes, cold and again, against the book's build-speed targets.

Everything runs in a temporary folder (the project's _build/ is never touched), one after another:

1. cold build: ``python -m analysis build`` of the edition into a fresh --stage-dir and --site-dir;
2. no-change rebuild: the same command into the same folders again;
3. naive composition: the book staged as the build stages it (analysis.build.stage.stage_book,
   with the parameters of analysis.build.pipeline.notebook_tasks), Papermill's command line on
   each staged notebook in turn (sections, then the assurance pages, with the cold build's run
   manifest copied in between since they read it), then ``jupyter-book build`` with the build's
   options. Each executed notebook gets the build's one rewrite (tidy_executed_notebook, a few ms)
   so that Jupyter Book reads what it reads in a build;
4. one section edited: a copy of the book (without _build/, .venv/, .git/, tests/) is built once
   into the same folders (priming, not timed against a target), one Markdown cell of its
   notebooks/03_family_help.ipynb is edited, and it is built again. The command line has no book
   root, so these two builds call build_edition(book_root=copy) in a subprocess;
5. one national file replaced: a copy of data/ is built once with --data-dir (priming: the
   data_dir parameter changes), data/national/statistical_neighbours.csv is rewritten in the copy
   (same bytes, new file time), and it is built again; then its rows are put in another order
   (the same figures, other bytes) and it is built again.

For each it prints the seconds, how many executed notebooks are new (their Papermill start time
changed since the build before) and the 1-minute load average (the machine may be shared), then
the ratios against the targets: cold <= 0.4 x naive, no-change <= 0.05 x cold, one section
edited <= 0.25 x cold, and for the national file how many pages were executed again against
how many read the file (by the build's own records, and with --profile by an audit trace).

--profile adds where the cold build's time goes: the wall time of each phase (from the build's
progress lines), each notebook's Papermill anatomy (kernel start, the import cell, the other
cells, kernel shutdown), a kernel started with jupyter_client (start to kernel_info reply, the
import of analysis.pages.page, a Page, shutdown), the import cost inside a kernel of every import
the notebooks make (-X importtime, self time summed by top-level package), the work each notebook
repeats (national extract, partnership figures, dispersion table), Jupyter Book's start-up,
reading and writing (fresh, then again with nothing changed and with one page changed, on a copy
of the stage), the privacy scan and the publish copy, and which files each notebook reads (each
notebook executed once more with an audit hook logging the files it opens).

    .venv/bin/python benchmarks/build_speed.py [--area CODE] [--year 2024-25] [--jobs 2]
        [--repeat N] [--profile] [--keep] [--workdir DIR]
"""
from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SECTION_EDITED = "notebooks/03_family_help.ipynb"
NATIONAL_FILE = "national/statistical_neighbours.csv"
TARGETS = [("cold / naive", 0.4), ("no-change / cold", 0.05), ("one section / cold", 0.25)]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # Sphinx colours its output even into a pipe
COPY_IGNORE = shutil.ignore_patterns("_build", ".venv", ".git", "tests", "__pycache__", ".pytest_cache",
                                     "*.egg-info", ".ipynb_checkpoints")

# build_edition with a book root (the command line has none), for the edited copy of the book.
API_RUNNER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from analysis.build.pipeline import build_edition
    a = json.loads(sys.argv[1])
    build_edition(a["year"], a["area"], jobs=a["jobs"], book_root=Path(a["book_root"]),
                  stage_root=Path(a["stage_root"]), site_dir=Path(a["site_dir"]))
""")


@dataclass
class Run:
    label: str
    seconds: float
    lines: list[tuple[float, float, str]]  # (seconds since start, wall clock, line)
    started: float  # wall clock
    load: float
    stage_dir: Path | None = None
    new_notebooks: int | None = None
    notebooks: int | None = None
    parts: dict[str, float] = field(default_factory=dict)


def load_average() -> float:
    return os.getloadavg()[0]


def run_lines(command: list[str], *, cwd: Path, env: dict | None = None, label: str = "") -> tuple[float, list, int, float]:
    """Run a command, time-stamping each line it prints; (seconds, lines, exit code, start wall time)."""
    started_wall, started = time.time(), time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               encoding="utf-8", errors="replace",
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", **(env or {})})
    lines = []
    for line in process.stdout:
        lines.append((time.perf_counter() - started, time.time(), ANSI.sub("", line.rstrip("\n"))))
    code = process.wait()
    return time.perf_counter() - started, lines, code, started_wall


def fail(label: str, lines: list, code: int) -> None:
    tail = "\n".join(f"    {text}" for _, _, text in lines[-40:])
    raise SystemExit(f"{label} failed (exit code {code}):\n{tail}")


def executed_starts(stage_dir: Path | None) -> dict[str, str]:
    """Papermill's start time of each executed notebook in a stage (what tells a re-execution)."""
    found = {}
    if stage_dir is None or not stage_dir.is_dir():
        return found
    for path in (stage_dir / "notebooks").rglob("*.ipynb"):
        try:
            found[path.relative_to(stage_dir).as_posix()] = json.loads(path.read_text(encoding="utf-8"))["metadata"]["papermill"]["start_time"]
        except (OSError, ValueError, KeyError):
            continue
    return found


def timed_build(label: str, command: list[str], work: Path, previous_stage: Path | None = None) -> Run:
    before = executed_starts(previous_stage)
    load = load_average()
    seconds, lines, code, started = run_lines(command, cwd=work)
    if code != 0:
        fail(label, lines, code)
    stage = next((Path(m.group(1)) for _, _, text in lines if (m := re.match(r"Staged the book in (.+?)(?: \(\d+ files changed\))?$", text))), None)
    after = executed_starts(stage)
    new = sum(1 for name, start in after.items() if before.get(name) != start)
    run = Run(label, seconds, lines, started, load, stage, new, len(after))
    print(f"  {label}: {seconds:.1f} s ({new}/{len(after)} notebooks executed, load {load:.2f})", flush=True)
    return run


def edition_area(area: str | None) -> str:
    """The area as the command line resolves it (no --area: the partnership with its own figures),
    so that every build here, the naive composition and build_edition(book_root=...) get the same one."""
    from analysis.inputs.partnership import default_partnership, partnership_for_area

    if area is None:
        partnership = default_partnership(None)
        if partnership is None:
            raise SystemExit("no --area given and no partnership supplies its own figures: give --area")
        return partnership.edition_area
    partnership = partnership_for_area(area.strip(), None)
    return partnership.edition_area if partnership else area.strip()


def cli_build(args, stage_root: Path, site_dir: Path, data_dir: Path | None = None) -> list[str]:
    command = [PYTHON, "-m", "analysis", "build", "--year", args.year, "--jobs", str(args.jobs),
               "--stage-dir", str(stage_root), "--site-dir", str(site_dir)]
    command += ["--area", args.area]
    if data_dir:
        command += ["--data-dir", str(data_dir), "--allow-data-outside-project"]
    return command


def api_build(args, stage_root: Path, site_dir: Path, book_root: Path) -> list[str]:
    return [PYTHON, "-c", API_RUNNER, json.dumps({
        "year": args.year, "area": args.area, "jobs": args.jobs, "book_root": str(book_root),
        "stage_root": str(stage_root), "site_dir": str(site_dir)})]


def median_run(runs: list[Run]) -> Run:
    """The runs' median time (with the lower-middle run's other details)."""
    ordered = sorted(runs, key=lambda run: run.seconds)
    return replace(ordered[(len(ordered) - 1) // 2], seconds=statistics.median(run.seconds for run in runs))


def edit_markdown(notebook: Path, words: str) -> None:
    """Append a sentence to the notebook's first Markdown cell (a change a reader would see)."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(cell for cell in data["cells"] if cell["cell_type"] == "markdown")
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = source.rstrip("\n") + f" {words}\n"
    notebook.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# The naive composition
# --------------------------------------------------------------------------


def naive_composition(args, root: Path, manifest_text: str, trace_hook: Path | None = None,
                      facts: dict[str, str] | None = None) -> Run:
    """Stage as the build does, Papermill's command line on each notebook in turn, jupyter-book build.
    ``facts``: the files the build writes into the stage before any page runs (edition.json,
    inputs.json), by name, copied in as the manifest is."""
    from analysis.config import ASSURANCE_NOTEBOOKS
    from analysis.assurance.manifest import MANIFEST_NAME
    from analysis.build.execute import KERNEL_NAME, tidy_executed_notebook
    from analysis.build.jupyterbook import jupyter_book_command
    from analysis.build.parameters import area_name, check_parameters
    from analysis.build.pipeline import default_edition_title, edition_kind, notebook_tasks, sections_not_reported
    from analysis.build.stage import STAGE_JUPYTER_FOLDER, install_kernelspec, stage_book

    year, area_code, data_folder, _ = check_parameters(args.year, args.area, None, 1, ())
    name = area_name(area_code, data_folder)
    stage_dir = root / area_code / year
    load = load_average()
    started_wall, started = time.time(), time.perf_counter()
    kind = edition_kind(area_code, data_folder)
    staged = stage_book(PROJECT, stage_dir,
                        lambda title: default_edition_title(title=title, year=year, area_code=area_code,
                                                            area_name=name, data_dir=data_folder),
                        kind, sections_not_reported(area_code, kind, data_folder))
    install_kernelspec(stage_dir / STAGE_JUPYTER_FOLDER, warm=False)  # Papermill's usual kernel, started from nothing
    parameters = {"year": year, "area_code": area_code, "data_dir": ""}
    tasks = notebook_tasks(staged, parameters, None)
    staged_seconds = time.perf_counter() - started
    papermill = str(Path(PYTHON).parent / "papermill")
    env = {**os.environ, "JUPYTER_PATH": str(stage_dir / STAGE_JUPYTER_FOLDER), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for name, text in (facts or {}).items():  # written by the build before the pages run; copied, not timed
        (stage_dir / name).write_text(text, encoding="utf-8")
    executing = time.perf_counter()
    sections = [task for task in tasks if not task["notebook"].startswith(ASSURANCE_NOTEBOOKS)]
    for task in sections + [task for task in tasks if task not in sections]:
        if task["notebook"].startswith(ASSURANCE_NOTEBOOKS) and not (stage_dir / MANIFEST_NAME).exists():
            # The build writes the manifest here; the assurance pages read it. Copied, not timed.
            (stage_dir / MANIFEST_NAME).write_text(manifest_text, encoding="utf-8")
        command = [papermill, task["input"], task["output"], "-k", KERNEL_NAME, "--cwd", task["cwd"],
                   "--no-progress-bar"]
        for key, value in task["parameters"].items():
            command += ["-r", key, str(value)]
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            raise SystemExit(f"naive composition: papermill failed on {task['notebook']}:\n{done.stdout[-3000:]}")
        tidy_executed_notebook(Path(task["output"]), task["notebook"])
    executed_seconds = time.perf_counter() - executing
    html = time.perf_counter()
    seconds, lines, code, _ = run_lines(jupyter_book_command(stage_dir), cwd=stage_dir)
    if code != 0:
        fail("naive composition: jupyter-book build", lines, code)
    total = time.perf_counter() - started
    run = Run("naive composition", total, lines, started_wall, load, stage_dir, len(tasks), len(tasks),
              parts={"stage": staged_seconds, f"papermill x {len(tasks)}": executed_seconds,
                     "jupyter-book build": time.perf_counter() - html})
    print(f"  naive composition: {total:.1f} s (stage {staged_seconds:.1f}, papermill {executed_seconds:.1f}, "
          f"jupyter-book {run.parts['jupyter-book build']:.1f}; load {load:.2f})", flush=True)
    return run


# --------------------------------------------------------------------------
# Profile: the cold build's phases and notebooks
# --------------------------------------------------------------------------


def phases(run: Run, manifest: dict) -> list[tuple[str, float]]:
    """Wall time of each phase of a build, from the times its progress lines were printed."""
    lines = run.lines

    def first(pattern: str, after: float = -1.0) -> float | None:
        return next((t for t, _, text in lines if t > after and re.search(pattern, text)), None)

    edition = first(r"^Edition ")
    checked = first(r"^Checked the input files") or edition
    staged = first(r"^Staged the book in")
    executing = first(r"^Executing \d+ notebook")
    manifest_line = first(r"^Wrote the run manifest")
    section_done = max((t for t, _, text in lines if re.match(r"\[\d+/\d+\]", text) and t < manifest_line), default=manifest_line)
    html_line = first(r"^Building the HTML")
    assurance_done = max((t for t, _, text in lines if re.match(r"\[\d+/\d+\]", text) and manifest_line < t < html_line),
                         default=html_line)
    published = first(r"^Published the book")
    html_seconds = float(manifest.get("html_build_seconds") or 0.0)
    return [
        ("process start, imports, parameters", edition),
        ("validate the input files", checked - edition),
        ("hash inputs, lock, guard process, stage, kernelspec", staged - checked),
        ("section notebooks (pool start to last done)", section_done - executing),
        ("run manifest (git, package versions)", manifest_line - section_done),
        ("assurance notebooks", assurance_done - manifest_line),
        ("jupyter-book build (manifest html_build_seconds)", html_seconds),
        ("privacy scan, publish copy, site index, stamps", published - assurance_done - html_seconds),
        ("the rest (to process exit)", run.seconds - published),
    ]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def notebook_anatomy(stage_dir: Path) -> list[dict]:
    """Each executed notebook's Papermill timings: kernel start, import cell, other cells, tail."""
    rows = []
    for path in sorted((stage_dir / "notebooks").rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        papermill = notebook["metadata"]["papermill"]
        cells = [cell for cell in notebook["cells"] if "papermill" in cell.get("metadata", {})
                 and cell["metadata"]["papermill"].get("start_time")]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        importing = next((cell for cell in code if re.search(r"^\s*(from|import) ", "".join(cell["source"]), re.M)
                          and "injected-parameters" not in (cell["metadata"].get("tags") or [])), None)
        duration = lambda cell: float(cell["metadata"]["papermill"].get("duration") or 0.0)  # noqa: E731
        start, end = _time(papermill["start_time"]), _time(papermill["end_time"])
        rows.append({
            "notebook": path.relative_to(stage_dir).as_posix(), "started": start.timestamp(), "ended": end.timestamp(),
            "total": float(papermill["duration"]),
            "kernel start": (_time(cells[0]["metadata"]["papermill"]["start_time"]) - start).total_seconds(),
            "import cell": duration(importing) if importing else 0.0,
            "other cells": sum(duration(cell) for cell in cells if cell is not importing),
            "shutdown, write": (end - _time(cells[-1]["metadata"]["papermill"]["end_time"])).total_seconds(),
        })
    return rows


def notebook_imports(stage_dir: Path) -> list[str]:
    """Every import statement in the staged notebooks' code cells, once each, in order."""
    found = []
    for path in sorted((stage_dir / "notebooks").rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.append(ast.unparse(node))
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------
# Profile: a kernel by hand
# --------------------------------------------------------------------------


def kernel_probe(stage_dir: Path, year: str, area_code: str, statements: list[str], work: Path,
                 times: int = 3) -> tuple[dict[str, float], dict]:
    """Start a kernel from the stage's kernelspec; time start-up, imports, a Page and shutdown.
    Then once more with -X importtime: the import cost of the notebooks' imports, by package."""
    from jupyter_client.manager import KernelManager

    os.environ["JUPYTER_PATH"] = str(stage_dir / "_jupyter")
    cwd = str(stage_dir / "notebooks")
    output = work / "kernel_probe_output"
    samples = collections.defaultdict(list)

    def run(client, code: str) -> None:
        reply = client.execute_interactive(code, timeout=120, output_hook=lambda message: None)
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"kernel probe: {code!r} failed: {reply['content'].get('evalue')}")

    for attempt in range(times):
        manager = KernelManager(kernel_name="python3")
        started = time.perf_counter()
        manager.start_kernel(cwd=cwd)
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=120)
        samples["start to kernel_info reply"].append(time.perf_counter() - started)
        clock = time.perf_counter()
        run(client, "import analysis.pages.page")
        samples["import analysis.pages.page"].append(time.perf_counter() - clock)
        clock = time.perf_counter()
        run(client, "\n".join(statements))
        samples["the notebooks' other imports"].append(time.perf_counter() - clock)
        clock = time.perf_counter()
        run(client, f"page = analysis.pages.page.Page('03_family_help', {year!r}, {area_code!r}, '', {str(output)!r})")
        samples["Page(...) (partnership figures, catalogue)"].append(time.perf_counter() - clock)
        clock = time.perf_counter()
        run(client, "page.national()")
        samples["page.national() (extract, neighbours, catalogue)"].append(time.perf_counter() - clock)
        client.stop_channels()
        clock = time.perf_counter()
        now = attempt % 2 == 1
        manager.shutdown_kernel(now=now)
        samples["shutdown (now=True: kill)" if now else "shutdown (graceful, as nbclient)"].append(time.perf_counter() - clock)
    medians = {name: statistics.median(values) for name, values in samples.items()}

    # Import cost with -X importtime: kernel start-up, then the notebooks' imports.
    log_path = work / "kernel_importtime.log"
    with open(log_path, "w", encoding="utf-8") as log:
        manager = KernelManager(kernel_name="python3")
        manager.start_kernel(cwd=cwd, env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}, stderr=log)
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=120)
        run(client, "import os; os.write(2, b'@@@ notebooks import @@@\\n')")
        run(client, "import analysis.pages.page\n" + "\n".join(statements))
        run(client, "os.write(2, b'@@@ done @@@\\n')")
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    startup, notebooks = collections.Counter(), collections.Counter()
    target = startup
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if "@@@ notebooks import" in line:
            target = notebooks
        elif "@@@ done" in line:
            break
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if match:
            target[match.group(3).split(".")[0]] += int(match.group(1)) / 1e6
    return medians, {"kernel start-up imports": startup, "the notebooks' imports": notebooks}


REPEATED_WORK = textwrap.dedent("""
    import json, sys, tempfile, time
    from pathlib import Path
    year, area = sys.argv[1], sys.argv[2]
    out = {}
    def tick(name, function):
        clock = time.perf_counter(); result = function(); out[name] = time.perf_counter() - clock; return result
    page_module = tick("import analysis.pages.page", lambda: __import__("analysis.pages.page", fromlist=["Page"]))
    from analysis.config import data_paths
    from analysis.inputs.edition import PartnershipData
    from analysis.national.load import load_national, load_neighbours, national_catalogue
    from analysis.stats.dispersion import dispersion_table
    paths = data_paths()
    tick("PartnershipData(year, area), first", lambda: PartnershipData(year, area, None))
    tick("PartnershipData(year, area), again", lambda: PartnershipData(year, area, None))
    tick("load_national(), first in a process", lambda: load_national(paths.national))
    tick("load_national(), again (lru_cache, copy)", lambda: load_national(paths.national))
    tick("national_catalogue()", lambda: national_catalogue(paths.reference))
    folder = tempfile.mkdtemp()
    page = tick("Page(...)", lambda: page_module.Page("03_family_help", year, area, "", folder))
    tick("Page.national(), first page", page.national)
    other = page_module.Page("04_child_protection", year, area, "", folder)
    tick("Page.national(), a second page in the same process", other.national)
    dispersion_table.cache_clear()
    tick("dispersion_table(), first", lambda: dispersion_table(str(paths.national), str(paths.reference)))
    print(json.dumps(out))
""")


def repeated_work(year: str, area_code: str) -> dict[str, float]:
    done = subprocess.run([PYTHON, "-c", REPEATED_WORK, year, area_code], capture_output=True, text=True, cwd=PROJECT)
    if done.returncode != 0:
        raise SystemExit(f"repeated-work probe failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# Profile: Jupyter Book
# --------------------------------------------------------------------------


def sphinx_phases(lines: list, seconds: float) -> dict[str, float | str]:
    def first(pattern: str) -> float | None:
        return next((t for t, _, text in lines if re.search(pattern, text)), None)

    def span(pattern: str) -> float:
        times = [i for i, (_, _, text) in enumerate(lines) if re.search(pattern, text)]
        if not times:
            return 0.0
        end = lines[times[-1] + 1][0] if times[-1] + 1 < len(lines) else seconds
        return end - lines[times[0]][0]

    sphinx = first(r"^Running Sphinx") or 0.0
    updating = next((text for _, _, text in lines if text.startswith("updating environment")), "")
    targets = next((text for _, _, text in lines if re.match(r"building \[html\]", text)), "")
    reading, writing = span(r"^reading sources\.\.\. \["), span(r"^writing output\.\.\. \[")
    return {"to 'Running Sphinx' (imports)": sphinx, "reading sources": reading, "writing output": writing,
            "the rest (extensions, env, search index, static)": seconds - sphinx - reading - writing,
            "total": seconds, "environment": updating.replace("updating environment: ", ""),
            "targets": targets.replace("building [html]: ", ""),
            "pages written": sum(1 for _, _, text in lines if re.match(r"^writing output\.\.\. \[", text))}


def sphinx_probe(stage_dir: Path, work: Path) -> list[tuple[str, dict]]:
    """Jupyter Book on a copy of the stage: fresh, again unchanged, again with one page changed."""
    from analysis.build.jupyterbook import jupyter_book_command

    copy = work / "sphinx" / "stage"
    shutil.copytree(stage_dir, copy, ignore=shutil.ignore_patterns("_build"))
    results = []
    for label in ("fresh (as every build today)", "again, nothing changed", "again, one executed page edited"):
        if label.startswith("again, one"):
            edit_markdown(copy / SECTION_EDITED, "(Edited for the benchmark.)")
        seconds, lines, code, _ = run_lines(jupyter_book_command(copy), cwd=copy)
        if code != 0:
            fail(f"jupyter-book build ({label})", lines, code)
        results.append((label, sphinx_phases(lines, seconds)))
    return results


def scan_and_publish(stage_dir: Path, work: Path) -> dict[str, float]:
    from analysis.assurance import privacy
    from analysis.assurance.manifest import MANIFEST_NAME
    from analysis.build.publish import publish
    from analysis.site import index as site_index

    html = stage_dir / "_build" / "html"
    out = {}
    clock = time.perf_counter()
    privacy.scan_edition(html, stage_dir=stage_dir, extra_files=[stage_dir / MANIFEST_NAME])
    out["privacy scan of the HTML"] = time.perf_counter() - clock
    site = work / "publish_probe"
    clock = time.perf_counter()
    publish(html, stage_dir / MANIFEST_NAME, site, stage_dir.parent.name, stage_dir.name)
    out["publish (copy, swap) into an empty site"] = time.perf_counter() - clock
    clock = time.perf_counter()
    publish(html, stage_dir / MANIFEST_NAME, site, stage_dir.parent.name, stage_dir.name)
    out["publish over the same edition"] = time.perf_counter() - clock
    clock = time.perf_counter()
    site_index.write_site_index(site)
    out["site index"] = time.perf_counter() - clock
    files = sum(1 for path in html.rglob("*") if path.is_file())
    size = sum(path.stat().st_size for path in html.rglob("*") if path.is_file())
    out["(html files, MB)"] = f"{files} files, {size / 1e6:.1f} MB"
    return out


# --------------------------------------------------------------------------
# Profile: which files each notebook reads
# --------------------------------------------------------------------------

TRACE_HOOK = textwrap.dedent('''
    # Written by benchmarks/build_speed.py: log the files this Python opens or lists.
    import os as _os, sys as _sys
    _log = _os.environ.get("BUILD_SPEED_TRACE")
    if _log:
        _fd = _os.open(_log, _os.O_WRONLY | _os.O_CREAT | _os.O_APPEND, 0o644)
        _busy = [False]
        _seen = set()
        def _hook(event, args):
            if _busy[0] or event not in ("open", "os.listdir", "os.scandir", "glob.glob"):
                return
            _busy[0] = True
            try:
                path = args[0]
                if isinstance(path, int) or path is None:
                    return
                path = _os.path.abspath(_os.fsdecode(path))
                kind = "L"
                if event == "open":
                    mode = args[1]
                    if isinstance(mode, str):
                        kind = "W" if any(c in mode for c in "wax+") else "R"
                    else:
                        kind = "W" if (mode or 0) & (_os.O_WRONLY | _os.O_RDWR) else "R"
                if (kind, path) not in _seen:
                    _seen.add((kind, path))
                    _os.write(_fd, f"{kind} {path}\\n".encode("utf-8", "replace"))
            except Exception:
                pass
            finally:
                _busy[0] = False
        _sys.addaudithook(_hook)
''')


def trace_reads(stage_dir: Path, work: Path, year: str, area_code: str) -> dict[str, set[str]]:
    """Execute each staged notebook once more (Papermill, in turn) with an audit hook in its kernel
    (sitecustomize on PYTHONPATH) logging the files it opens or lists; the project's and the
    stage's files each notebook read, by notebook."""
    import papermill

    from analysis.build.execute import KERNEL_NAME

    hook_dir = work / "trace_hook"
    hook_dir.mkdir(parents=True, exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(TRACE_HOOK, encoding="utf-8")
    saved = dict(os.environ)
    reads: dict[str, set[str]] = {}
    data = (PROJECT / "data").resolve()
    skip = [str(PROJECT / ".venv"), str(PROJECT / "src"), str(PROJECT / ".git"), str(stage_dir / "_jupyter")]
    try:
        os.environ["JUPYTER_PATH"] = str(stage_dir / "_jupyter")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook_dir), saved.get("PYTHONPATH")]))
        sources = stage_dir / "_edition_notebooks"
        for source in sorted(sources.rglob("*.ipynb")):
            relative = source.relative_to(sources).as_posix()
            output = stage_dir / relative
            log = work / "trace" / (relative.replace("/", "__") + ".log")
            log.parent.mkdir(parents=True, exist_ok=True)
            os.environ["BUILD_SPEED_TRACE"] = str(log)
            side = stage_dir / "_data" / source.stem
            papermill.execute_notebook(str(source), str(output), kernel_name=KERNEL_NAME, progress_bar=False,
                                       cwd=str(output.parent), parameters={
                                           "year": year, "area_code": area_code, "data_dir": "",
                                           "output_dir": os.path.relpath(side, output.parent)})
            found = set()
            for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
                kind, path = line.split(" ", 1)
                if any(path.startswith(prefix) for prefix in skip) or path.endswith((".py", ".pyc")):
                    continue
                if path.startswith(str(data)):
                    found.add(f"{kind} data/{Path(path).relative_to(data).as_posix()}")
                elif path.startswith(str(stage_dir)) and kind != "W" and Path(path) != output:
                    found.add(f"{kind} stage/{Path(path).relative_to(stage_dir).as_posix()}")
                elif path.startswith(str(PROJECT)) and not path.startswith(str(stage_dir)):
                    found.add(f"{kind} {Path(path).relative_to(PROJECT).as_posix()}")
            reads[relative] = found
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return reads


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------


def print_profile(cold: Run, manifest: dict, anatomy: list[dict], probe: dict, imports: dict,
                  work_done: dict, sphinx: list, publishing: dict, reads: dict, jobs: int, stage_dir: Path) -> None:
    print("\n== Profile of the cold build ==")
    print(f"\nPhases (wall seconds; total {cold.seconds:.1f} s, load {cold.load:.2f} at start):")
    for name, seconds in phases(cold, manifest):
        print(f"  {name:58} {seconds:6.2f}  {seconds / cold.seconds:5.1%}")

    sections = [row for row in anatomy if not row["notebook"].startswith("notebooks/assurance/")]
    print(f"\nNotebooks (Papermill metadata; {jobs} at a time):")
    print(f"  {'notebook':42} {'total':>6} {'kernel':>7} {'import':>7} {'other':>7} {'shutdown':>9}")
    print(f"  {'':42} {'':>6} {'start':>7} {'cell':>7} {'cells':>7} {'+ write':>9}")
    for row in anatomy:
        print(f"  {row['notebook'].removeprefix('notebooks/'):42} {row['total']:6.2f} {row['kernel start']:7.2f} "
              f"{row['import cell']:7.2f} {row['other cells']:7.2f} {row['shutdown, write']:9.2f}")
    keys = ["total", "kernel start", "import cell", "other cells", "shutdown, write"]
    sums = {key: sum(row[key] for row in anatomy) for key in keys}
    print(f"  {'sum over ' + str(len(anatomy)) + ' notebooks':42} " + " ".join(
        f"{sums[key]:{w}.2f}" for key, w in zip(keys, (6, 7, 7, 7, 9))))
    gap = min(row["started"] for row in sections) - cold.started - next(
        t for t, _, text in cold.lines if re.match(r"^Executing \d+ notebook", text))
    print(f"  pool start (spawn workers, import papermill) to the first notebook's start: {gap:.2f} s")
    import_only = probe.get("import analysis.pages.page", 0.0) + probe.get("the notebooks' other imports", 0.0)
    print(f"  per notebook, median: kernel start {statistics.median(r['kernel start'] for r in anatomy):.2f} s, "
          f"import cell {statistics.median(r['import cell'] for r in anatomy):.2f} s (of which imports alone "
          f"about {import_only:.2f} s), shutdown + write {statistics.median(r['shutdown, write'] for r in anatomy):.2f} s; "
          f"slowest shutdowns " + ", ".join(f"{Path(r['notebook']).stem} {r['shutdown, write']:.1f} s"
                                            for r in sorted(anatomy, key=lambda r: -r['shutdown, write'])[:3]))

    print("\nA kernel by hand (jupyter_client, the stage's kernelspec; median of 3):")
    for name, seconds in probe.items():
        print(f"  {name:58} {seconds:6.2f}")

    for title, counter in imports.items():
        total = sum(counter.values())
        print(f"\nImport cost, {title} (-X importtime self time by top-level package; total {total:.2f} s):")
        for package, seconds in counter.most_common(10):
            print(f"  {package:30} {seconds:6.3f}")

    print("\nWork each notebook repeats (a fresh process; data files in the page cache):")
    for name, seconds in work_done.items():
        print(f"  {name:58} {seconds:6.3f}")
    uses_page = sum(1 for row in anatomy if Path(row["notebook"]).stem in _notebooks_calling(stage_dir, "Page("))
    uses_national = sum(1 for row in anatomy if Path(row["notebook"]).stem in _notebooks_calling(stage_dir, ".national()"))
    print(f"  notebooks making a Page: {uses_page}; calling .national(): {uses_national} (so the extract is read "
          f"and joined {uses_national} times per edition)")

    print("\nJupyter Book (jupyter-book build -W -n --keep-going on a copy of the stage):")
    for label, parts in sphinx:
        print(f"  {label}: {parts['total']:.2f} s; environment: {parts['environment'] or '-'}; "
              f"pages written: {parts['pages written']}")
        for name in ("to 'Running Sphinx' (imports)", "reading sources", "writing output",
                     "the rest (extensions, env, search index, static)"):
            print(f"    {name:56} {parts[name]:6.2f}")

    print("\nAfter the HTML:")
    for name, value in publishing.items():
        print(f"  {name:58} {value:6.3f}" if isinstance(value, float) else f"  {name:58} {value}")

    if reads:
        print("\nFiles each notebook reads (audit hook in its kernel; R read, L listed; stage/ = the staged edition):")
        by_file = collections.defaultdict(list)
        for notebook, found in reads.items():
            for entry in found:
                by_file[entry].append(Path(notebook).stem)
        everyone = len(reads)
        for entry in sorted(by_file):
            readers = by_file[entry]
            who = f"all {everyone}" if len(readers) == everyone else f"{len(readers)}: " + ", ".join(sorted(readers))
            print(f"  {entry:58} {who}")


def _notebooks_calling(stage_dir: Path, text: str) -> set[str]:
    found = set()
    for path in (stage_dir / "_edition_notebooks").rglob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(text in "".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"):
            found.add(path.stem)
    return found


def readers_in_records(stage_dir: Path, path: Path) -> set[str]:
    """The notebooks whose cache records (analysis.build.cache) say they read ``path``."""
    found = set()
    for record in (stage_dir / "_cache").rglob("*.ipynb.json"):
        data = json.loads(record.read_text(encoding="utf-8"))
        if str(path) in data.get("files", {}):
            found.add(data["notebook"])
    return found


def print_results(results: dict[str, Run], extra: list[Run], national_readers: int | None,
                  recorded_readers: set[str], repeat: int) -> None:
    print(f"\n== Build times ({'median of ' + str(repeat) if repeat > 1 else 'one run each'}) ==")
    print(f"  {'measurement':70} {'seconds':>8} {'executed':>9} {'load':>5}")
    for run in list(results.values()) + extra:
        executed = f"{run.new_notebooks}/{run.notebooks}" if run.notebooks else ""
        print(f"  {run.label:70} {run.seconds:8.1f} {executed:>9} {run.load:5.2f}")
    cold = results["cold"].seconds
    ratios = {
        "cold / naive": cold / results["naive"].seconds,
        "no-change / cold": results["no-change"].seconds / cold,
        "one section / cold": results["one section"].seconds / cold,
    }
    print(f"\n  {'target':28} {'ratio':>6} {'target':>8}  met")
    for name, target in TARGETS:
        print(f"  {name:28} {ratios[name]:6.2f} {'<= ' + format(target, '.2f'):>8}  {'yes' if ratios[name] <= target else 'no'}")
    same, replaced = results["national file"], results["national replaced"]
    traced = "unknown (run with --profile)" if national_readers is None else str(national_readers)
    # Besides the pages that read the file, provenance runs again whenever anything does (it shows the
    # run manifest), and the assurance pages whose inputs (the pages' registers) changed.
    print(f"  {'national file, same bytes':28} {same.seconds / cold:6.2f} {'':>8}  "
          f"{'yes' if same.new_notebooks == 0 else 'no'}: {same.new_notebooks} of {same.notebooks} notebooks executed")
    print(f"  {'national file replaced':28} {replaced.seconds / cold:6.2f} {'':>8}  "
          f"{replaced.new_notebooks} of {replaced.notebooks} notebooks executed; pages reading {NATIONAL_FILE}: "
          f"{len(recorded_readers)} by the build's records, {traced} by an audit trace of the naive composition")


# --------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", default="2024-25", help="the edition's year (default 2024-25)")
    parser.add_argument("--area", default=None, help="the edition's area (default: the partnership with its own figures)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the builds (default 2, the build's default)")
    parser.add_argument("--repeat", type=int, default=1, help="run each measurement N times and take the median")
    parser.add_argument("--profile", action="store_true", help="also profile where the cold build's time goes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--workdir", type=Path, default=None, help="the folder to work in (default: a new temporary one)")
    args = parser.parse_args(argv)
    args.area = edition_area(args.area)
    work = (args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="build_speed-")))
    work.mkdir(parents=True, exist_ok=True)
    stage_root, site_dir = work / "stage", work / "site"
    print(f"Build speed of {args.year} {args.area}, --jobs {args.jobs}, in {work}; "
          f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not (PROJECT / "src" / "analysis" / "__pycache__").is_dir():
        print("Note: PYTHONDONTWRITEBYTECODE is set and src/analysis/ has no __pycache__: every kernel compiles "
              "the analysis package from source, as a fresh clone's first build does", flush=True)
    started = time.perf_counter()
    results: dict[str, Run] = {}
    extra: list[Run] = []
    try:
        # 1. Cold builds: fresh folders each time; the last one's folders are kept for the rebuilds.
        runs = []
        for attempt in range(args.repeat):
            if attempt:
                shutil.rmtree(stage_root, ignore_errors=True)
                shutil.rmtree(site_dir, ignore_errors=True)
            runs.append(timed_build("cold build (python -m analysis build)", cli_build(args, stage_root, site_dir), work))
        results["cold"] = cold = median_run(runs)
        cold_last = runs[-1]
        stage_dir = cold_last.stage_dir
        manifest_text = (stage_dir / "manifest.json").read_text(encoding="utf-8")
        manifest = json.loads(manifest_text)
        facts = {name: (stage_dir / name).read_text(encoding="utf-8") for name in ("edition.json", "inputs.json")}
        profile_stage = None
        if args.profile:  # keep the cold stage: the rebuilds replace it
            profile_stage = work / "profile" / stage_dir.relative_to(stage_root)
            shutil.copytree(stage_dir, profile_stage)
            anatomy = notebook_anatomy(profile_stage)

        # 2. No-change rebuilds.
        runs = [timed_build("no-change rebuild (same command, same folders)", cli_build(args, stage_root, site_dir),
                            work, stage_dir) for _ in range(args.repeat)]
        results["no-change"] = median_run(runs)

        # 3. Naive composition.
        runs = []
        for attempt in range(args.repeat):
            naive_root = work / "naive"
            shutil.rmtree(naive_root, ignore_errors=True)
            runs.append(naive_composition(args, naive_root, manifest_text, facts=facts))
        results["naive"] = median_run(runs)
        naive_stage = runs[-1].stage_dir

        # 4. One section edited, in a copy of the book.
        book = work / "book"
        shutil.copytree(PROJECT, book, ignore=COPY_IGNORE)
        extra.append(timed_build("(priming) the book's copy, unchanged, same folders",
                                 api_build(args, stage_root, site_dir, book), work, stage_dir))
        runs = []
        for attempt in range(args.repeat):
            edit_markdown(book / SECTION_EDITED, f"(Benchmark edit {attempt + 1}.)")
            runs.append(timed_build(f"one section edited ({Path(SECTION_EDITED).stem}, a Markdown cell)",
                                    api_build(args, stage_root, site_dir, book), work, stage_dir))
        results["one section"] = median_run(runs)

        # 5. One national file replaced, in a copy of the data.
        data = work / "data"
        shutil.copytree(PROJECT / "data", data)
        extra.append(timed_build("(priming) --data-dir copy of data/, same folders",
                                 cli_build(args, stage_root, site_dir, data), work, stage_dir))
        runs = []
        for attempt in range(args.repeat):
            target = data / NATIONAL_FILE
            target.write_bytes(target.read_bytes())
            runs.append(timed_build(f"one national file rewritten ({Path(NATIONAL_FILE).name}, same bytes)",
                                    cli_build(args, stage_root, site_dir, data), work, stage_dir))
        results["national file"] = median_run(runs)
        runs = []
        for attempt in range(args.repeat):
            target = data / NATIONAL_FILE
            header, *rows = target.read_text(encoding="utf-8").splitlines(keepends=True)
            target.write_text(header + "".join(reversed(rows)), encoding="utf-8")
            runs.append(timed_build(f"one national file replaced ({Path(NATIONAL_FILE).name}, rows reordered)",
                                    cli_build(args, stage_root, site_dir, data), work, stage_dir))
        results["national replaced"] = median_run(runs)
        recorded_readers = readers_in_records(stage_dir, data / NATIONAL_FILE)

        national_readers = None
        if args.profile:
            print("Profiling ...", flush=True)
            area_code = manifest["parameters"]["area_code"]
            statements = [s for s in notebook_imports(profile_stage) if "analysis.pages.page" not in s]
            probe, imports = kernel_probe(profile_stage, args.year, area_code, statements, work)
            work_done = repeated_work(args.year, area_code)
            sphinx = sphinx_probe(profile_stage, work)
            publishing = scan_and_publish(profile_stage, work)
            reads = trace_reads(naive_stage, work, args.year, area_code)
            national_readers = sum(1 for found in reads.values() if f"R data/{NATIONAL_FILE}" in found)
        print_results(results, extra, national_readers, recorded_readers, args.repeat)
        if args.profile:
            print_profile(cold_last, manifest, anatomy, probe, imports, work_done, sphinx, publishing, reads,
                          args.jobs, profile_stage)
        print(f"\n({time.perf_counter() - started:.0f} s in all; load average now "
              f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    finally:
        if args.keep:
            print(f"Kept {work}")
        elif not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
