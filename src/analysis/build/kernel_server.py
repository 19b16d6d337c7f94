"""Python kernels started warm: one process imports the libraries once, and each kernel is a copy of it.

Every notebook runs in a kernel of its own, and a kernel started from nothing spends about a
second starting IPython and importing pandas, matplotlib and the rest before the notebook's
first line runs; a build runs twenty-odd notebooks. So a build starts one kernel server (this
file, run as a script; a process that builds editions in turn keeps it for its next build),
which imports those libraries once and then, for each kernel asked of it, forks: the kernel is
a fresh copy of the server as it was before any notebook ran, with the libraries already in
memory. Nothing passes from one notebook to another, because every kernel
is forked from the server, never from another kernel. (scipy.stats, which pages import only to
test a change, is imported once the first kernels are asked for, while the server is idle: the
first kernels import it themselves if they need it, the later ones find it there.)

The server imports nothing of the ``analysis`` package (this file is run by its path, not as a
module of the package), so each notebook still imports the package's modules itself, and the
build records them among what the page depends on (analysis.build.reads).

The kernelspec starts ``python kernel_server.py kernel <ipykernel arguments>`` (the *stub*). The
stub passes its arguments, environment, folder and standard streams to the server named by
``ANALYSIS_KERNEL_SERVER`` and stays as the kernel's stand-in for Jupyter: it passes on the
signals Jupyter sends (an interrupt, a stop) and ends when the kernel ends. If the stub is
killed, the kernel kills itself. Without a server (the variable not set, or the server gone),
the stub becomes an ordinary kernel, started from nothing.
"""
from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import socket
import sys
import threading

SERVER_VARIABLE = "ANALYSIS_KERNEL_SERVER"

# What every page imports (directly or through the analysis package), in import order; the
# first three are the kernel itself. A library missing here is imported by the page as usual.
WARM_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython.display",
    "numpy", "pandas", "yaml", "matplotlib", "matplotlib.pyplot", "matplotlib.ticker",
    "afcharts.af_colours", "myst_nb", "myst_nb.ext.glue", "gptables", "openpyxl",
)
# What many pages import, but only once they test a change (analysis.stats): about a second, so
# imported once the first kernels are on their way, whenever no kernel is being asked for; and
# only when the build will ask for enough kernels for that to pay (it says "later" on standard input).
LATER_MODULES = ("scipy.stats",)
_MESSAGE_SIZE = 1 << 20


def _ordinary_kernel(arguments: list[str]) -> None:
    """Become a kernel started from nothing (``python -m ipykernel_launcher``)."""
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *arguments])


# --------------------------------------------------------------------------
# The stub: what Jupyter starts
# --------------------------------------------------------------------------


def stub(arguments: list[str]) -> None:
    address = os.environ.get(SERVER_VARIABLE)
    if not address:
        _ordinary_kernel(arguments)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(address)
        request = {"arguments": arguments, "environment": dict(os.environ), "folder": os.getcwd()}
        socket.send_fds(connection, [json.dumps(request).encode("utf-8")], [0, 1, 2])
        pid = int(json.loads(connection.recv(_MESSAGE_SIZE))["pid"])
    except (OSError, ValueError, KeyError):
        connection.close()
        _ordinary_kernel(arguments)  # no server to ask: start the kernel the ordinary way

    def pass_on(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, pass_on)
    wait_until_closed(connection)  # the kernel holds the other end: it closes when the kernel ends
    sys.exit(0)


def wait_until_closed(connection: socket.socket) -> None:
    """Return when the process at the other end of ``connection`` has closed it, or ended."""
    try:
        while connection.recv(1):
            pass
    except OSError:
        pass


# --------------------------------------------------------------------------
# The server: what the build starts
# --------------------------------------------------------------------------


def serve(address: str) -> None:
    """Listen at ``address``, import the libraries, then fork a kernel for each request until
    standard input closes (the build has finished, or died). The line "later" on standard input
    (the build will ask for enough kernels for it to pay): import LATER_MODULES too, while idle."""
    # Listening before the imports: a stub that asks early waits for them rather than going cold.
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        listener.bind(address)
    except OSError:
        return  # the build ran no notebook and removed the folder first; a stub starts a kernel from nothing
    listener.listen(64)
    for name in WARM_MODULES:
        _import(name)
    later = []
    # Forked kernels are never waited for here: the system removes them when they end.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        readable, _, _ = select.select([listener, sys.stdin.fileno()], [], [], 0 if later else None)
        if not readable and later:
            _import(later.pop(0))  # nobody is waiting for a kernel
            continue
        if sys.stdin.fileno() in readable:
            said = os.read(sys.stdin.fileno(), 1024)
            if not said:
                # The build has ended (or died without removing the folder): tidy it away.
                shutil.rmtree(os.path.dirname(address), ignore_errors=True)
                return
            if b"later" in said:
                later = [name for name in LATER_MODULES if name not in sys.modules]
        if listener not in readable:
            continue
        connection, _ = listener.accept()
        try:
            message, fds, _, _ = socket.recv_fds(connection, _MESSAGE_SIZE, 3)
            request = json.loads(message)
        except (OSError, ValueError):
            connection.close()
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        # The server's objects (the imported libraries) go where the kernel's garbage collector
        # never looks: a kernel's first full collection would otherwise walk them all (about a
        # tenth of a second each), copying the memory it shares with the server as it goes.
        gc.freeze()
        if os.fork() == 0:
            listener.close()
            _run_kernel(connection, fds, request)  # never returns
        connection.close()
        for fd in fds:
            os.close(fd)


def _import(name: str) -> None:
    try:
        __import__(name)
    except Exception:  # noqa: BLE001 - a page that needs it will say what is wrong
        pass


def _run_kernel(connection: socket.socket, fds: list[int], request: dict) -> None:
    """In the forked copy: become the kernel the stub asked for, then end."""
    code = 1
    try:
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        os.setsid()  # like a kernel Jupyter starts: a terminal's Ctrl-C does not reach it
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["folder"])
        os.environ.clear()
        os.environ.update(request["environment"])
        connection.send(json.dumps({"pid": os.getpid()}).encode("utf-8"))
        threading.Thread(target=_end_with_stub, args=(connection,), daemon=True).start()
        sys.argv = ["ipykernel_launcher", *request["arguments"]]
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance(argv=request["arguments"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _end_with_stub(connection: socket.socket) -> None:
    """The stub is the kernel as far as Jupyter knows: when it is killed, so is the kernel."""
    wait_until_closed(connection)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    # Run by its path, Python put this file's folder first on the path; a kernel must not find
    # the build's modules (cache, stage, ...) as top-level modules there.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["kernel"]:
        stub(sys.argv[2:])
    else:
        sys.exit("usage: kernel_server.py serve ADDRESS | kernel IPYKERNEL-ARGUMENTS")
