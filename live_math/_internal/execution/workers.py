"""The processes snippets run in, seen from MkDocs: start the warm parent, fork a worker per session, enforce
each block's time limit from outside, and end every worker with all it started.

A :class:`Zygote` is ``zygote.py`` running in its own process, started once and kept across ``mkdocs serve``
rebuilds. :meth:`Zygote.fork` gives a :class:`Worker`: a fresh copy of the zygote, in a process group of its
own, that runs one session's blocks in order. :meth:`Worker.run` sends a block and waits for its answer at
most the block's time limit; past it, the worker's whole process group is killed (SIGKILL), which nothing
the snippet does (catching exceptions, ignoring signals, a long C call, a leftover thread) can delay or
refuse. A worker that ends without answering is reported with its exit status or the signal that killed it.
"""

from __future__ import annotations

import itertools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from live_math._internal.execution.runner import timeout_frames
from live_math._internal.execution.zygote import FIXED_ENVIRONMENT

# Seconds past a block's limit before the kill: faulthandler, inside the worker, writes the snippet's stack
# at the limit (counted from when the block was sent, however late the worker began it), and this leaves it
# time to arrive. On a machine too busy to run the worker even then, the kill waits for the stack up to
# DUMP_GRACE more seconds, never longer.
SLACK = 0.25
DUMP_GRACE = 2.0
STARTUP_TIMEOUT = 300.0  # seconds the zygote may take to import the preloaded packages (a cold disk is slow)


class WorkerError(Exception):
    """The processes that run snippets could not be started or stopped unexpectedly."""


@dataclass
class Failure:
    """Why a block produced no output. ``kind``: ``raised`` (the snippet raised or exited: ``error`` is the
    exception's class name, ``module`` the module it could not import), ``output`` (it printed too much),
    ``timeout``, ``died`` (its process ended without answering: ``signal`` names the signal, if any), or
    ``setup`` (its process could not be started or confined)."""

    kind: str
    headline: str
    details: list[str] = field(default_factory=list)
    error: str = ""
    module: str | None = None
    signal: str | None = None
    hint: str | None = None  # what the sandbox allows, when it refused what the snippet did


class Zygote:
    """The warm parent of the workers (``zygote.py``), which has imported the ``preload`` packages."""

    def __init__(self, preload: list[str], environment: dict[str, str]):
        self.preload = list(preload)
        self.environment = dict(environment)
        # The sessions' scratch folders live under this one, which the zygote removes when it exits.
        self.scratch_root = Path(tempfile.mkdtemp(prefix="live-math-"))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-P", "-m", "live_math._internal.execution.zygote"]
        self.process = subprocess.Popen(
            [*command, str(theirs.fileno()), json.dumps(self.preload), str(self.scratch_root)],
            pass_fds=[theirs.fileno()],
            # Only what the workers may see: no other variable of the builder's is ever in their memory.
            env={**self.environment, **FIXED_ENVIRONMENT},
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C at the terminal is for MkDocs, which then ends the zygote
        )
        theirs.close()
        self.control = ours
        self.sending = threading.Lock()
        self.changed = threading.Condition()
        self.ready: dict | None = None
        self.forked: dict[int, int] = {}
        self.exited: dict[int, int] = {}
        self.closed = False
        self.ids = itertools.count()
        threading.Thread(target=self._read, name="live-math zygote", daemon=True).start()

    @property
    def alive(self) -> bool:
        return not self.closed and self.process.poll() is None

    def wait_ready(self) -> dict:
        """Wait until the preloaded packages are imported; return ``{"ready": bytes, "missing": [...],
        "failed": [...]}``."""
        with self.changed:
            self.changed.wait_for(lambda: self.ready is not None or self.closed, timeout=STARTUP_TIMEOUT)
            if self.ready is None:
                raise WorkerError(f"the process that starts snippet workers did not start ({self._status()})")
            return self.ready

    def fork(self) -> Worker:
        """A new worker, forked from the zygote, in a process group of its own."""
        channel, theirs = socket.socketpair()
        dump_read, dump_write = os.pipe()
        ident = next(self.ids)
        try:
            with self.sending:
                socket.send_fds(self.control, [json.dumps({"fork": ident}).encode()], [theirs.fileno(), dump_write])
        except OSError:
            channel.close()
            os.close(dump_read)
            raise WorkerError(f"the process that starts snippet workers has stopped ({self._status()})") from None
        finally:
            theirs.close()
            os.close(dump_write)
        with self.changed:
            self.changed.wait_for(lambda: ident in self.forked or self.closed, timeout=STARTUP_TIMEOUT)
            pid = self.forked.pop(ident, None)
        if pid is None:
            channel.close()
            os.close(dump_read)
            raise WorkerError(f"the process that starts snippet workers has stopped ({self._status()})")
        return Worker(self, pid, Connection(channel.detach()), dump_read)

    def keep_snapshot(self, pid: int) -> None:
        """Tell the zygote that ``pid`` is a serve snapshot, which must outlive the worker it was taken from."""
        self._tell({"snapshot": pid})

    def sweep(self) -> None:
        """Have the zygote end what a worker that was not its child (one resumed from a snapshot) left behind."""
        self._tell({"sweep": True})

    def _tell(self, message: dict) -> None:
        try:
            with self.sending:
                self.control.send(json.dumps(message).encode())
        except OSError:
            pass  # the zygote has stopped, and everything below it with it

    def exit_status(self, pid: int, timeout: float = 10.0) -> int | None:
        """The wait status of worker ``pid`` once the zygote has reaped it (None if it cannot say)."""
        with self.changed:
            self.changed.wait_for(lambda: pid in self.exited or self.closed, timeout=timeout)
            return self.exited.pop(pid, None)

    def close(self) -> None:
        """End the zygote; it kills every worker (and what they started) before it exits."""
        self.closed = True
        try:
            self.control.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch_root, ignore_errors=True)

    def _read(self) -> None:
        while True:
            try:
                packet = self.control.recv(65536)
            except OSError:
                packet = b""
            with self.changed:
                if not packet:
                    self.closed = True
                    self.changed.notify_all()
                    return
                message = json.loads(packet)
                if "ready" in message:
                    self.ready = message
                elif "forked" in message:
                    self.forked[message["forked"]] = message["pid"]
                elif "exited" in message:
                    self.exited[message["exited"]] = message["status"]
                self.changed.notify_all()

    def _status(self) -> str:
        code = self.process.poll()
        if code is None:
            return "it stopped answering"
        return f"it was killed by {signal.Signals(-code).name}" if code < 0 else f"it exited with status {code}"


class Worker:
    """One session's process: blocks are sent one at a time and run in order in the same namespace.
    ``parent`` (the Zygote, or the snapshot it was forked from) tells its wait status once it ended."""

    def __init__(self, parent, pid: int, channel: Connection, dump: int, root: Path = Path()):
        self.parent = parent
        self.pid = pid
        self.channel = channel
        self.dump = dump
        self.root = root
        self.killed = False
        self.paused: socket.socket | None = None  # the channel of the snapshot taken after the last block
        self.on_close: list = []  # called once the worker has ended (its scratch folder let go, …)
        self.scratch = None  # the session's scratch folder (sandbox.policy.Scratch), if it is sandboxed

    def start(self, session: dict) -> None:
        """Give the worker its session: ``root``, ``path`` (import path), ``filename`` and ``source`` of the
        page, ``module`` (the namespace's module name) and ``environment``."""
        self.root = Path(session["root"])
        self._send(session)

    def run(self, block: dict, snapshot: bool = False) -> str | Failure:
        """Run ``block`` (code, first_line, workdir, width, timeout, memory, max_output); return what it printed.
        With ``snapshot``, the worker then forks a paused copy of itself, whose channel is left in ``paused``
        (see ``zygote.take_snapshot``)."""
        self.paused = None
        if not snapshot:
            return self._run(block)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            outcome = self._run(block, theirs)
        finally:
            theirs.close()
        if isinstance(outcome, str):
            self.paused = ours
        else:
            ours.close()
        return outcome

    def _run(self, block: dict, pause: socket.socket | None = None) -> str | Failure:
        # The stack is dumped at the kill's deadline, not a time limit after the worker began: a worker that
        # starts the block late on a busy machine would otherwise write it after the kill.
        deadline = time.monotonic() + block["timeout"]
        message = block | {"snapshot": pause is not None, "deadline": deadline}
        if not self._send(message) or (pause and not self._send_fd(pause)):
            return self._died()
        if not self.channel.poll(block["timeout"] + SLACK):
            if self.dump >= 0:
                select.select([self.dump], [], [], DUMP_GRACE)  # readable as soon as faulthandler wrote
            self.kill()
            details = timeout_frames(self._read_dump(), self.root)
            return Failure("timeout", f"snippet timed out after {block['timeout']:g} s", details)
        try:
            answer = json.loads(self.channel.recv_bytes())
        except (EOFError, OSError):
            return self._died()
        if "output" in answer:
            return answer["output"]
        failure = answer["failure"]
        kind = {"OutputLimit": "output", "SandboxError": "setup"}.get(failure["error"], "raised")
        headline, details, error = failure["headline"], failure["details"], failure["error"]
        return Failure(kind, headline, details, error, failure["module"], hint=failure.get("hint"))

    def kill(self) -> None:
        """Kill the worker and every process in its group; safe to call more than once."""
        if self.killed:
            return
        self.killed = True
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # not yet its own group leader, or already gone
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        """Kill the worker, wait until it has ended, and let go of its channel, pipe and scratch folder."""
        ended = _exit_watch(self.pid)
        self.kill()
        if ended is not None:
            select.select([ended], [], [], 2.0)  # readable once it has ended and its orphans are re-parented
            os.close(ended)
        self.channel.close()
        if self.dump >= 0:
            os.close(self.dump)
            self.dump = -1
        hooks, self.on_close = self.on_close, []
        for hook in hooks:
            hook()

    def _send(self, message: dict) -> bool:
        try:
            self.channel.send_bytes(json.dumps(message).encode())
            return True
        except OSError:
            return False

    def _send_fd(self, fd: socket.socket) -> bool:
        try:
            with socket.fromfd(self.channel.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as stream:
                socket.send_fds(stream, [b"s"], [fd.fileno()])
            return True
        except OSError:
            return False

    def _died(self) -> Failure:
        status = self.parent.exit_status(self.pid)
        self.kill()
        if status is None:
            return Failure("died", "the process running this snippet ended without answering")
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
            return Failure("died", f"the process running this snippet was killed by {name}", signal=name)
        return Failure("died", f"the process running this snippet exited with status {os.WEXITSTATUS(status)}")

    def _read_dump(self, wait: float = 1.0) -> str:
        """What faulthandler wrote at the limit; the worker is dead, so the pipe ends soon."""
        chunks, deadline = [], time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.dump], [], [], left)
            if not readable:
                break
            chunk = os.read(self.dump, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")


def _exit_watch(pid: int) -> int | None:
    """A pidfd of ``pid``, readable once it has ended (None where Linux has none, or if it already ended)."""
    try:
        return os.pidfd_open(pid)
    except (OSError, AttributeError):
        return None


class Zygotes:
    """Keeps one :class:`Zygote` as long as the plugin lives (``mkdocs serve`` rebuilds included), starting a
    new one if the ``preload`` list or the workers' environment changed, or the last one stopped."""

    def __init__(self):
        self.current: Zygote | None = None
        self.lock = threading.Lock()

    def get(self, preload: list[str], environment: dict[str, str]) -> Zygote:
        with self.lock:
            current = self.current
            if (
                current is None
                or not current.alive
                or (current.preload, current.environment)
                != (
                    list(preload),
                    environment,
                )
            ):
                if current is not None:
                    current.close()
                self.current = Zygote(preload, environment)
            return self.current

    def close(self) -> None:
        with self.lock:
            if self.current is not None:
                self.current.close()
                self.current = None
