"""Executing the staged notebooks with Papermill, each in its own worker process and kernel.

Every failure is collected and reported with its notebook and cell; nothing is raised
from a worker. Heavy imports (papermill) happen inside the workers only, so the command
line starts quickly; a process that builds editions in turn keeps its kernel server, and from its
second build on its workers, for its next build, so they import once per process, not per edition.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
import multiprocessing.util
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterator

from analysis.build.bytecode import write_bytecode
from analysis.build.failures import KERNEL_DIED, KERNEL_SILENT, NotebookFailure
from analysis.build.lock import TOKEN_VARIABLE
from analysis.build.reads import LOG_VARIABLE
from analysis.build.stage import KERNEL_ENVIRONMENT, KERNEL_NAME, KERNEL_SERVER_SCRIPT, SERVER_VARIABLE

# Papermill marks the cells it adds to a failed notebook with this tag.
_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
INJECTED_CELL_ID = "injected-parameters"
CODE_BLOCK_CELL_ID = "how-this-page-was-made"

Progress = Callable[[str], None]


def _init_worker(parent: int) -> None:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # A worker kept for later builds outlives the build that started it, so that build's guard does
    # not stop it (analysis.build.lock): it ends itself once the process that started it has gone.
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


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


CODE_BLOCK_TITLE = "How this page was made"


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _fence(code: str) -> str:
    """A code fence longer than any run of backticks in the code, so nothing in it ends the fence."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def code_block_cell(cells: list[dict]) -> dict:
    """A Markdown cell holding every code cell's source, in order, behind one collapsed toggle.

    The toggle has the theme's own markup for a hidden cell input (``details.hide.above-input``
    inside ``div.cell``), so it looks like the code toggles readers know, and the book's print
    rules leave it out of printed pages and the PDF."""
    lines = [
        '<div class="cell analysis-code docutils container">',
        '<details class="admonition hide above-input">',
        f'<summary aria-label="{CODE_BLOCK_TITLE}: the code">',
        f'<p class="collapsed admonition-title">{CODE_BLOCK_TITLE}: show the code</p>',
        f'<p class="expanded admonition-title">{CODE_BLOCK_TITLE}: hide the code</p>',
        "</summary>",
        "",
        "Every code cell of this page's notebook, in the order it ran. The executed notebook, "
        "with its outputs, is the download (.ipynb) at the top of the page.",
        "",
    ]
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags") or []
        if "injected-parameters" in tags:
            label = f"Cell {number}: the parameters this page was run with"
        elif "parameters" in tags:
            label = f"Cell {number}: the notebook's default parameters"
        else:
            label = f"Cell {number}"
        code = _text(cell.get("source", "")).rstrip("\n")
        fence = _fence(code)
        lines += [f"**{label}**", "", f"{fence}python", code, fence, ""]
    lines += ["</details>", "</div>"]
    return {"cell_type": "markdown", "id": CODE_BLOCK_CELL_ID, "metadata": {},
            "source": "\n".join(lines) + "\n"}


def tidy_executed_notebook(path: Path, relative: str) -> None:
    """The one rewrite of an executed notebook, so that nothing in it depends on where the
    stage is or on chance, and the code stays out of the reader's way.

    Papermill's input and output paths become ``relative`` (the notebook's path in the
    book) and its injected parameters cell gets a fixed id. Each code cell's input is
    removed from the page (its outputs stay where they are), and one collapsed block at the
    end of the page lists every code cell's source in order, the parameters it ran with
    among them, so a scrutineer can still read all of it. The code cells themselves are
    kept, so the downloadable notebook is the whole executed notebook."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    papermill = notebook.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        for key in ("input_path", "output_path"):
            if key in papermill:
                papermill[key] = relative
    cells = [cell for cell in notebook["cells"] if cell.get("id") != CODE_BLOCK_CELL_ID]
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        metadata = cell.setdefault("metadata", {})
        tags = [tag for tag in metadata.get("tags") or [] if tag != "hide-input"]
        if "remove-input" not in tags:
            tags.append("remove-input")
        metadata["tags"] = tags
        if "injected-parameters" in tags and "id" in cell:
            cell["id"] = INJECTED_CELL_ID
    if any(cell.get("cell_type") == "code" for cell in cells):
        cells.append(code_block_cell(cells))
    notebook["cells"] = cells
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


START_TIMEOUT = 120  # seconds a kernel may take to start


class KernelDidNotStart(RuntimeError):
    """A notebook's kernel did not start, twice: none of the notebook ran."""


def kernel_did_not_start(error: BaseException) -> bool:
    return isinstance(error, RuntimeError) and (KERNEL_DIED in str(error) or KERNEL_SILENT in str(error))


def kernel_start_failure(error: BaseException, start_timeout: float) -> str:
    """What to tell the analyst when the kernel did not start, twice."""
    jupyter_path = (os.environ.get("JUPYTER_PATH") or "").split(os.pathsep)[0]
    kernelspec = (f"{Path(jupyter_path) / 'kernels' / KERNEL_NAME / 'kernel.json'}" if jupyter_path
                  else f"the {KERNEL_NAME} kernel spec (jupyter kernelspec list)")
    what = (f"did not start in {start_timeout:g} seconds" if KERNEL_SILENT in str(error)
            else "died while starting")
    return (f"the notebook's Python kernel {what}, twice ({error}); none of the notebook's code ran. "
            f"Run the build again. If it fails again, check whether the machine is short of processors "
            f"or memory (other builds or programs running; try --jobs 1), and check {kernelspec}: it "
            f"should start {sys.executable} {KERNEL_SERVER_SCRIPT} kernel")


def execute_notebook(task: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook with Papermill (in a worker process). Never raises:
    returns a plain dict (picklable) with ``ok``, ``seconds``, ``kernel_retried`` and error details."""
    started = time.perf_counter()
    result: dict[str, Any] = {"notebook": task["notebook"], "ok": False, "kernel_retried": False}
    start_timeout = task.get("start_timeout", START_TIMEOUT)
    # The kernel inherits these: where it records what the notebook reads (analysis.build.reads),
    # where the stage's kernelspec is, the kernel server's address and the build's token.
    environment = task.get("environment") or {}
    before = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    if environment.get(LOG_VARIABLE):
        log = Path(environment[LOG_VARIABLE])
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("", encoding="utf-8")
    try:
        import papermill

        from analysis.build.kernel_manager import NotebookKernelManager

        for attempt in (1, 2):
            try:
                papermill.execute_notebook(
                    task["input"],
                    task["output"],
                    parameters=task["parameters"],
                    kernel_name=KERNEL_NAME,
                    progress_bar=False,
                    cwd=task["cwd"],
                    start_timeout=start_timeout,
                    execution_timeout=task.get("cell_timeout"),
                    # The notebook has run and its outputs are saved: stop the kernel at once, rather
                    # than ask it to shut down and wait (up to 3 s when it does not answer in time).
                    shutdown_kernel="immediate",
                    # Written once, when it has run (or failed), not again at every cell's start
                    # and end: nothing reads it while it runs.
                    request_save_on_cell_execute=False,
                    # jupyter_client's, without its fixed waits (analysis.build.kernel_manager).
                    kernel_manager_class=NotebookKernelManager,
                )
                break
            except RuntimeError as error:
                # A kernel that did not start (e.g. on a heavily loaded machine) ran none of the
                # notebook's code, so starting it once more is safe; any other error is reported.
                if not kernel_did_not_start(error):
                    raise
                if attempt == 2:
                    raise KernelDidNotStart(kernel_start_failure(error, start_timeout)) from error
                result["kernel_retried"] = True
        tidy_executed_notebook(Path(task["output"]), task["notebook"])
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
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    result["seconds"] = time.perf_counter() - started
    return result


def format_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


# The first kernels are forked before the server's later imports are done (analysis.build.
# kernel_server.LATER_MODULES), so those pay only when at least this many kernels are to be run.
IMPORT_LATER_FROM = 4


class KernelServer:
    """The build's kernel server (analysis.build.kernel_server): kernels asked of it start with the
    libraries already imported. A build starts it first thing, so that its imports (about a
    second) overlap the build's own checks and staging, and stops it at once should nothing be
    executed. A server ``kept`` for the process's later builds (``kernel_server_for_build``) is
    not stopped once it has served a build."""

    def __init__(self, kept: bool = False):
        self.folder = tempfile.mkdtemp(prefix="analysis-kernels-")  # a short path: socket paths are limited
        self.address = os.path.join(self.folder, "server")
        self.started_with = _server_environment()
        environment = {**os.environ, **KERNEL_ENVIRONMENT}
        environment.pop(SERVER_VARIABLE, None)
        environment.pop(TOKEN_VARIABLE, None)  # a kept server outlives the build that started it
        self.process = subprocess.Popen([sys.executable, str(KERNEL_SERVER_SCRIPT), "serve", self.address],
                                        stdin=subprocess.PIPE, env=environment)
        self.used = False
        self.kept = kept

    def expect(self, notebooks: int) -> None:
        """About ``notebooks`` kernels will be asked for: when that is enough for the later imports
        to pay, the server makes them while it is idle."""
        self.used = True
        if notebooks >= IMPORT_LATER_FROM:
            try:
                self.process.stdin.write(b"later\n")
                self.process.stdin.flush()
            except (OSError, ValueError):
                pass  # it has ended: kernels start from nothing, as the stub does without a server

    def stop(self) -> None:
        """A server that served kernels ends when its input closes, while the build goes on (should
        the build die first, the system closes its input all the same); one that served none is
        killed at once, rather than left to finish its imports. A kept server that has served a build
        stays for the next; it ends when this process does (its input closes)."""
        if self.process.stdin.closed or (self.kept and self.used):
            return
        if not self.used:
            self.process.kill()
        self.process.stdin.close()
        threading.Thread(target=self.process.wait, daemon=True).start()  # reaped when it has ended
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "KernelServer":
        return self

    def __exit__(self, *exception) -> None:
        self.stop()


_kept_server: KernelServer | None = None
_kept_server_lock = threading.Lock()


def _server_environment() -> dict[str, str]:
    """This process's environment, as far as a kernel server started now would differ by it: not
    the variables a build sets for its own processes while it runs (its token, the server's address)."""
    return {name: value for name, value in os.environ.items() if name not in (TOKEN_VARIABLE, SERVER_VARIABLE)}


def kernel_server_for_build() -> KernelServer:
    """The kernel server for a build in this process: the one an earlier build here used, while it
    runs and the environment is the one it was started in (its kernels' import path comes from
    it), or a new one, kept for the builds after. So a process that builds editions in turn
    (build-all's workers, or a script) imports the libraries once, and its later builds' first
    kernels start warm. Kernels are forked from the server, never from one another, so nothing
    passes from one build's notebooks to the next's."""
    global _kept_server
    with _kept_server_lock:
        server = _kept_server
        if server is not None and server.process.poll() is None and not server.process.stdin.closed \
                and server.started_with == _server_environment():
            return server
        if server is not None:
            server.kept = False
            server.stop()
        _kept_server = KernelServer(kept=True)
        return _kept_server


@contextmanager
def kernel_server(notebooks: int = IMPORT_LATER_FROM) -> Iterator[str]:
    """A kernel server (KernelServer) for about ``notebooks`` kernels; yields its address."""
    with KernelServer() as server:
        server.expect(notebooks)
        yield server.address


class NotebookWorkers:
    """The worker processes a build executes its notebooks on (``notebook_workers``), and what each
    notebook's kernel must be started with for this build: the stage's kernelspec, the kernel
    server, and the build's token (analysis.build.lock)."""

    def __init__(self, pool: ProcessPoolExecutor, environment: dict[str, str]):
        self.pool, self.environment = pool, environment

    def submit(self, task: dict[str, Any]):
        token = {TOKEN_VARIABLE: os.environ[TOKEN_VARIABLE]} if TOKEN_VARIABLE in os.environ else {}
        environment = {**self.environment, **token, **(task.get("environment") or {})}
        return self.pool.submit(execute_notebook, {**task, "environment": environment})

    def cancel(self, futures) -> None:
        """Cancel those of ``futures`` (this build's) that have not started. The workers stay, for
        another build in this process (one in another thread, or the next)."""
        for future in futures:
            future.cancel()


class _KeptPool:
    def __init__(self, jobs: int):
        self.jobs, self.started_with, self.process = jobs, _server_environment(), os.getpid()
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"),
                                        initializer=_init_worker, initargs=(os.getpid(),))

    def usable(self, jobs: int) -> bool:
        # A pool that was shut down cannot be used again; nor can one whose worker died, which
        # concurrent.futures shuts down (and marks broken).
        # (A forked copy of this process cannot use its parent's pool: its threads were not copied.)
        return (self.jobs == jobs and self.started_with == _server_environment() and self.process == os.getpid()
                and not self.pool._shutdown_thread)


_kept_pool: _KeptPool | None = None


def _shut_down_kept_pool() -> None:
    # Registered with multiprocessing: in a process it started (a Dask worker), its exit waits for
    # the process's children before Python would tell the pool's workers to end. (Before the pool's
    # own queue is closed, which its finalizer of priority 10 does: the workers are told through it.)
    if _kept_pool is not None and _kept_pool.process == os.getpid():
        _kept_pool.pool.shutdown(wait=True, cancel_futures=True)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """``jobs`` worker processes for executing notebooks, kept for this process's later builds (as
    ``kernel_server_for_build`` keeps the kernel server): each worker imports Papermill once,
    not once per build. A new pool is started when the number of jobs or the process's environment
    changes, or the last one can no longer be used."""
    global _kept_pool
    with _kept_server_lock:
        if _kept_pool is not None and _kept_pool.usable(jobs):
            return _kept_pool.pool
        if _kept_pool is not None and _kept_pool.process == os.getpid():
            # Another build in this process (in another thread) may still have notebooks queued on
            # it: they run, then its workers end.
            _kept_pool.pool.shutdown(wait=False)
        if _kept_pool is None or _kept_pool.process != os.getpid():
            multiprocessing.util.Finalize(None, _shut_down_kept_pool, exitpriority=100)
        _kept_pool = _KeptPool(jobs)
        return _kept_pool.pool


_builds_with_workers = 0  # builds in this process that have executed notebooks


def forget_worker_pool(pool: ProcessPoolExecutor) -> None:
    """Let ``pool``'s workers end once they have nothing to do, and keep it no longer."""
    global _kept_pool
    with _kept_server_lock:
        if _kept_pool is not None and _kept_pool.pool is pool:
            _kept_pool = None
    pool.shutdown(wait=False)


@contextmanager
def notebook_workers(jobs: int, jupyter_dir: Path, notebooks: int = IMPORT_LATER_FROM,
                     server: KernelServer | None = None) -> Iterator[NotebookWorkers]:
    """``jobs`` worker processes for executing about ``notebooks`` notebooks, each starting kernels
    from the kernelspec in ``jupyter_dir``, warm from ``server`` (or one of their own), which is
    stopped with them. A build keeps them for all its notebooks (sections, then assurance
    pages); the workers stay for the process's next build (``worker_pool``)."""
    write_bytecode()  # so that no kernel or worker compiles the package again
    with server or KernelServer() as kernels:
        kernels.expect(notebooks)
        existing = os.environ.get("JUPYTER_PATH")
        global _builds_with_workers
        with _kept_server_lock:
            _builds_with_workers += 1
            first = _builds_with_workers == 1
        pool = worker_pool(jobs)
        try:
            yield NotebookWorkers(pool, {
                "JUPYTER_PATH": str(jupyter_dir) + (os.pathsep + existing if existing else ""),
                SERVER_VARIABLE: kernels.address})
        finally:
            if first:
                # A command that builds one edition would keep idle workers until it ends, for
                # nothing: the process's first build lets its workers end now (whether or not its
                # notebooks ran), and only a process that builds again keeps them (build-all's
                # workers, a script).
                forget_worker_pool(pool)


def run_notebooks(
    tasks: list[dict[str, Any]], jobs: int, jupyter_dir: Path, progress: Progress,
    workers: NotebookWorkers | None = None,
) -> tuple[dict[str, float], list[NotebookFailure]]:
    """Execute the tasks ``jobs`` at a time (on ``workers`` when given, which are left running
    for the caller to stop); return seconds per notebook and the failures."""
    durations: dict[str, float] = {}
    failures: dict[str, NotebookFailure] = {}
    total = len(tasks)
    if not tasks:
        return durations, []
    if workers is None:
        with notebook_workers(min(jobs, total), jupyter_dir, total) as own_workers:
            return run_notebooks(tasks, jobs, jupyter_dir, progress, own_workers)
    by_name = {task["notebook"]: task for task in tasks}
    done = 0
    futures: dict = {}
    try:
        for task in tasks:
            futures[workers.submit(task)] = task["notebook"]
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
            retried = " (its kernel did not start at the first try, so it was started again)" \
                if result["ok"] and result.get("kernel_retried") else ""
            progress(f"[{done}/{total}] {stem} {mark} {format_seconds(result['seconds'])}{retried}")
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
        workers.cancel(futures)
        raise
    order = [task["notebook"] for task in tasks]
    ordered_failures = [failures[name] for name in order if name in failures]
    return {name: durations[name] for name in order if name in durations}, ordered_failures
