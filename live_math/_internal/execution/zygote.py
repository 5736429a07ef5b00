"""The warm parent of the snippet workers, and the workers' own loop: the code that runs outside MkDocs.

    python -P -m live_math._internal.execution.zygote CONTROL_FD PRELOAD_JSON

The MkDocs process (``workers.py``) starts this once and keeps it while it lives. It imports the heavy
packages named by the ``preload`` option (numpy, matplotlib), never the site's helper modules, and then
forks one worker per session on request, so a session starts in milliseconds with those packages already
imported, and imports ``snippets.*`` afresh. Each worker is a new process group (``os.setsid``), so that
the MkDocs process can kill it with every process it started.

Control socket (SOCK_SEQPACKET, one JSON object per packet):
    zygote -> parent  {"ready": address_space, "missing": [...], "failed": [...]} once, after preloading;
                      {"forked": id, "pid": pid} after each fork; {"exited": pid, "status": wait_status}.
    parent -> zygote  {"fork": id} with two file descriptors: the worker's channel (a socket) and the
                      write end of the pipe faulthandler writes the snippet's stack to at its time limit.
When the parent closes the socket (it ended, or was killed), the zygote kills every worker and exits.

A worker reads JSON messages on its channel: first the session (``start``), then one block at a time,
answering each with ``{"output": ...}`` or ``{"failure": {...}}``. A block with ``"snapshot": true`` is
followed on the channel by one byte carrying a socket: after the block ran without failing, the worker
forks a paused copy of itself that answers on that socket (``take_snapshot``; ``snapshots.py``).
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import os
import select
import signal
import socket
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType

from live_math._internal.execution.runner import SnippetFailure, run_snippet, show_source

# Set for every worker by the parent too; here they take effect before numpy starts its BLAS: one thread
# per worker (workers run side by side, and a process that forks must not have BLAS threads running).
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
FIXED_ENVIRONMENT = {**SINGLE_THREADED, "MPLBACKEND": "Agg"}


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    os.environ.update(FIXED_ENVIRONMENT)
    missing, failed = preload(json.loads(argv[2]))
    control.send(json.dumps({"ready": address_space(), "missing": missing, "failed": failed}).encode())
    serve(control)
    return 0


def preload(names: list[str]) -> tuple[list[str], list[str]]:
    """Import ``names``; return those not installed, and ``name: error`` for those that failed otherwise."""
    missing, failed = [], []
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name and name.split(".")[0] == error.name.split(".")[0]:
                missing.append(name)
            else:
                failed.append(f"{name}: {type(error).__name__}: {error}")
        except Exception as error:  # noqa: BLE001 - reported to the build, which names the option
            failed.append(f"{name}: {type(error).__name__}: {error}")
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].use("Agg")  # no window can open, and every worker draws the same
    return missing, failed


def serve(control: socket.socket) -> None:
    """Fork a worker for each request; report each worker's end; kill them all when the parent leaves."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # only to be woken by set_wakeup_fd
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for MkDocs, which then closes the socket
    workers: set[int] = set()
    try:
        while True:
            readable, _, _ = select.select([control, wake_read], [], [])
            if wake_read in readable:
                os.read(wake_read, 4096)
                reap(control, workers)
            if control in readable:
                try:
                    message, fds, _, _ = socket.recv_fds(control, 4096, 2)
                except OSError:
                    message, fds = b"", []
                if not message:
                    return
                request = json.loads(message)
                pid = os.fork()
                if pid == 0:
                    status = 1
                    try:
                        signal.set_wakeup_fd(-1)
                        for number in (signal.SIGCHLD, signal.SIGINT):
                            signal.signal(number, signal.SIG_DFL)
                        os.close(wake_read)
                        os.close(wake_write)
                        control.close()
                        status = work(*fds)
                    finally:
                        os._exit(status)
                for fd in fds:
                    os.close(fd)
                workers.add(pid)
                control.send(json.dumps({"forked": request["fork"], "pid": pid}).encode())
    finally:
        for pid in workers:
            kill_group(pid)
        for pid in workers:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def ended_children():
    """``(pid, wait status)`` of each child that has ended so far, without waiting for the others."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, status


def reap(control: socket.socket, workers: set[int]) -> None:
    """Tell the parent of each worker that ended, and end what it started."""
    for pid, status in ended_children():
        workers.discard(pid)
        kill_group(pid)  # what the worker started ends with it
        try:
            control.send(json.dumps({"exited": pid, "status": status}).encode())
        except OSError:
            return


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def address_space() -> int:
    """Bytes of address space this process has reserved (``VmSize``), which RLIMIT_AS counts."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# --- the worker ------------------------------------------------------------------------------------


def work(channel_fd: int, dump_fd: int) -> int:
    """Run one session's blocks as they arrive on the channel, until the parent closes it."""
    os.setsid()
    worker = os.getpid()
    channel = Connection(channel_fd)
    dump = os.fdopen(dump_fd, "w", encoding="utf-8")
    start = json.loads(channel.recv_bytes())
    os.environ.clear()
    os.environ.update({**start["environment"], **FIXED_ENVIRONMENT})
    sys.path[:0] = start["path"]
    root = Path(start["root"])
    show_source(start["filename"], start["source"])
    module = ModuleType(start["module"])  # libraries (dataclasses, pickle) expect a class's module to exist
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    baseline = address_space()
    while True:
        try:
            block = json.loads(channel.recv_bytes())
        except EOFError:
            return 0
        pause_fd = receive_fd(channel) if block.get("snapshot") else None
        answer = run_block(block, namespace, start, root, dump, baseline)
        if os.getpid() != worker:
            os._exit(0)  # a copy the snippet forked: it must not answer in the worker's name
        if pause_fd is not None and "output" not in answer:
            os.close(pause_fd)  # the session stops at a failure: nothing will resume from here
        elif pause_fd is not None and (resumed := take_snapshot(pause_fd, channel, dump)) is not None:
            # This process is a new worker forked from the snapshot: it waits for the session's next block.
            channel, dump = resumed
            worker = os.getpid()
            continue
        channel.send_bytes(json.dumps(answer).encode())


def receive_fd(channel: Connection) -> int:
    """The file descriptor the parent sends right after a block that asks for a snapshot."""
    with socket.fromfd(channel.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as stream:
        _, fds, _, _ = socket.recv_fds(stream, 1, 1)
    return fds[0]


def take_snapshot(pause_fd: int, channel: Connection, dump) -> tuple[Connection, object] | None:
    """Fork a paused copy of this worker, holding the session's state after the block just run.

    In the worker, return None at once. The copy (a process group of its own) answers on ``pause_fd``
    (SOCK_SEQPACKET, one JSON object per packet): ``{"paused": pid}`` once; for each ``{"fork": n}`` with a
    channel and a dump pipe, it forks a new worker from its state and answers ``{"forked": pid}``; for
    ``{"wait": pid}``, that worker's wait status (None if it has not ended within 10 s). It stays paused
    until the parent closes ``pause_fd``, then exits. In each worker it forks, this function returns that
    worker's channel and dump pipe, and the worker goes on where the session was.
    """
    if os.fork() != 0:
        os.close(pause_fd)
        return None
    try:
        os.setsid()
        channel.close()  # the worker's: its parent must see it end when the worker does
        dump.close()
        control = socket.socket(fileno=pause_fd)
        control.send(json.dumps({"paused": os.getpid()}).encode())
        statuses: dict[int, int] = {}
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(control, 4096, 2)
            except OSError:
                message, fds = b"", []
            if not message:
                os._exit(0)
            request = json.loads(message)
            if "fork" in request:
                pid = os.fork()
                if pid == 0:
                    os.setsid()
                    control.close()
                    return Connection(fds[0]), os.fdopen(fds[1], "w", encoding="utf-8")
                for fd in fds:
                    os.close(fd)
                control.send(json.dumps({"forked": request["fork"], "pid": pid}).encode())
            elif "wait" in request:
                control.send(json.dumps({"status": wait_for(request["wait"], statuses)}).encode())
            reap_into(statuses)
    except BaseException:
        os._exit(1)


def reap_into(statuses: dict[int, int]) -> None:
    """Reap the ended workers a snapshot forked, keeping their statuses until asked."""
    for pid, status in ended_children():
        statuses[pid] = status
        if len(statuses) > 256:  # nobody asks for the status of a worker that ended normally
            del statuses[next(iter(statuses))]


def wait_for(pid: int, statuses: dict[int, int], timeout: float = 10.0) -> int | None:
    deadline = time.monotonic() + timeout
    while pid not in statuses and time.monotonic() < deadline:
        reap_into(statuses)
        if pid not in statuses:
            time.sleep(0.01)
    return statuses.pop(pid, None)


def run_block(block: dict, namespace: dict, start: dict, root: Path, dump, baseline: int) -> dict:
    if "source" in block:  # the page as saved now (sessions.py sends it to a worker resumed from a snapshot)
        show_source(start["filename"], block["source"])  # so that a traceback quotes today's lines
    set_memory_limit(baseline + block["memory"] if baseline else None)
    os.chdir(block["workdir"])
    columns = str(block["width"]) if block["width"] else start["environment"].get("COLUMNS")
    if columns is None:
        os.environ.pop("COLUMNS", None)
    else:
        os.environ["COLUMNS"] = columns
    faulthandler.dump_traceback_later(block["timeout"], file=dump)
    try:
        output = run_snippet(
            block["code"],
            filename=start["filename"],
            first_line=block["first_line"],
            namespace=namespace,
            root=root,
            max_output=block["max_output"],
        )
    except SnippetFailure as failure:
        details = {"headline": failure.headline, "details": failure.details, "error": failure.error}
        return {"failure": details | {"module": failure.module}}
    finally:
        faulthandler.cancel_dump_traceback_later()
    return {"output": output}


def set_memory_limit(limit: int | None) -> None:
    """Cap the address space (the soft limit only, so that a later block of the session may get more)."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if limit is None or (hard != resource.RLIM_INFINITY and limit > hard):
        limit = hard
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
