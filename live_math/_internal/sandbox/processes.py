"""End every process a snippet started, however it detached.

A process that calls ``setsid`` (or forks, lets its parent exit and calls ``setsid`` again, as daemons do)
leaves its worker's process group, so killing the group misses it. Two rules keep such processes in reach:

- every worker is a *child subreaper* (``PR_SET_CHILD_SUBREAPER``): a process orphaned under it becomes its
  child instead of init's, so while the worker lives, all that its snippets started is below it;
- the zygote, the workers' parent, is a subreaper too: when a worker ends, what it held becomes the
  zygote's, which ends every child it does not know (:func:`end_tree`) — its own workers and the serve
  snapshots it was told about are all it knows.

Reading a process's children needs ``/proc/PID/task/TID/children`` (Linux 3.5 and later, on every common
kernel); where it is missing, the whole ``/proc`` is read for parent ids instead.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from live_math._internal.sandbox.libc import C, failure

PR_SET_CHILD_SUBREAPER = 36
CHILDREN_FILES = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()
ROUNDS = 64  # passes of stop-then-look before the kill; each pass stops all that the last one found


def become_subreaper() -> None:
    """Make the calling process the parent of every process orphaned below it."""
    if C.prctl(PR_SET_CHILD_SUBREAPER, 1, None, 0, 0) != 0:
        raise failure("prctl(PR_SET_CHILD_SUBREAPER)")


def children(pid: int) -> set[int]:
    """The ids of ``pid``'s children (empty if it has ended)."""
    if not CHILDREN_FILES:
        return _children_by_scan(pid)
    found: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            found.update(int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except (OSError, ValueError):
            continue  # the thread ended meanwhile
    return found


def end_tree(pid: int) -> None:
    """Kill ``pid`` and every process below it. Each is stopped first (SIGSTOP cannot be caught), so that
    nothing forks between the look and the kill."""
    seen: set[int] = set()
    frontier = {pid}
    for _ in range(ROUNDS):
        for process in frontier:
            _signal(process, signal.SIGSTOP)
        seen |= frontier
        frontier = {child for process in frontier for child in children(process)} - seen
        if not frontier:
            break
    for process in seen:
        _signal(process, signal.SIGKILL)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def _children_by_scan(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # "pid (command) state ppid ...": the command may hold spaces and parentheses.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found
