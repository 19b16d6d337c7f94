"""The kernel manager and client the build runs notebooks with: jupyter_client's, without its
fixed waits.

jupyter_client's client takes a kernel to be ready only after a fixed 0.2 s with nothing on the
kernel's IOPub channel, and its manager looks every 0.1 s whether a stopped kernel has gone. A
warm kernel (analysis.build.kernel_server) is listening about 0.1 s after it is asked for, so
those waits were most of the time each notebook's kernel took to start and stop: about a third
of a second per notebook.

What "ready" means is unchanged: the kernel has answered a kernel_info request on the shell
channel, and the client has seen that request's messages on the IOPub channel (so the first
cell's output is not lost to a subscription still being set up). Messages left over from the
start are ignored by nbclient, which reads only the messages of the cell it runs.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, DottedObjectName, Type

from analysis.build.failures import KERNEL_DIED, KERNEL_SILENT
from analysis.build.stage import SERVER_VARIABLE

# How long a kernel_info request's answer is waited for, on each channel, before it is asked again.
SHELL_WAIT = 1.0
IOPUB_WAIT = 0.05
# How often a stopped kernel is looked at until it has gone.
STOP_POLL = 0.005


class NotebookKernelClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers kernel_info and its IOPub messages reach this client."""
        socket = self.shell_channel.socket
        # A request the shell channel cannot take (its queue full, as when no kernel reads it) is
        # given up after a while rather than waited on for ever: the deadline must still apply.
        socket.setsockopt(zmq.SNDTIMEO, int(SHELL_WAIT * 1000))
        try:
            await self._wait_for_ready(timeout)
        finally:
            socket.setsockopt(zmq.SNDTIMEO, -1)

    async def _wait_for_ready(self, timeout: float | None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        asked: set[str] = set()
        reply = None
        while True:
            try:
                asked.add(self.kernel_info())
            except zmq.Again:
                pass  # not sent: the checks below still run
            if reply is None:
                reply = await self._message_for(self.shell_channel, asked, SHELL_WAIT, deadline)
                if reply is not None and reply["msg_type"] != "kernel_info_reply":
                    reply = None
            # Until IOPub is subscribed, what the kernel publishes there is lost: ask again.
            if reply is not None and await self._idle_seen(asked, deadline):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError(KERNEL_DIED)
            if time.monotonic() > deadline:
                raise RuntimeError(f"{KERNEL_SILENT} {timeout:g} seconds")

    async def _message_for(self, channel, asked: set[str], wait: float, deadline: float) -> dict | None:
        """The next message on ``channel`` answering one of ``asked``, or None after ``wait`` seconds."""
        give_up = min(time.monotonic() + wait, deadline)
        while (left := give_up - time.monotonic()) > 0:
            try:
                message = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if message.get("parent_header", {}).get("msg_id") in asked:
                return message
        return None

    async def _idle_seen(self, asked: set[str], deadline: float) -> bool:
        """Whether the kernel's "idle" status after one of ``asked`` arrives on IOPub in time."""
        give_up = min(time.monotonic() + IOPUB_WAIT, deadline)
        while (left := give_up - time.monotonic()) > 0:
            message = await self._message_for(self.iopub_channel, asked, left, deadline)
            if message is None:
                return False
            if message["msg_type"] == "status" and message["content"].get("execution_state") == "idle":
                return True
        return False


class NotebookKernelManager(AsyncKernelManager):
    client_class = DottedObjectName("analysis.build.kernel_manager.NotebookKernelClient")
    client_factory = Type(klass=NotebookKernelClient)
    # The kernel is reached through Unix sockets, not TCP ports. jupyter_client picks a TCP port
    # as free before the kernel takes it, so kernels started at the same moment (build-all, or
    # two builds) could be given the same port, and a client could wait on a port no kernel of
    # its own listens on.
    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def _ip_default(self) -> str:
        """Where the kernel's sockets go (``<ip>-<n>``): beside the build's kernel server (its
        folder goes when the build ends), or in the temporary folder; a name of its own."""
        server = os.environ.get(SERVER_VARIABLE)
        folder = os.path.dirname(server) if server and os.path.isdir(os.path.dirname(server)) else tempfile.gettempdir()
        return os.path.join(folder, f"kernel-{uuid.uuid4().hex[:12]}") if self.transport == "ipc" else super()._ip_default()

    async def _async_wait(self, pollinterval: float = STOP_POLL) -> None:
        """Return once the kernel's process has gone (looking every ``STOP_POLL`` seconds)."""
        while await self._async_is_alive():
            await asyncio.sleep(min(pollinterval, STOP_POLL))
