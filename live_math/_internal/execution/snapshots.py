"""Under ``mkdocs serve``, paused copies of the workers, so that an edited block resumes its session's state
instead of replaying the blocks before it.

After each block a serve build runs, its worker forks a :class:`Snapshot`: a copy of itself, in a process
group of its own, that holds the session's namespace after that block and waits on its channel (pages are
shared copy-on-write with the worker it came from). :class:`Snapshots` keeps them by page, session and the
block's cache key, which hashes every earlier block of the session and the helper files: a snapshot is
only ever resumed by the same session of the same page, after the same blocks. When a later build needs
block k and the snapshot after block k-1 is kept, :meth:`Snapshot.fork` gives a fresh worker from it that
runs block k and those after it; the snapshot stays paused for the next edit. Where no snapshot is kept,
the session is replayed from its first block, as a plain build does.

At most ``snapshots`` are kept (the least recently used go first). Every snapshot ends when the helper files,
the preloaded packages or the session's environment change, when MkDocs shuts down, and, should MkDocs
die, when its end of their channel closes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
from collections import OrderedDict
from multiprocessing.connection import Connection

from live_math._internal.execution.workers import STARTUP_TIMEOUT, Worker, WorkerError

PAUSE_TIMEOUT = 30.0  # seconds a worker's copy may take to report itself paused (a fork takes milliseconds)


class Snapshot:
    """A paused copy of a worker after one block of its session (``zygote.take_snapshot``)."""

    def __init__(self, control: socket.socket, root):
        self.control = control
        self.root = root
        self.lock = threading.Lock()
        self.scratch = None  # the session's scratch folder (sandbox.policy.Scratch), held while this lives
        control.settimeout(PAUSE_TIMEOUT)
        try:
            self.pid = json.loads(control.recv(4096))["paused"]
        except (OSError, ValueError, KeyError):
            control.close()
            raise WorkerError("a worker's snapshot did not start") from None

    def fork(self) -> Worker:
        """A new worker with the snapshot's state, in a process group of its own, ready for the next block."""
        channel, theirs = socket.socketpair()
        dump_read, dump_write = os.pipe()
        try:
            with self.lock:
                self.control.settimeout(STARTUP_TIMEOUT)
                socket.send_fds(self.control, [json.dumps({"fork": 0}).encode()], [theirs.fileno(), dump_write])
                pid = json.loads(self.control.recv(4096))["pid"]
        except (OSError, ValueError, KeyError):
            channel.close()
            os.close(dump_read)
            raise WorkerError("a worker's snapshot has stopped") from None
        finally:
            theirs.close()
            os.close(dump_write)
        return Worker(self, pid, Connection(channel.detach()), dump_read, self.root)

    def exit_status(self, pid: int) -> int | None:
        """The wait status of worker ``pid``, forked from this snapshot, once it ended (None if unknown)."""
        try:
            with self.lock:
                self.control.settimeout(STARTUP_TIMEOUT)
                self.control.send(json.dumps({"wait": pid}).encode())
                return json.loads(self.control.recv(4096))["status"]
        except (OSError, ValueError, KeyError):
            return None

    def close(self) -> None:
        """End the snapshot (the workers forked from it are not its to end: their sessions end them)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        with self.lock:  # after the kill: a fork from it under way sees its channel end, then fails
            self.control.close()
        if self.scratch is not None:
            self.scratch.release()
            self.scratch = None


class Snapshots:
    """The snapshots kept across `mkdocs serve` rebuilds, by ``(page, session, block key)``; at most
    ``limit``, the least recently used ended first. Empty (and taking none) unless :meth:`start_build`
    was given a positive limit."""

    def __init__(self):
        self.kept: OrderedDict[tuple, Snapshot] = OrderedDict()
        self.limit = 0
        self.state: object = None
        self.lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def start_build(self, limit: int, state: object) -> None:
        """Keep at most ``limit``; end every snapshot if ``state`` (what every session starts from: helper
        files, preloaded packages, environment) differs from the last build's."""
        with self.lock:
            self.limit = limit
            if state != self.state:
                self._end(list(self.kept))
            self.state = state
            self._trim()

    def room(self) -> int:
        """How many more can be kept before the least recently used is ended."""
        with self.lock:
            return max(0, self.limit - len(self.kept))

    def get(self, key: tuple) -> Snapshot | None:
        with self.lock:
            snapshot = self.kept.get(key)
            if snapshot is not None:
                self.kept.move_to_end(key)
            return snapshot

    def add(self, key: tuple, snapshot: Snapshot) -> None:
        with self.lock:
            if key in self.kept or not self.enabled:
                snapshot.close()
                return
            self.kept[key] = snapshot
            self._trim()

    def discard(self, key: tuple) -> None:
        with self.lock:
            self._end([key])

    def pids(self) -> list[int]:
        with self.lock:
            return [snapshot.pid for snapshot in self.kept.values()]

    def close(self) -> None:
        with self.lock:
            self._end(list(self.kept))

    def _trim(self) -> None:
        self._end(list(self.kept)[: max(0, len(self.kept) - self.limit)])

    def _end(self, keys: list[tuple]) -> None:
        for key in keys:
            snapshot = self.kept.pop(key, None)
            if snapshot is not None:
                snapshot.close()
