"""A page's sessions, planned before the page is converted and run in workers, several at once.

A :class:`Plan` is one session of one page (or one lone block): its blocks in order, each with its cache
key and, if the cache has it, its stored output. Whatever missed the cache is run by :func:`run_plan` in one
worker: every block up to the last that missed, the earlier cached ones only to rebuild the session's
state ("replayed"). Plans are made for every page when the build has its files (``on_nav``) and handed to
a thread pool, so that sessions of different pages run side by side while MkDocs converts pages one by one;
the page then takes its results in page order, so the first failure reported is the first in the page.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.meta import get_data

from live_math._internal.execution.cache import Entry, ExecutionCache, block_key
from live_math._internal.execution.fences import Fence, find_fences
from live_math._internal.execution.inline import find_inlines
from live_math._internal.execution.limits import parse_seconds, parse_size
from live_math._internal.execution.snapshots import Snapshot
from live_math._internal.execution.workers import Failure, Worker, WorkerError
from live_math._internal.sandbox.policy import Sandbox, Scratch
from live_math._internal.writing.source import front_matter_lines

OWN_OPTIONS = ("exec_location", "timeout", "memory", "max_output", "silent", "measured")


@dataclass(frozen=True)
class Limits:
    """The site's defaults: seconds, bytes of memory a snippet may add to its worker, bytes printed per block."""

    timeout: float
    memory: int
    max_output: int


@dataclass
class Block:
    fence: Fence
    location: str  # file:line
    key: str
    entry: Entry | None  # the cached output, if any
    spec: dict | None  # what the worker needs to run it; None if an option is invalid
    problem: Failure | None = None  # an invalid option
    frozen: bool = False  # the entry comes from the page's frozen outputs (frozen.py), not the cache


@dataclass
class Plan:
    """One session of a page, and (once submitted) the run of what missed the cache."""

    path: str  # the page, relative to the project
    source: str  # the page's file, for tracebacks
    label: str  # the session's name, or the line of a lone block
    blocks: list[Block]
    future: Future | None = None

    @property
    def last_miss(self) -> int:
        """Index of the last block without a cached output, -1 if none: the run goes up to it."""
        misses = [index for index, block in enumerate(self.blocks) if block.entry is None]
        return misses[-1] if misses else -1

    @property
    def identity(self) -> tuple:
        return (self.path, self.label, tuple(block.key for block in self.blocks))


def plan_page(
    markdown: str,
    source: str,
    path: str,
    *,
    root: Path,
    fingerprint: str,
    cache: ExecutionCache | None,
    limits: Limits,
) -> tuple[list[Fence], list[Plan]]:
    """The page's executable fences and inline values, and one plan per session (``cache`` None: nothing is
    read from it). An inline value joins the session it names, or that of the nearest fence above it."""
    fences = find_fences(markdown, source, OWN_OPTIONS)
    # From the file alone: the Markdown may have grown at its end (a References section).
    above_markdown = front_matter_lines(source, without_front_matter(source))
    values = find_inlines(markdown, lambda index: above_markdown + index + 1)
    plans: dict[str, Plan] = {}
    above = None  # the key of the plan of the nearest fence above
    for fence in sorted([*fences, *values], key=lambda f: (f.index, f.inline.column if f.inline else 0)):
        name = fence.options["session"]
        label = name or str(fence.line)
        problem = None
        if fence.inline is None:
            above = label if name else f"\0{label}"
            plan = plans.setdefault(above, Plan(path, source, label, []))
        elif name:
            plan = plans.setdefault(name, Plan(path, source, name, []))
        elif above is not None:
            plan = plans[above]
        else:
            plan = plans.setdefault(f"\0{label}", Plan(path, source, label, []))
            problem = Failure("option", "no code block comes before this inline value, so none defines its names")
        if fence.inline is not None and fence.inline.measured and fence.inline.math:
            problem = Failure("option", "a measured value cannot sit in a formula: write it in the prose next to it")
        # An inline value only reads the session: the blocks after it start from the same state without it.
        history = [f"{block.fence.info}\n{block.fence.code}" for block in plan.blocks if block.fence.inline is None]
        key = block_key(fingerprint, history, f"{fence.info}\n{fence.code}")
        location = fence_location(path, fence)
        spec, invalid = block_spec(fence, location, root, limits)
        entry = cache.get(key) if cache is not None else None
        plan.blocks.append(Block(fence, location, key, entry, spec, problem or invalid))
    return [*fences, *values], list(plans.values())


def without_front_matter(source: str) -> str:
    """The page's Markdown as MkDocs gives it to plugins: the source without its YAML front matter."""
    return get_data(source)[0]


def is_measurement(fence: Fence) -> bool:
    """Whether ``fence`` prints a measurement of the building machine (a timing), which no two runs repeat: a
    fence with ``measured="true"``, or an inline value written ``{py measured}``."""
    if fence.inline is not None:
        return fence.inline.measured
    return (fence.inputs.get("measured") or "false").lower() not in {"", "no", "off", "false", "0"}


def fence_location(path: str, fence: Fence) -> str:
    """``path:line`` of a fence, ``path:line:column`` of an inline value: how messages and reports name it."""
    return f"{path}:{fence.line}" + (f":{fence.inline.column}" if fence.inline is not None else "")


def block_spec(fence: Fence, location: str, root: Path, limits: Limits) -> tuple[dict | None, Failure | None]:
    """What a worker needs to run ``fence``, with its own limits; or the problem with one of its options."""
    values = {"timeout": limits.timeout, "memory": limits.memory, "max_output": limits.max_output}
    readers = {"timeout": (parse_seconds, "a positive number of seconds"), "memory": (parse_size, "a size")}
    readers["max_output"] = readers["memory"]
    for option, (read, expected) in readers.items():
        if option in fence.inputs:
            value = read(fence.inputs[option])
            if value is None:
                example = "" if option == "timeout" else ', e.g. "512 MiB" or "2 GiB"'
                headline = f'{option}="{fence.inputs[option]}" is not {expected}{example}'
                return None, Failure("option", headline)
            values[option] = value
    workdir = root / fence.options["workdir"] if fence.options.get("workdir") else root
    first_line = fence.line if fence.inline is not None else fence.line + 1  # a fence's code starts below it
    spec = {"code": fence.code, "first_line": first_line, "workdir": str(workdir)}
    return spec | {"width": fence.options.get("width") or None} | values, None


class Runs:
    """The workers of one build: at most ``workers`` sessions at once; :meth:`stop` kills them all. With
    ``snapshots`` enabled (`mkdocs serve`), a session resumes from the latest snapshot kept before its first
    block that missed the cache, and every block run leaves a snapshot of its own (``snapshots.py``). Each
    session's worker confines itself as ``sandbox`` says, with a scratch folder of its own, in ``environment``:
    the builder's environment as the build began (``Sandbox.environment``), so that a session started between
    builds (warming.py) sees what the build's sessions saw."""

    def __init__(
        self,
        zygote_for,
        root: Path,
        helpers: list[Path],
        cache: ExecutionCache,
        sandbox: Sandbox,
        environment: dict[str, str],
        snapshots=None,
    ):
        self.zygote_for = zygote_for  # a function giving the running Zygote (started on first use)
        self.root = root
        self.helpers = helpers
        self.cache = cache
        self.sandbox = sandbox
        self.snapshots = snapshots if snapshots is not None and snapshots.enabled else None
        self.running: set[Worker] = set()
        self.lock = threading.Lock()
        self.stopped = False
        self.environment = environment

    def run(self, plan: Plan) -> dict[int, str | Failure]:
        """Run ``plan``'s blocks up to its last miss in a new worker; each index maps to an output or a
        Failure (the run stops at the first). Outputs of blocks that missed are stored in the cache. Blocks
        before a resumed snapshot are not run and have no result."""
        results: dict[int, str | Failure] = {}
        if self.stopped:
            return results
        try:
            worker, first = self._worker(plan)
        except WorkerError as error:
            results[0] = Failure("setup", str(error))
            return results
        with self.lock:
            self.running.add(worker)
        try:
            for index in range(first, plan.last_miss + 1):
                block = plan.blocks[index]
                if self.stopped:
                    break
                inline = block.fence.inline
                if inline is not None and block.entry is not None and not inline.measured:
                    continue  # a value already known changes nothing a later block starts from
                key = (plan.path, plan.label, block.key)
                snapshot = self.snapshots is not None and self.snapshots.get(key) is None
                spec = block.spec
                if index == first > 0 and spec is not None:  # resumed: the snapshot holds the page as it was
                    spec = spec | {"source": plan.source}  # so that a traceback quotes today's lines
                outcome = block.problem or worker.run(spec, snapshot=snapshot)
                if worker.paused is not None:
                    self._keep(key, worker)
                    worker.paused = None
                if isinstance(outcome, str) and block.entry is None:
                    outcome = nothing_printed(block, outcome) or outcome
                    if isinstance(outcome, str):
                        self.cache.put(block.key, Entry(outcome), block.location)
                results[index] = outcome
                if isinstance(outcome, Failure):
                    break
        finally:
            worker.close()  # the session is over: its worker ends, with every process it started
            with self.lock:
                self.running.discard(worker)
        return results

    def _worker(self, plan: Plan, before: int | None = None) -> tuple[Worker, int]:
        """A worker for ``plan`` and the index of the first block it runs: forked from the latest snapshot
        before block ``before`` (default: the first block that missed the cache), or else a new one from the
        zygote, given the session."""
        if self.snapshots is not None:
            if before is None:
                misses = [index for index, block in enumerate(plan.blocks) if block.entry is None]
                before = misses[0] if misses else 0
            for index in reversed(range(before)):
                key = (plan.path, plan.label, plan.blocks[index].key)
                snapshot = self.snapshots.get(key)
                if snapshot is not None:
                    try:
                        worker = snapshot.fork()
                    except WorkerError:
                        self.snapshots.discard(key)  # it died: replay instead
                        break
                    zygote = self.zygote_for()
                    worker.on_close.append(zygote.sweep)  # not the zygote's child: it must be told it ended
                    self._share_scratch(worker, snapshot.scratch)
                    return worker, index + 1
        zygote = self.zygote_for()
        worker = zygote.fork()
        scratch = Scratch(zygote.scratch_root) if self.sandbox.enabled else None
        policy, environment = self.sandbox.session(scratch.path if scratch else None, self.environment)
        self._share_scratch(worker, scratch)
        if scratch is not None:
            scratch.release()  # the worker holds it now
        worker.start(
            {
                "root": str(self.root),
                "path": [str(folder.parent) for folder in self.helpers],
                "helpers": [str(folder) for folder in self.helpers],
                "filename": plan.path,
                "source": plan.source,
                "module": "snippet_" + re.sub(r"\W+", "_", f"{plan.path}_{plan.label}"),
                "environment": environment,
                "sandbox": policy,
            }
        )
        return worker, 0

    @staticmethod
    def _share_scratch(worker: Worker, scratch: Scratch | None) -> None:
        """Let ``worker`` hold ``scratch`` until it ends (remembered on it for the snapshots it takes)."""
        worker.scratch = scratch.hold() if scratch is not None else None
        if scratch is not None:
            worker.on_close.append(scratch.release)

    def _keep(self, key: tuple, worker: Worker) -> None:
        try:
            snapshot = Snapshot(worker.paused, self.root)
        except WorkerError:
            return  # no snapshot: the next edit of this session replays it
        self.zygote_for().keep_snapshot(snapshot.pid)
        snapshot.scratch = worker.scratch.hold() if worker.scratch is not None else None
        self.snapshots.add(key, snapshot)

    def stop(self) -> None:
        """Kill every running worker (the build failed); runs not yet started do nothing."""
        self.stopped = True
        with self.lock:
            for worker in self.running:
                worker.kill()


def nothing_printed(block: Block, output: str) -> Failure | None:
    fence = block.fence
    silent = (fence.inputs.get("silent") or "false").lower() not in {"", "no", "off", "false", "0"}
    if output.strip() or fence.options["source"] or silent or fence.inline is not None:
        return None
    return Failure("empty", "snippet printed nothing, so this block would show nothing on the page.")
