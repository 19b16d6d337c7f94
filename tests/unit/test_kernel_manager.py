"""The kernel manager the build runs notebooks with (analysis.build.kernel_manager): ready only once
the kernel answers on the shell channel and its IOPub messages arrive, with jupyter_client's own
errors when a kernel dies or never answers; and a stopped kernel is gone when the stop returns.

A stand-in kernel (written below) shows what a real one cannot be made to do on demand: lose its
first IOPub messages, as a kernel does when the client's subscription is not yet in place."""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from analysis.build.execute import SERVER_VARIABLE, kernel_server
from analysis.build.failures import KERNEL_DIED, KERNEL_SILENT
from analysis.build.kernel_manager import NotebookKernelManager
from analysis.build.stage import KERNEL_NAME, install_kernelspec

# A kernel that answers kernel_info on its shell channel, but publishes the "busy" and "idle" of
# the first LOST requests nowhere (as if nobody were subscribed yet), and logs what it does.
STAND_IN = r'''
import json, sys, time
import zmq
from jupyter_client.session import Session

connection = json.load(open(sys.argv[1]))
mode, lost, log = sys.argv[2], int(sys.argv[3]), open(sys.argv[4], "a")
if mode == "dies":
    sys.exit(3)
session = Session(key=connection["key"].encode(), signature_scheme=connection["signature_scheme"])
context = zmq.Context()
separator = ":" if connection["transport"] == "tcp" else "-"  # a port, or a Unix socket's file
address = lambda name: f"{connection['transport']}://{connection['ip']}{separator}{connection[name + '_port']}"
shell = context.socket(zmq.ROUTER); shell.bind(address("shell"))
iopub = context.socket(zmq.PUB); iopub.bind(address("iopub"))
for name in ("control", "stdin"):
    context.socket(zmq.ROUTER).bind(address(name))
heartbeat = context.socket(zmq.REP); heartbeat.bind(address("hb"))
asked = 0
while True:
    idents, message = session.recv(shell, mode=0)
    if mode == "silent":
        continue
    asked += 1
    if asked > lost:
        session.send(iopub, "status", {"execution_state": "busy"}, parent=message)
    session.send(shell, "kernel_info_reply", {"status": "ok", "protocol_version": "5.3",
                 "implementation": "stand-in", "language_info": {"name": "python"}},
                 parent=message, ident=idents)
    if asked > lost:
        # (logged first: the client may stop this kernel as soon as the idle reaches it)
        log.write(f"published idle for request {asked}\n"); log.flush()
        session.send(iopub, "status", {"execution_state": "idle"}, parent=message)
    else:
        log.write(f"lost the IOPub messages of request {asked}\n"); log.flush()
'''


@contextmanager
def stand_in_kernel(tmp_path: Path, mode: str, lost: int = 0):
    jupyter_dir, log = tmp_path / "jupyter", tmp_path / "kernel.log"
    spec = jupyter_dir / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "stand_in.py").write_text(STAND_IN, encoding="utf-8")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(spec / "stand_in.py"), "{connection_file}", mode, str(lost), str(log)],
        "display_name": "stand-in", "language": "python"}), encoding="utf-8")
    log.touch()
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(jupyter_dir)
    try:
        yield log
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH")
        else:
            os.environ["JUPYTER_PATH"] = saved


def run_async(coroutine):
    """Run ``coroutine`` to its end on an event loop of its own, in a thread of its own (an event
    loop left running by another test in this process cannot get in the way)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def start_and_wait(timeout: float) -> None:
    manager = NotebookKernelManager(kernel_name=KERNEL_NAME)
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def test_not_ready_until_the_kernels_iopub_messages_arrive(tmp_path):
    with stand_in_kernel(tmp_path, "answers", lost=2) as log:
        run_async(start_and_wait(timeout=60))
        lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["lost the IOPub messages of request 1", "lost the IOPub messages of request 2"]
    assert lines[2] == "published idle for request 3"


def test_a_kernel_that_never_answers_is_reported_as_jupyter_reports_it(tmp_path):
    with stand_in_kernel(tmp_path, "silent"), pytest.raises(RuntimeError) as caught:
        run_async(start_and_wait(timeout=2))
    assert str(caught.value) == f"{KERNEL_SILENT} 2 seconds"


def test_a_kernel_that_dies_while_starting_is_reported_as_jupyter_reports_it(tmp_path):
    with stand_in_kernel(tmp_path, "dies"), pytest.raises(RuntimeError) as caught:
        run_async(start_and_wait(timeout=60))
    assert str(caught.value) == KERNEL_DIED


SOCKETS: dict[str, object] = {}  # how the last kernel of first_cell_and_stop was reached


async def first_cell_and_stop(jupyter_dir: Path) -> tuple[list[str], int, bool]:
    """Start a kernel, run a cell at once, stop the kernel: what it printed, its pid, whether the
    process was gone when the stop returned."""
    os.environ["JUPYTER_PATH"] = str(jupyter_dir)
    manager = NotebookKernelManager(kernel_name=KERNEL_NAME)
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    printed: list[str] = []
    output = lambda message: message["msg_type"] == "stream" and printed.append(message["content"]["text"])  # noqa: E731
    await client.execute_interactive("import os; print(os.getpid())", output_hook=output, timeout=30)
    SOCKETS.update(transport=manager.transport, ip=manager.ip,
                   files=[path for path in Path(manager.ip).parent.glob(Path(manager.ip).name + "-*")])
    client.stop_channels()
    stub = manager.provisioner.process.pid
    await manager.shutdown_kernel(now=True)
    return printed, stub, psutil.pid_exists(stub) and psutil.Process(stub).status() != psutil.STATUS_ZOMBIE


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_a_real_kernels_first_output_arrives_and_a_stopped_kernel_is_gone(tmp_path, warm):
    install_kernelspec(tmp_path, warm=warm)
    saved = dict(os.environ)
    try:
        if warm:
            with kernel_server() as address:
                os.environ[SERVER_VARIABLE] = address
                printed, stub, alive = run_async(first_cell_and_stop(tmp_path))
        else:
            printed, stub, alive = run_async(first_cell_and_stop(tmp_path))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert len(printed) == 1 and printed[0].strip().isdigit(), printed
    assert not alive, "the kernel's process was still there when the stop returned"
    # Reached through Unix sockets of its own, not TCP ports that another kernel could be given;
    # a warm kernel's beside the server (its folder goes with the build). They go with the kernel.
    assert SOCKETS["transport"] == "ipc" and len(SOCKETS["files"]) == 5
    assert Path(SOCKETS["ip"]).parent == (Path(address).parent if warm else Path(tempfile.gettempdir()))
    assert not [path for path in SOCKETS["files"] if path.exists()]
    kernel = int(printed[0])
    deadline = time.monotonic() + 10
    while psutil.pid_exists(kernel) and psutil.Process(kernel).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the kernel outlived its stop"
        time.sleep(0.05)


def test_a_request_the_shell_channel_cannot_take_does_not_hold_up_the_deadline(tmp_path, monkeypatch):
    # When nothing reads the kernel's shell channel, its queue fills and sending one more request
    # would wait for ever: the build hung. A send now gives up after a while (zmq.Again), and the
    # kernel is reported as one that does not answer, which the build starts again.
    import zmq

    from analysis.build.kernel_manager import NotebookKernelClient

    send_timeouts = []

    def queue_full(client):
        send_timeouts.append(client.shell_channel.socket.getsockopt(zmq.SNDTIMEO))
        raise zmq.Again()

    monkeypatch.setattr(NotebookKernelClient, "kernel_info", queue_full)
    with stand_in_kernel(tmp_path, "silent"), pytest.raises(RuntimeError) as caught:
        run_async(start_and_wait(timeout=2))
    assert str(caught.value) == f"{KERNEL_SILENT} 2 seconds"
    assert send_timeouts and all(0 < timeout <= 5000 for timeout in send_timeouts)
