"""The worker processes notebooks are executed on (analysis.build.execute.worker_pool): kept for a
process's later builds, each build's kernels still started with that build's kernelspec, kernel
server and token, and never left running once the process that started them has gone."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from analysis.build import execute
from analysis.build.execute import NotebookWorkers, execute_notebook, notebook_workers, worker_pool
from analysis.build.lock import TOKEN_VARIABLE
from analysis.build.stage import SERVER_VARIABLE

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def fresh_pool(monkeypatch):
    """No pool kept from an earlier test; the one a test starts is shut down after it."""
    monkeypatch.setattr(execute, "_kept_pool", None)
    yield
    if execute._kept_pool is not None:
        execute._kept_pool.pool.shutdown(wait=True, cancel_futures=True)


def _pids(pool) -> set[int]:
    pool.submit(os.getpid).result(timeout=60)  # (the workers are started on the first task)
    return {process.pid for process in pool._processes.values()}


def test_the_pool_is_kept_for_the_next_build_and_replaced_when_it_cannot_serve(fresh_pool, monkeypatch):
    first = worker_pool(2)
    workers = _pids(first)
    assert worker_pool(2) is first and _pids(first) == workers  # the next build: the same workers
    assert worker_pool(1) is not first  # another number of jobs: a new pool
    again = worker_pool(1)
    assert worker_pool(1) is again
    monkeypatch.setenv("PYTHONPATH", "/a/folder/of/other/modules")  # another environment: a new pool
    other = worker_pool(1)
    assert other is not again
    other.shutdown(wait=True)  # (one that was shut down)
    assert worker_pool(1) is not other
    # A worker that died leaves the pool broken: the next build gets a new one.
    broken = worker_pool(1)
    (pid,) = _pids(broken)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(Exception):
        broken.submit(time.sleep, 0).result(timeout=60)
    assert worker_pool(1) is not broken


class _Server:
    """Stands in for the build's kernel server."""
    address = "/tmp/this-builds-server"

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        pass

    def expect(self, notebooks):
        pass


class _RecordingPool:
    def __init__(self):
        self.tasks = []

    def submit(self, function, task):
        self.tasks.append(task)


def test_each_task_carries_this_builds_kernelspec_server_and_token(tmp_path, monkeypatch):
    # A kept worker was started by an earlier build: its own environment names that build's stage,
    # server and token, so each task names this build's, for the kernel it starts.
    monkeypatch.setenv("JUPYTER_PATH", "/the/users/own/jupyter")
    monkeypatch.setenv(TOKEN_VARIABLE, "this build's token")
    pool = _RecordingPool()
    monkeypatch.setattr(execute, "worker_pool", lambda jobs: pool)
    monkeypatch.setattr(execute, "write_bytecode", lambda: None)
    monkeypatch.setattr(execute, "_builds_with_workers", 1)  # (a later build: its workers are kept)

    with notebook_workers(2, tmp_path / "jupyter", 1, _Server()) as workers:
        workers.submit({"notebook": "a.ipynb", "environment": {"ANALYSIS_READS_LOG": "/tmp/log"}})
    (task,) = pool.tasks
    assert task["environment"] == {
        "JUPYTER_PATH": f"{tmp_path / 'jupyter'}{os.pathsep}/the/users/own/jupyter",
        SERVER_VARIABLE: "/tmp/this-builds-server", TOKEN_VARIABLE: "this build's token",
        "ANALYSIS_READS_LOG": "/tmp/log"}


def test_a_task_leaves_the_workers_environment_as_it_found_it(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/the/workers/own/jupyter")
    monkeypatch.delenv("NOTEBOOK_WORKERS_TEST", raising=False)
    result = execute_notebook({"notebook": "missing.ipynb", "input": str(tmp_path / "missing.ipynb"),
                               "output": str(tmp_path / "out.ipynb"), "parameters": {}, "cwd": str(tmp_path),
                               "environment": {"JUPYTER_PATH": "/a/stage/_jupyter", "NOTEBOOK_WORKERS_TEST": "1"}})
    assert not result["ok"]  # (there is no such notebook: the environment is put back all the same)
    assert os.environ["JUPYTER_PATH"] == "/the/workers/own/jupyter"
    assert "NOTEBOOK_WORKERS_TEST" not in os.environ


KEEPER = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from analysis.build.execute import worker_pool
if __name__ == "__main__":
    pool = worker_pool(2)
    for future in [pool.submit(time.sleep, 0.5) for _ in range(4)]:  # (both workers start)
        future.result()
    print(" ".join(str(process.pid) for process in pool._processes.values()), flush=True)
    sys.stdin.readline()
"""


def test_kept_workers_end_once_the_process_that_started_them_is_killed(tmp_path):
    # A process that builds editions in turn keeps its workers after a build, so the build's guard
    # (analysis.build.lock) no longer watches them: they must end by themselves when it is killed.
    script = tmp_path / "keeper.py"
    script.write_text(KEEPER, encoding="utf-8")
    keeper = subprocess.Popen([sys.executable, str(script), str(SRC)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    workers = [int(pid) for pid in keeper.stdout.readline().split()]
    assert len(workers) == 2 and all(psutil.pid_exists(pid) for pid in workers)
    keeper.kill()
    keeper.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_running(pid) for pid in workers):
        time.sleep(0.2)
    outlived = [pid for pid in workers if _running(pid)]
    for pid in outlived:  # (not left running after the test)
        os.kill(pid, signal.SIGKILL)
    assert not outlived, "a worker outlived the process that started it"


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


MULTIPROCESSING_CHILD = """
import multiprocessing, os, sys
sys.path.insert(0, sys.argv[1])

def build_like_a_dask_worker():
    from analysis.build.execute import worker_pool
    worker_pool(1).submit(os.getpid).result()

if __name__ == "__main__":
    child = multiprocessing.get_context("spawn").Process(target=build_like_a_dask_worker)
    child.start()
    child.join(20)
    print(child.exitcode, flush=True)
    if child.exitcode is None:
        child.kill()
"""


def test_a_process_multiprocessing_started_ends_at_once_with_its_kept_workers(tmp_path):
    # A Dask worker is such a process: multiprocessing's exit there waits for the process's children,
    # so the kept workers must be told to end first (or Dask kills the worker after 4 seconds).
    script = tmp_path / "parent.py"
    script.write_text(MULTIPROCESSING_CHILD, encoding="utf-8")
    started = time.monotonic()
    finished = subprocess.run([sys.executable, str(script), str(SRC)], capture_output=True, text=True, timeout=120)
    assert finished.stdout.strip() == "0", finished.stdout + finished.stderr
    assert time.monotonic() - started < 15


def test_a_build_stopped_part_way_cancels_only_its_own_notebooks(fresh_pool):
    # Another build in this process (in another thread) shares the workers: its notebooks still run.
    pool = worker_pool(1)
    others = [pool.submit(time.sleep, 0.3) for _ in range(2)]
    own = [pool.submit(time.sleep, 0.3) for _ in range(2)]
    NotebookWorkers(pool, {}).cancel(own)
    assert all(future.cancelled() for future in own)
    assert [future.result(timeout=60) for future in others] == [None, None]
    assert worker_pool(1) is pool  # and the workers stay for the next build


def test_a_build_that_needs_other_workers_lets_another_builds_queued_notebooks_finish(fresh_pool):
    pool = worker_pool(1)
    queued = [pool.submit(time.sleep, 0.3) for _ in range(3)]
    assert worker_pool(2) is not pool  # (another build, with two notebooks at a time)
    assert [future.result(timeout=60) for future in queued] == [None, None, None]


FORKED = """
import os, sys
sys.path.insert(0, sys.argv[1])
from analysis.build.execute import worker_pool
if __name__ == "__main__":
    parents = worker_pool(1)
    parents.submit(os.getpid).result()
    child = os.fork()
    if child == 0:
        pool = worker_pool(1)  # a forked copy cannot use its parent's pool (its threads are gone)
        print("new" if pool is not parents else "same", pool.submit(os.getpid).result(timeout=30) != os.getpid(),
              flush=True)
        os._exit(0)
    os.waitpid(child, 0)
"""


def test_a_forked_copy_of_the_process_starts_workers_of_its_own(tmp_path):
    script = tmp_path / "forked.py"
    script.write_text(FORKED, encoding="utf-8")
    finished = subprocess.run([sys.executable, str(script), str(SRC)], capture_output=True, text=True, timeout=120)
    assert finished.stdout.strip() == "new True", finished.stdout + finished.stderr


def test_a_processs_first_build_lets_its_workers_go_and_later_builds_keep_theirs(fresh_pool, tmp_path, monkeypatch):
    # A command that builds one edition gains nothing from idle workers kept until it ends.
    monkeypatch.setattr(execute, "_builds_with_workers", 0)
    monkeypatch.setattr(execute, "write_bytecode", lambda: None)
    pools = []
    for _ in range(3):
        with notebook_workers(1, tmp_path, 1, _Server()) as workers:
            pools.append(workers.pool)
    assert pools[0]._shutdown_thread, "the first build's workers were kept"
    assert pools[1] is pools[2] is execute._kept_pool.pool and not pools[1]._shutdown_thread


def test_a_processs_first_build_lets_its_workers_go_when_it_fails_too(fresh_pool, tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "_builds_with_workers", 0)
    monkeypatch.setattr(execute, "write_bytecode", lambda: None)
    with pytest.raises(RuntimeError):
        with notebook_workers(1, tmp_path, 1, _Server()) as workers:
            raise RuntimeError("a notebook failed")
    assert workers.pool._shutdown_thread and execute._kept_pool is None
