"""Warm kernels (analysis.build.kernel_server): a kernel forked from the build's server must be
the same as one started from nothing, except that the libraries are already imported, and it must
answer Jupyter's interrupts and stops as an ordinary kernel does."""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from jupyter_client import KernelManager

from analysis.build.execute import IMPORT_LATER_FROM, SERVER_VARIABLE, kernel_server
from analysis.build.stage import KERNEL_NAME, install_kernelspec

# What a kernel reports about itself: compared between a warm kernel and a cold one.
REPORT = """
import json, os, sys
print(json.dumps({
    "pid": os.getpid(), "parent": os.getppid(), "cwd": os.getcwd(), "path": sys.path,
    "hash": hash("the same in every build"), "marker": os.environ.get("KERNEL_TEST_MARKER"),
    "pandas_loaded": "pandas" in sys.modules, "frozen": __import__("gc").get_freeze_count(),
    "analysis_modules": sorted(name for name in sys.modules if name.split(".")[0] == "analysis"),
    "recording": os.environ.get("ANALYSIS_READS_LOG"),
}))
"""


@contextmanager
def running_kernel(jupyter_dir: Path, folder: Path, environment: dict[str, str]):
    saved = dict(os.environ)
    os.environ.update(environment, JUPYTER_PATH=str(jupyter_dir), KERNEL_TEST_MARKER="passed on")
    manager = KernelManager(kernel_name=KERNEL_NAME)
    try:
        manager.start_kernel(cwd=str(folder))
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        yield manager, client
        client.stop_channels()
    finally:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
        os.environ.clear()
        os.environ.update(saved)


def run(client, code: str, timeout: float = 30) -> tuple[str, dict]:
    """Run code in the kernel; return what it printed and the execute reply's content."""
    printed = []

    def output(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    reply = client.execute_interactive(code, timeout=timeout, output_hook=output)
    return "".join(printed), reply["content"]


def kernel_report(jupyter_dir: Path, folder: Path, environment: dict[str, str]) -> dict:
    with running_kernel(jupyter_dir, folder, environment) as (_, client):
        text, _ = run(client, REPORT)
    return json.loads(text)


@pytest.fixture
def server():
    with kernel_server() as address:
        time.sleep(0.2)
        yield address


def test_a_warm_kernel_is_the_server_forked_and_otherwise_the_same_as_a_cold_one(tmp_path, server):
    warm_dir, cold_dir = tmp_path / "warm", tmp_path / "cold"
    install_kernelspec(warm_dir)
    install_kernelspec(cold_dir, warm=False)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    log = tmp_path / "reads.log"
    recording = {"ANALYSIS_READS_LOG": str(log), "ANALYSIS_READS_ROOTS": str(tmp_path)}
    warm = kernel_report(warm_dir, folder, {SERVER_VARIABLE: server, **recording})
    cold = kernel_report(cold_dir, folder, recording)
    server_process = next(p for p in psutil.process_iter(["cmdline"])
                          if server in " ".join(p.info["cmdline"] or []) and "serve" in (p.info["cmdline"] or []))

    assert warm["parent"] == server_process.pid, "the warm kernel was not forked by the server"
    assert warm["pandas_loaded"] and not cold["pandas_loaded"]
    # The server's objects are frozen for the kernel's garbage collector (gc.freeze): it walks only
    # the objects the notebook makes.
    assert warm["frozen"] > 10_000 and cold["frozen"] == 0, (warm["frozen"], cold["frozen"])
    for key in ("cwd", "path", "hash", "marker", "analysis_modules", "recording"):
        assert warm[key] == cold[key], key
    assert warm["cwd"] == str(folder)
    assert warm["marker"] == "passed on"
    # Nothing of the package is in the server: only what the kernel's first line imports.
    assert warm["analysis_modules"] == ["analysis", "analysis.build", "analysis.build.reads"]


def test_an_interrupt_reaches_the_warm_kernel(tmp_path, server):
    install_kernelspec(tmp_path)
    with running_kernel(tmp_path, tmp_path, {SERVER_VARIABLE: server}) as (manager, client):
        request = client.execute("import time; print('sleeping', flush=True); time.sleep(60)")
        reply_to = lambda message: message["parent_header"].get("msg_id") == request  # noqa: E731
        while not (reply_to(message := client.get_iopub_msg(timeout=30)) and message["msg_type"] == "stream"):
            pass  # until the cell is running
        started = time.monotonic()
        manager.interrupt_kernel()
        while not reply_to(reply := client.get_shell_msg(timeout=20)):
            pass  # (a late answer to a start-up request)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 10
        # It still runs code (read from the reply itself: printed output can come late under load).
        for _ in range(3):
            reply = client.execute_interactive("still = 'here'", user_expressions={"still": "still"}, timeout=30)
            if reply["content"]["status"] != "aborted":
                break  # (ipykernel aborts what arrives before it has finished dropping the interrupted queue)
        assert reply["content"]["status"] == "ok"
        assert reply["content"]["user_expressions"]["still"]["data"]["text/plain"] == "'here'"


def test_a_killed_warm_kernel_is_gone(tmp_path, server):
    install_kernelspec(tmp_path)
    with running_kernel(tmp_path, tmp_path, {SERVER_VARIABLE: server}) as (manager, client):
        text, _ = run(client, "import os; print(os.getpid())")
        kernel_pid = int(text)
        assert kernel_pid != manager.provisioner.process.pid  # the stub stands in for it
        manager.shutdown_kernel(now=True)  # what a build does when a notebook has run: kill
        deadline = time.monotonic() + 10
        while psutil.pid_exists(kernel_pid) and psutil.Process(kernel_pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the forked kernel outlived its stub"
            time.sleep(0.1)


def test_without_a_server_the_kernel_starts_from_nothing(tmp_path):
    install_kernelspec(tmp_path)
    for environment in ({}, {SERVER_VARIABLE: str(tmp_path / "no-server-here")}):
        report = kernel_report(tmp_path, tmp_path, environment)
        assert not report["pandas_loaded"]
        assert report["parent"] == os.getpid()  # started by Jupyter itself, not forked


def test_the_server_ends_with_the_build():
    with kernel_server() as address:
        time.sleep(0.5)
        found = [p for p in psutil.process_iter(["cmdline"]) if address in " ".join(p.info["cmdline"] or [])]
        assert len(found) == 1
    # It ends by itself, soon, when the build closes its input.
    assert not Path(address).exists()
    deadline = time.monotonic() + 5
    while found[0].is_running() and found[0].status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the kernel server did not end when the build finished"
        time.sleep(0.05)


def test_what_pages_import_later_is_imported_by_the_server_while_it_is_idle(tmp_path, server):
    # The first kernel may be forked before the server has imported scipy.stats; a kernel asked
    # for once the server has been idle finds it already imported.
    install_kernelspec(tmp_path)
    check = "import sys; print('scipy.stats' in sys.modules)"
    deadline = time.monotonic() + 60
    while True:
        with running_kernel(tmp_path, tmp_path, {SERVER_VARIABLE: server}) as (_, client):
            text, _ = run(client, check)
        if text.strip() == "True":
            break
        assert time.monotonic() < deadline, "no kernel found scipy.stats imported by the server"
        time.sleep(0.5)


def test_a_server_for_a_few_kernels_imports_nothing_later(tmp_path):
    # A build that runs one or two pages: importing scipy.stats would cost more than it saves.
    install_kernelspec(tmp_path)
    with kernel_server(notebooks=IMPORT_LATER_FROM - 1) as address:
        time.sleep(3)  # idle for longer than the later imports take
        with running_kernel(tmp_path, tmp_path, {SERVER_VARIABLE: address}) as (_, client):
            text, _ = run(client, "import sys; print('pandas' in sys.modules, 'scipy.stats' in sys.modules)")
    assert text.split() == ["True", "False"]


def test_a_server_whose_folder_is_already_gone_ends_quietly(tmp_path):
    # A build that runs no notebook stops its server at once, and may remove the server's folder
    # before the server is up: that is no error for the analyst to see.
    import subprocess
    import sys

    from analysis.build.stage import KERNEL_SERVER_SCRIPT

    ended = subprocess.run([sys.executable, str(KERNEL_SERVER_SCRIPT), "serve", str(tmp_path / "gone" / "server")],
                           input="", capture_output=True, text=True, timeout=60)
    assert (ended.returncode, ended.stderr) == (0, "")


def test_a_server_asked_for_no_kernel_is_killed_at_once_and_one_that_served_ends_by_itself(tmp_path):
    # A build starts its server first thing; when it finds the edition up to date it executes
    # nothing, and the server must not go on importing for a second on the build's behalf.
    import signal

    from analysis.build.execute import KernelServer

    idle = KernelServer()
    idle.stop()
    assert idle.process.wait(timeout=30) == -signal.SIGKILL
    assert not Path(idle.folder).exists()

    with KernelServer() as served:
        served.expect(1)
    assert served.process.wait(timeout=60) == 0


def test_a_process_building_edition_after_edition_keeps_the_server_that_served_a_build(monkeypatch):
    # build-all's workers (and any script) build editions in turn in one process: the libraries are
    # imported once, by the server the first build used, not again for every edition.
    import signal

    from analysis.build import execute
    from analysis.build.lock import TOKEN_VARIABLE

    monkeypatch.setattr(execute, "_kept_server", None)
    first = execute.kernel_server_for_build()
    with first:  # a build that executed notebooks
        first.expect(1)
    assert not first.process.stdin.closed and Path(first.folder).is_dir(), "the first build's server was stopped"
    # The next build, up to date, executes nothing: the server stays for the builds after it.
    monkeypatch.setenv(TOKEN_VARIABLE, "a build's token: set while a build runs")
    second = execute.kernel_server_for_build()
    assert second is first
    second.stop()
    assert execute.kernel_server_for_build() is first and not first.process.stdin.closed

    # A different environment (the kernels' import path comes from the server's): a new server,
    # and the old one ends.
    monkeypatch.setenv("PYTHONPATH", "/a/folder/of/other/modules")
    other = execute.kernel_server_for_build()
    assert other is not first
    assert first.process.wait(timeout=60) == 0 and not Path(first.folder).exists()

    # One that served no build is killed when its build stops it, and the next build starts another.
    other.stop()
    assert other.process.wait(timeout=30) == -signal.SIGKILL
    last = execute.kernel_server_for_build()
    assert last is not other
    last.stop()
