"""The warm parent of the snippet workers, and the workers' own loop: the code that runs outside MkDocs.

    python -P -m live_math._internal.execution.zygote CONTROL_FD PRELOAD_JSON SCRATCH_ROOT

The MkDocs process (``workers.py``) starts this once and keeps it while it lives. It imports the heavy
packages named by the ``preload`` option (numpy, matplotlib), never the site's helper modules, and then
forks one worker per session on request, so a session starts in milliseconds with those packages already
imported, and imports ``snippets.*`` afresh. Each worker is a new process group (``os.setsid``), so that
the MkDocs process can kill it with every process it started.

Control socket (SOCK_SEQPACKET, one JSON object per packet):
    zygote -> parent  {"ready": address_space, "missing": [...], "failed": [...]} once, after preloading;
                      {"forked": id, "pid": pid} after each fork; {"exited": pid, "status": wait_status}.
    parent -> zygote  {"fork": id} with two file descriptors: the worker's channel (a socket) and the
                      write end of the pipe faulthandler writes the snippet's stack to at its time limit;
                      {"snapshot": pid} for a serve snapshot to spare; {"sweep": true} (see ``serve``).
When the parent closes the socket (it ended, or was killed), the zygote kills every worker and everything
below it, removes SCRATCH_ROOT (where the sessions' scratch folders are) and exits.

Both are *child subreapers* (``sandbox/processes.py``): what a snippet starts and detaches stays below its
worker, and what an ended worker held comes to the zygote, which ends every child it does not know.

A worker reads JSON messages on its channel: first the session (``start``), with the sandbox policy it
confines itself by before anything else (``sandbox/confine.py``), then one block at a time,
answering each with ``{"output": ...}`` or ``{"failure": {...}}``. A block with ``"snapshot": true`` is
followed on the channel by one byte carrying a socket: after the block ran without failing, the worker
forks a paused copy of itself that answers on that socket (``take_snapshot``; ``snapshots.py``).
"""

from __future__ import annotations

import faulthandler
import importlib
import importlib.machinery
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType

from live_math._internal.execution import values  # noqa: F401 - inline values are shown by it: imported once here
from live_math._internal.execution.runner import SnippetFailure, run_snippet, show_source
from live_math._internal.sandbox import processes
from live_math._internal.sandbox.confine import SandboxError, confine
from live_math._internal.sandbox.explain import explain

# Set for every worker by the parent too; here they take effect before numpy starts its BLAS: one thread
# per worker (workers run side by side, and a process that forks must not have BLAS threads running).
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
FIXED_ENVIRONMENT = {**SINGLE_THREADED, "MPLBACKEND": "Agg"}


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    scratch_root = argv[3] if len(argv) > 3 else None
    os.environ.update(FIXED_ENVIRONMENT)
    try:
        processes.become_subreaper()  # what a worker leaves behind when it ends comes here, to be ended
    except (OSError, AttributeError):
        pass  # not Linux: a worker's process group is all that ends with it
    missing, failed = preload(json.loads(argv[2]))
    control.send(json.dumps({"ready": address_space(), "missing": missing, "failed": failed}).encode())
    try:
        serve(control)
    finally:
        if scratch_root:
            shutil.rmtree(scratch_root, ignore_errors=True)
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
        # Its font list, read from the builder's cache now: a sandboxed worker has an empty cache folder of its
        # own, and would spend seconds listing the system's fonts again.
        importlib.import_module("matplotlib.font_manager")
    return missing, failed


def serve(control: socket.socket) -> None:
    """Fork a worker for each request; report each worker's end; end what workers leave behind; kill them all
    when the parent leaves.

    Besides ``{"fork": id}``, the parent sends ``{"snapshot": pid}`` for each serve snapshot it keeps (a
    worker's copy, which outlives the worker and must not be ended with it) and ``{"sweep": true}`` after a
    worker that is not this process's child ended (one resumed from a snapshot).
    """
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # only to be woken by set_wakeup_fd
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for MkDocs, which then closes the socket
    workers: set[int] = set()
    snapshots: set[int] = set()
    try:
        while True:
            readable, _, _ = select.select([control, wake_read], [], [])
            # Every waiting request first: a snapshot is announced before the worker it was taken from can end.
            # (select, not MSG_DONTWAIT, says whether another waits: recv_fds ignores flags before Python 3.12.)
            pending = control in readable
            while pending:
                try:
                    message, fds, _, _ = socket.recv_fds(control, 4096, 2)
                except OSError:
                    message, fds = b"", []
                if not message:
                    return
                request = json.loads(message)
                if "snapshot" in request:
                    snapshots.add(request["snapshot"])
                elif "sweep" in request:
                    sweep(workers | snapshots)
                else:
                    workers.add(fork_worker(request["fork"], fds, control, wake_read, wake_write))
                pending = bool(select.select([control], [], [], 0)[0])
            if wake_read in readable:
                os.read(wake_read, 4096)
                reap(control, workers, snapshots)
    finally:
        for pid in workers:
            kill_group(pid)
        for _ in range(processes.ROUNDS):  # everything below this process: workers, snapshots, leftovers
            sweep(set())
            time.sleep(0.01)
            for _ in ended_children():
                pass
            if not processes.children(os.getpid()):
                break


def fork_worker(ident, fds: list[int], control: socket.socket, wake_read: int, wake_write: int) -> int:
    """Fork a worker that runs ``work`` on the channel and dump pipe in ``fds``; tell the parent its pid."""
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
    control.send(json.dumps({"forked": ident, "pid": pid}).encode())
    return pid


def sweep(known: set[int]) -> None:
    """End every child of this process that is not ``known``, with all below it: what an ended worker's
    snippets started and detached (a subreaper, this process inherited them)."""
    for pid in processes.children(os.getpid()) - known:
        processes.end_tree(pid)


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


def reap(control: socket.socket, workers: set[int], snapshots: set[int]) -> None:
    """Tell the parent of each worker that ended, and end what it started."""
    ended = False
    for pid, status in ended_children():
        snapshots.discard(pid)
        if pid not in workers:
            continue  # something a worker left behind, ended by an earlier sweep
        workers.discard(pid)
        ended = True
        kill_group(pid)  # what the worker started ends with it
        try:
            control.send(json.dumps({"exited": pid, "status": status}).encode())
        except OSError:
            pass
    if ended:
        sweep(workers | snapshots)


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
    baseline = address_space()  # read before the sandbox closes /proc
    policy = start.get("sandbox")
    refused = None
    if policy is not None:
        try:
            confine(policy)
        except SandboxError as error:
            refused = str(error)  # every block of the session fails with it
        sys.dont_write_bytecode = True  # the helpers' __pycache__ is not the snippet's to write
    os.environ.clear()
    os.environ.update({**start["environment"], **FIXED_ENVIRONMENT})
    tempfile.tempdir = None  # found again from TMPDIR, the session's scratch folder
    sys.path[:0] = start["path"]
    if policy is not None:
        sys.meta_path.insert(0, HelperFinder(start["helpers"]))
    root = Path(start["root"])
    show_source(start["filename"], start["source"])
    module = ModuleType(start["module"])  # libraries (dataclasses, pickle) expect a class's module to exist
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    while True:
        try:
            block = json.loads(channel.recv_bytes())
        except EOFError:
            return 0
        pause_fd = receive_fd(channel) if block.get("snapshot") else None
        if refused is not None:
            answer = {"failure": {"headline": refused, "details": [], "error": "SandboxError", "module": None}}
        else:
            answer = run_block(block, namespace, start, root, dump, baseline)
        if os.getpid() != worker:
            os._exit(0)  # a copy the snippet forked: it must not answer in the worker's name
        if pause_fd is not None and "output" not in answer:
            os.close(pause_fd)  # the session stops at a failure: nothing will resume from here
        elif pause_fd is not None and (resumed := take_snapshot(pause_fd, channel, dump)) is not None:
            # This process is a new worker forked from the snapshot: it waits for the session's next block.
            channel, dump = resumed
            worker = os.getpid()
            if policy is not None:
                processes.become_subreaper()  # not inherited: this worker holds what its snippets orphan
            continue
        channel.send_bytes(json.dumps(answer).encode())


class HelperFinder:
    """Finds the helper packages (``snippets``) by their folders' names. Python's own finder lists the folder
    holding them, the project, which a sandboxed snippet may not read."""

    def __init__(self, folders: list[str]):
        self.folders = {Path(folder).name: Path(folder) for folder in folders}

    def find_spec(self, name, path=None, target=None):
        folder = self.folders.get(name)
        if folder is None or not folder.is_dir():
            return None
        init = folder / "__init__.py"
        if init.is_file():
            return importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)  # a namespace package
        spec.submodule_search_locations = [str(folder)]
        return spec


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
    # At the parent's deadline (CLOCK_MONOTONIC is the machine's, so it holds here), however late this began.
    left = block["deadline"] - time.monotonic() if "deadline" in block else block["timeout"]
    faulthandler.dump_traceback_later(max(0.001, left), file=dump)
    try:
        output = run_snippet(
            block["code"],
            filename=start["filename"],
            first_line=block["first_line"],
            namespace=namespace,
            root=root,
            max_output=block["max_output"],
            explain=(lambda error: explain(error, start["sandbox"]["read"])) if start.get("sandbox") else None,
        )
    except SnippetFailure as failure:
        details = {"headline": failure.headline, "details": failure.details, "error": failure.error}
        return {"failure": details | {"module": failure.module, "hint": failure.hint}}
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
