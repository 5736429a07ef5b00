"""Under ``mkdocs serve``, take a page's snapshots in the background, before its first snippet edit needs them.

Snapshots (``snapshots.py``) are taken when a block runs. A serve session that starts on a warm cache, or on
frozen outputs, runs nothing in its first build, so without this the first edit of a block in the session
replays every block of its session before it, and only later edits resume from a snapshot. After each
serve build, :class:`Warming` replays, in one background thread, the sessions of the pages a writer is
likely to edit next: every page the build found changed since the last one (a prose edit is often the
first), then the ``execution.warm_snapshots`` most recently modified pages; within a page, the sessions
nearest the change first (the end of the page if none is known: a post grows at its end). Each session runs
in a worker from the same zygote, confined by the same sandbox, with each block's own limits, exactly as a
build's replay would (``sessions.Runs``), up to its last block that has a block after it; a snapshot is
kept after each code block, under the key the edit of the next block will look it up by.

What it never does:
- change a page: the outputs of the replay are thrown away (a ``measured`` block's timing included); the
  cache or the frozen file stays what the page shows. One exception keeps that promise rather than breaks
  it: on a page whose outputs are frozen, the execution cache usually lacks the entries an edit looks the
  unchanged blocks up by (they are keyed by the earlier blocks, frozen outputs are not), and then the edit
  would run them all anyway; so each block whose replay printed exactly its frozen output (or, for a
  measurement, printed at all) gets its frozen output stored under that key. What the page shows after an
  edit is then what it showed before, and a block that prints differently is left to the edit to run.
- compete with a build: every build starts by pausing it (:meth:`Warming.pause` kills the block in progress
  and forgets the queue), and it starts again after the build, from the snapshots it had already taken. So a
  rebuild never waits for it, and one that needs a session warming had not finished resumes from the latest
  snapshot warming took, running at most the blocks warming had left (and the one it was killed in).
  It is not niced: a snapshot, and so the worker that resumes from it for an edit, would inherit the
  niceness, and an unprivileged process cannot take it back.
- evict a snapshot: it stops when the store (``execution.snapshots``) is full.
- report a failure: a block that fails or times out ends its session's warming quietly (debug log);
  the build that runs it reports it. Its worker ends with every process it started, as any worker does.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from dataclasses import dataclass

from live_math._internal.execution.cache import Entry, block_key
from live_math._internal.execution.frozen import frozen_state
from live_math._internal.execution.sessions import Plan, Runs, is_measurement, plan_page, without_front_matter
from live_math._internal.execution.snapshots import Snapshot, Snapshots
from live_math._internal.execution.workers import Failure, WorkerError, Zygotes

log = logging.getLogger("mkdocs.plugins.execution")


@dataclass
class Job:
    executor: object  # the Executor whose build ended: its settings and its build's cache and fingerprint
    path: str
    source: str
    near: tuple[int, int] | None  # the lines the last rebuild found changed; None: unknown (the end of the page)


class Warming:
    """The background thread that warms pages, kept across `mkdocs serve` rebuilds like the snapshots."""

    def __init__(self, snapshots: Snapshots, zygotes: Zygotes):
        self.snapshots = snapshots
        self.zygotes = zygotes
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.generation = 0  # raised by every pause: work started before it keeps nothing
        self.jobs: list[Job] = []
        self.busy = False
        self.closed = False
        self.runs: WarmRuns | None = None
        self.thread: threading.Thread | None = None
        self.sources: dict[str, str] = {}  # page -> its source at the last build, to tell which pages changed

    def pause(self) -> None:
        """A build starts: forget the queue, kill the block in progress; nothing started before is kept."""
        with self.lock:
            self.generation += 1
            self.jobs.clear()
            runs = self.runs
        if runs is not None:
            runs.stop()

    def after_build(self, executor, recent: int) -> None:
        """Queue the pages of ``executor``'s finished build that changed since the last build, then its
        ``recent`` most recently modified pages (those with executable fences)."""
        pages = executor.build.sources  # path -> (absolute path, source)
        queue: dict[str, tuple[int, int] | None] = {}
        for path, (_, source) in pages.items():
            before = self.sources.get(path)
            if before is not None and before != source:
                queue[path] = changed_lines(before, source)
        for path in sorted(pages, key=lambda path: _mtime(pages[path][0]), reverse=True)[:recent]:
            queue.setdefault(path, None)
        self.sources = {path: source for path, (_, source) in pages.items()}
        with self.changed:
            if self.closed:
                return
            self.jobs = [Job(executor, path, pages[path][1], near) for path, near in queue.items()]
            if self.thread is None and self.jobs:
                self.thread = threading.Thread(target=self._loop, name="live-math warming", daemon=True)
                self.thread.start()
            self.changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is queued or running (tests and benchmarks); False if ``timeout`` passed first."""
        with self.changed:
            return self.changed.wait_for(lambda: not self.jobs and not self.busy, timeout=timeout)

    def close(self) -> None:
        """MkDocs shuts down: stop for good (the snapshots and the zygote are ended by their owners)."""
        self.pause()
        with self.changed:
            self.closed = True
            self.changed.notify_all()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            with self.changed:
                self.busy = False
                self.changed.notify_all()
                self.changed.wait_for(lambda: self.jobs or self.closed)
                if self.closed:
                    return
                job, generation = self.jobs.pop(0), self.generation
                self.busy = True
            try:
                self._warm_page(job, generation)
            except Exception as error:  # noqa: BLE001 - warming only saves time: the build reports real problems
                log.debug(f"execution: warming {job.path} stopped: {type(error).__name__}: {error}")

    def _warm_page(self, job: Job, generation: int) -> None:
        started = time.monotonic()
        sessions = session_plans(job.executor, job.path, job.source)
        near = job.near or (math.inf, math.inf)
        sessions.sort(key=lambda session: _distance(session[0], near))
        warmed = 0
        for plan, upto, seeds in sessions:
            if self.generation != generation or self.snapshots.room() == 0:
                break
            if self.snapshots.get((plan.path, plan.label, plan.blocks[upto].key)) is not None:
                continue  # warm already (an earlier build ran it, or warming did)
            zygote = self._zygote(job.executor, generation)
            if zygote is None:
                return
            runs = WarmRuns(self, generation, zygote, job.executor)
            with self.lock:
                if self.generation != generation:
                    return
                self.runs = runs
            try:
                warmed += runs.warm(plan, upto, seeds)
            finally:
                with self.lock:
                    self.runs = None
        if warmed:
            seconds = time.monotonic() - started
            where = f"{warmed} session(s) of {job.path}"
            log.info(f"execution: snapshots of {where} taken in the background ({seconds:.1f} s)")

    def _zygote(self, executor, generation: int):
        """The zygote a build would use, or None if a build started meanwhile or it cannot start workers."""
        with self.lock:  # a build's pause waits for this: never two callers swapping the zygote under each other
            if self.generation != generation:
                return None
            executor.sandbox.check()
            zygote = self.zygotes.get(executor.preload, executor.build.environment)
        ready = zygote.wait_ready()
        return None if ready["failed"] else zygote


class WarmRuns(Runs):
    """A build's :class:`Runs`, for one warming session: its snapshots are kept only if no build started
    meanwhile and the store has room, and what its blocks print goes nowhere."""

    def __init__(self, warming: Warming, generation: int, zygote, executor):
        build = executor.build
        # Between builds, os.environ lacks what plugins set only during one (markdown-exec's MKDOCS_CONFIG_DIR):
        # the sessions get the environment of the build that ended, as its own sessions did.
        super().__init__(
            lambda: zygote,
            build.root,
            executor.helpers,
            build.cache,
            executor.sandbox,
            build.environment,
            warming.snapshots,
        )
        self.warming = warming
        self.generation = generation
        self.zygote = zygote

    def warm(self, plan: Plan, upto: int, seeds: dict[int, str]) -> bool:
        """Run ``plan`` up to block ``upto``, from the latest snapshot kept before it; whether it got there."""
        if self.stopped or self.snapshots is None:
            return False
        try:
            worker, first = self._worker(plan, before=upto + 1)
        except WorkerError:
            return False
        with self.lock:
            self.running.add(worker)
        try:
            for index in range(first, upto + 1):
                block = plan.blocks[index]
                value = block.fence.inline is not None
                if value and index not in seeds:
                    continue  # a value changes nothing a later block starts from
                if self.stopped or block.spec is None or block.problem is not None:
                    return False
                key = (plan.path, plan.label, block.key)
                outcome = worker.run(block.spec, snapshot=not value and self.snapshots.get(key) is None)
                if worker.paused is not None:
                    self._keep(key, worker)
                    worker.paused = None
                if isinstance(outcome, Failure):
                    log.debug(f"execution: warming stopped at {block.location}: {outcome.headline}")
                    return False
                if index in seeds:
                    self._seed(block, outcome, seeds[index])
            return True
        finally:
            worker.close()
            with self.lock:
                self.running.discard(worker)

    def _keep(self, key: tuple, worker) -> None:
        try:
            snapshot = Snapshot(worker.paused, self.root)
        except WorkerError:
            return
        with self.warming.lock:
            if self.warming.generation != self.generation or self.snapshots.room() == 0:
                snapshot.close()  # a build started, which may have ended the snapshots; or the store is full
                return
            self.zygote.keep_snapshot(snapshot.pid)
            snapshot.scratch = worker.scratch.hold() if worker.scratch is not None else None
            self.snapshots.add(key, snapshot)

    def _seed(self, block, printed: str, frozen: str) -> None:
        """Store a frozen output under the key an edit looks the block up by, if the replay printed it."""
        if self.cache.get(block.key) is None and (printed == frozen or is_measurement(block.fence)):
            self.cache.put(block.key, Entry(frozen), block.location)


def session_plans(executor, path: str, source: str) -> list[tuple[Plan, int, dict[int, str]]]:
    """The page's sessions worth warming, each with the index of its last block that has a block after it
    and, for a page with usable frozen outputs, the frozen output of each block up to it. Keys are those of
    a build in which the page's frozen outputs no longer match (the build after a snippet edit)."""
    build = executor.build
    markdown = without_front_matter(source)
    fences, plans = plan_page(
        markdown, source, path, root=build.root, fingerprint=build.fingerprint, cache=None, limits=executor.limits
    )
    frozen: dict[int, str] = {}
    if executor.freeze == "auto" and fences:
        state = frozen_state(build.root, executor.helpers, path, fences)
        if state.data:  # as Executor._thaw keys the blocks of a page that reads data files
            for plan in plans:
                for block in plan.blocks:
                    block.key = block_key(state.data, [], block.key)
        if state.usable:
            frozen = {id(fence): stored.output for fence, stored in zip(fences, state.stored.blocks, strict=True)}
    sessions = []
    for plan in plans:
        code = [index for index, block in enumerate(plan.blocks[:-1]) if block.fence.inline is None]
        if code:
            upto = code[-1]
            blocks = enumerate(plan.blocks[: upto + 1])
            seeds = {index: frozen[id(block.fence)] for index, block in blocks if id(block.fence) in frozen}
            sessions.append((plan, upto, seeds))
    return sessions


def changed_lines(before: str, after: str) -> tuple[int, int]:
    """The first and last line of ``after`` (from 1) that differ from ``before``."""
    old, new = before.split("\n"), after.split("\n")
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start + 1, max(start + 1, len(new) - end)


def _distance(plan: Plan, near: tuple[float, float]) -> float:
    first, last = near
    lines = [block.fence.line for block in plan.blocks]
    if math.isinf(first):
        return -max(lines)  # no change known: the session that reaches furthest down the page first
    return min(0 if first <= line <= last else min(abs(line - first), abs(line - last)) for line in lines)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
