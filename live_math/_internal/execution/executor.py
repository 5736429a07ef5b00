"""Run the posts' Python snippets in worker processes, privately per session, from a cache when possible,
and stop the build with ``file:line: what went wrong`` when one fails.

markdown-exec renders ```` ```python exec="on" ```` fences. Left to itself, it runs them inside MkDocs: an
exception in one is only a warning that does not name the page, an endless loop hangs the build, a session
is shared by every page, and each post's snippets run again for every blog listing that shows the post.
:class:`Executor` keeps markdown-exec's rendering and takes over the running:

- :meth:`Executor.plan_site` (``on_nav``, before any page is converted) finds every page's executable
  fences (``fences.py``), looks each block up in the cache (``cache.py``) and hands the sessions that
  missed to a pool of at most ``workers`` threads, each driving one worker process (``sessions.py``,
  ``workers.py``; the snippet's code runs there through ``runner.py``).
- :meth:`Executor.run_page` (``on_page_markdown``) takes each fence's output in page order, raising for
  the first that failed, and tags each fence with its place, e.g. ``exec_location="docs/blog/posts/x.md:12"``.
- With ``execution.freeze: auto``, a page whose frozen outputs (``frozen.py``) match its key takes every
  block's output from them and runs nothing; a page that had to run writes its frozen file again at the end
  of :meth:`Executor.run_page`. Under ``CI=true`` nothing is written: a stale or missing frozen file fails
  the build in ``plan_site``, naming each post and the command that refreshes it.
- The formatter it puts in place of markdown-exec's looks that place up and renders the stored output with
  markdown-exec's ``base_format``, or takes the HTML made by an earlier build from the cache entry when
  nothing that shapes it changed. The blog's listing pages, which convert each post again, get the same HTML.

Fence options added here (besides markdown-exec's own):
    timeout="5"     seconds this block may run; the site's default is the plugin's ``execution.timeout``,
                    overridden by the environment variable BLOG_SNIPPET_TIMEOUT.
    memory="4 GiB"  memory this block may use beyond what its worker starts with (``execution.memory``).
    max_output="4 MiB"  bytes this block may print (``execution.max_output``).
    silent="true"   the block prints nothing on purpose (a setup block). Without it, a block that shows
                    neither its source nor any output fails the build: nothing would appear on the page.
    measured="true" the output holds measurements of this machine (timings), which no two builds repeat.
                    It is wrapped in ``<div class="measured" data-search-exclude>`` so that the search
                    index stays reproducible and the reproducibility test can tell it from everything
                    else, which must be byte-identical from one clean build to the next. An inline value
                    written `{py measured} …` is wrapped in ``<span class="measured" …>`` for the same reason.

Environment variables (overrides for CI and ``make bench``; the settings themselves live in mkdocs.yml):
    BLOG_NO_CACHE=1       run every snippet; the fresh outputs are still stored.
    BLOG_EXEC_STATS=PATH  after each build, write {"executed": [...], "cached": [...], "frozen": [...],
                          "replayed": [...], "rendered": [...]} there, each a list of ``file:line`` of fences
                          ("frozen": taken from the page's frozen outputs). "replayed" blocks
                          were run again only to rebuild their session's state for a later block that missed
                          the cache; "rendered" ones had their output converted to HTML by markdown-exec.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path

from markdown_exec import MarkdownConverter, base_format, validator
from markdown_exec import formatter as markdown_exec_formatter
from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from live_math._internal.caching import later
from live_math._internal.execution.cache import (
    Entry,
    ExecutionCache,
    block_key,
    environment_fingerprint,
    markdown_fingerprint,
    rendering_key,
)
from live_math._internal.execution.fences import LANGUAGES, tag_fences
from live_math._internal.execution.frozen import (
    Frozen,
    FrozenBlock,
    FrozenPage,
    fence_texts,
    frozen_path,
    frozen_state,
    provenance,
    provenance_line,
    write_frozen,
)
from live_math._internal.execution.limits import parse_seconds
from live_math._internal.execution.messages import block_limits, failure_message, inline_failure
from live_math._internal.execution.output_ids import page_unique_ids
from live_math._internal.execution.runner import show_source
from live_math._internal.execution.sessions import (
    OWN_OPTIONS,
    Failure,
    Limits,
    Plan,
    Runs,
    fence_location,
    is_measurement,
    plan_page,
    without_front_matter,
)
from live_math._internal.execution.snapshots import Snapshots
from live_math._internal.execution.warming import Warming
from live_math._internal.execution.workers import WorkerError, Zygote, Zygotes
from live_math._internal.sandbox.policy import Sandbox
from live_math._internal.writing.source import apply_edits

log = logging.getLogger("mkdocs.plugins.execution")

TAG = "exec_location"
HEADING = re.compile(r"<h[1-6][\s>]")
NUMBERED_ID = re.compile(r'id="exec-\d+--')  # markdown-exec numbers ids by its count of conversions so far


class SnippetError(PluginError, SuperFencesException):
    """A snippet failed; the message starts with the fence's ``file:line``.

    A PluginError, so MkDocs stops the build and prints the message; a SuperFencesException, so that
    SuperFences lets it through instead of quietly showing the fence as plain code.
    """


@dataclass
class Build:
    """What one build knows about execution; made afresh by every build, `mkdocs serve` rebuilds included."""

    root: Path
    cache: ExecutionCache
    read_cache: bool
    fingerprint: str
    markdown: str  # markdown_fingerprint of the site's extensions
    runs: Runs
    pool: ThreadPoolExecutor | None = None
    plans: dict[tuple, Plan] = field(default_factory=dict)  # planned before the pages, by Plan.identity
    # path -> (Markdown, fences, plans) as planned before the pages: reused when the page brings the same Markdown
    page_plans: dict[str, tuple] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # a page's absolute source path -> its path from the root
    page: str = ""
    outputs: dict[str, tuple[str, str, Entry]] = field(default_factory=dict)  # location -> (code, key, entry)
    html: dict[str, str] = field(default_factory=dict)  # location -> HTML, for the listings that show it again
    values: dict[str, list[str]] = field(default_factory=dict)  # a page's path -> its inline values, in order
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    measured: set[str] = field(default_factory=set)  # locations whose output is a measurement
    ci: bool = False  # CI=true: frozen files are never written, and a stale one fails the build
    freezing: dict[str, FrozenPage] = field(default_factory=dict)  # page path -> its frozen outputs' state
    provenance: dict[str, dict] = field(default_factory=dict)  # page path -> when and with what it was computed
    # page path -> (absolute path, source), for the pages with executable fences (warming.py picks among them)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The workers' environment as this build sees it: markdown-exec sets MKDOCS_CONFIG_DIR only during a build, and
    # warming, between builds, must ask for the same zygote.
    environment: dict[str, str] = field(default_factory=dict)


class Executor:
    """Runs a site's snippets in worker processes; one lives as long as the plugin's configuration, and each
    build starts afresh with :meth:`start_build`.

    ``limits`` are the site's defaults per block; ``helpers`` the folders of helper modules snippets import
    (their parents are the snippets' import path; their files key the cache); ``cache_packages`` the
    distributions whose versions key the cache; ``workers`` how many sessions run at once; ``preload`` the
    modules the workers' warm parent imports; ``zygotes`` keeps that parent across `mkdocs serve` rebuilds;
    ``sandbox`` says how each worker is confined (``live_math/_internal/sandbox/``);
    ``snapshots`` keeps at most ``snapshot_limit`` paused copies of the workers across them (0: none);
    ``warming`` takes them in the background after each build, for the pages that changed and the
    ``warm_pages`` most recently modified ones (0: no warming; ``warming.py``);
    ``freeze`` is ``auto`` (pages take their outputs from their frozen files when these match) or ``off``.
    """

    def __init__(
        self,
        limits: Limits,
        helpers: list[Path],
        cache_packages: list[str],
        *,
        workers: int,
        preload: list[str],
        zygotes: Zygotes,
        sandbox: Sandbox,
        snapshots: Snapshots | None = None,
        snapshot_limit: int = 0,
        warming: Warming | None = None,
        warm_pages: int = 0,
        freeze: str = "off",
        missing_module: str = "",
    ):
        self.limits = limits
        self.sandbox = sandbox
        self.helpers = helpers
        self.cache_packages = cache_packages
        self.workers = workers
        self.preload = preload
        self.zygotes = zygotes
        self.snapshots = snapshots
        self.snapshot_limit = snapshot_limit
        self.warming = warming
        self.warm_pages = warm_pages
        self.freeze = freeze
        self.missing_module = missing_module  # execution.missing_module: what to do about an import that fails
        self.starting = threading.Lock()
        self.build: Build | None = None

    def install(self, mdx_configs: dict) -> None:
        """Put this executor's validator and formatter in place of markdown-exec's for python fences."""
        superfences = mdx_configs.get("pymdownx.superfences", {})
        for fence in superfences.get("custom_fences", []):
            if fence["name"] in LANGUAGES and fence.get("format") in (markdown_exec_formatter, self.render):
                fence["validator"], fence["format"] = validate, self.render

    def start_build(self, root: Path, cache_dir: Path, read_cache: bool, markdown_extensions, mdx_configs) -> None:
        """Start a build with no sessions and no outputs."""
        if self.warming is not None:
            self.warming.pause()  # first: the build has the machine to itself, and nothing warmed earlier is kept
        cache = ExecutionCache(cache_dir)
        fingerprint = environment_fingerprint(self.helpers, self.cache_packages)
        if self.snapshots is not None:
            # What every session starts from: a snapshot taken from another start would not be a replay's state.
            start = [fingerprint, self.preload, str(root), [str(path) for path in self.helpers], dict(os.environ)]
            self.snapshots.start_build(self.snapshot_limit, start)
        environment = self.sandbox.environment()
        self.build = Build(
            root=root,
            cache=cache,
            read_cache=read_cache,
            fingerprint=fingerprint,
            markdown=markdown_fingerprint(markdown_extensions, mdx_configs),
            runs=Runs(self._zygote, root, self.helpers, cache, self.sandbox, environment, self.snapshots),
            ci=os.environ.get("CI") == "true",
            environment=environment,
        )

    def plan_site(self, pages) -> None:
        """Before any page is converted, find every page's sessions and start running those the cache lacks,
        ``workers`` at a time, in page order. ``pages`` are MkDocs File objects, in build order."""
        for file in pages:
            try:
                source = file.content_string
            except (OSError, UnicodeDecodeError):
                continue  # MkDocs reports it when it reads the page
            markdown = without_front_matter(source)
            path = self._path(file)
            fences, plans = self._plans(markdown, source, path)
            self.build.page_plans[path] = (markdown, fences, plans)
            if fences:
                self.build.sources[path] = (file.abs_src_path, source)
            for plan in plans:
                if plan.last_miss >= 0:
                    self._submit(plan)
        if self.build.ci:
            stale = [f"{path}: {state.problem}" for path, state in self.build.freezing.items() if not state.usable]
            if stale:
                raise PluginError(
                    "live-math: frozen outputs do not match their posts, and a CI build never writes them:\n"
                    + "\n".join(f"  {line}" for line in stale)
                    + "\n  Run the command given for each post on your machine and commit the frozen/ files it"
                    " writes with the post (`make refreeze` refreshes every page)."
                )

    def execute_pages(self, root: Path, pages: dict[str, str], cache_dir: Path) -> dict[str, list[tuple]]:
        """Run every snippet of ``pages`` (path from ``root`` -> source) afresh, outside any MkDocs build, with
        ``cache_dir`` as the (write-only) cache; for ``make verify`` and ``make refreeze``. Each page gives, in
        page order, ``(fence, location, outcome)``: the output printed, a Failure, or None if the block did not
        run because an earlier one of its session failed."""
        self.start_build(root, cache_dir, read_cache=False, markdown_extensions=[], mdx_configs={})
        planned = {}
        try:
            for path, source in pages.items():
                fences, plans = plan_page(
                    without_front_matter(source),
                    source,
                    path,
                    root=root,
                    fingerprint="",
                    cache=None,
                    limits=self.limits,
                )
                for plan in plans:
                    self._submit(plan)
                planned[path] = fences, plans
            results = {}
            for path, (fences, plans) in planned.items():
                outcomes = {}
                for plan in plans:
                    ran = plan.future.result()
                    for index, block in enumerate(plan.blocks):
                        outcomes[id(block.fence)] = (block.fence, block.location, ran.get(index))  # values share lines
                results[path] = [outcomes[id(fence)] for fence in fences]
            return results
        finally:
            self.abort()

    def failure_message(self, location: str, failure: Failure) -> str:
        """What a failed block is reported with in a build: ``file:line: what happened``, traceback, what to do."""
        return failure_message(location, failure, self.limits)

    def run_page(self, markdown: str, page) -> str:
        """Take every executable fence's output (from the cache or the page's runs) in page order, and tag
        each fence with its place; raise SnippetError for the first that failed."""
        build = self.build
        source = page.file.content_string
        path = self._path(page.file)
        planned_page = build.page_plans.pop(path, None)
        if planned_page is not None and planned_page[0] == markdown:  # nothing rewrote the page's Markdown
            fences, plans = planned_page[1], planned_page[2]
        else:
            fences, plans = self._plans(markdown, source, path)
        if not fences:
            return markdown
        build.page = path
        show_source(path, source)
        where = {}
        for plan in plans:
            planned = build.plans.get(plan.identity)
            if planned is not None:  # the same session was planned before the page (it usually is)
                plan.future = planned.future
                for block, earlier in zip(plan.blocks, planned.blocks, strict=True):
                    block.entry = earlier.entry
            elif plan.last_miss >= 0:
                self._submit(plan)
            for index, block in enumerate(plan.blocks):
                where[id(block.fence)] = (plan, index)
        tags, values, shown = {}, [], []
        for fence in sorted(fences, key=lambda f: (f.index, f.inline.column if f.inline else 0)):
            plan, index = where[id(fence)]
            block = plan.blocks[index]
            location = block.location
            if block.problem is not None:
                problem = inline_failure(block.problem, plan, block) if fence.inline else block.problem
                raise SnippetError(failure_message(location, problem, self.limits, self.missing_module))
            results = plan.future.result() if plan.future is not None and index <= plan.last_miss else {}
            outcome = results.get(index)
            if isinstance(outcome, Failure):
                if outcome.kind == "setup" and outcome.error != "SandboxError":
                    raise PluginError(f"live-math: {outcome.headline}")
                outcome = inline_failure(outcome, plan, block) if fence.inline else outcome
                raise SnippetError(
                    failure_message(location, outcome, block_limits(block, self.limits), self.missing_module)
                )
            if block.entry is not None:
                entry = block.entry
                (build.frozen if block.frozen else build.cached).append(location)
                if outcome is not None:
                    build.replayed.append(location)
                    if isinstance(outcome, str) and is_measurement(fence):
                        # Replayed, it measured again: the page shows this run's numbers, never two runs' mixed.
                        entry = Entry(outcome)
            elif outcome is None:
                raise SnippetError(f"{location}: this snippet was not run, because the build was stopped")
            else:
                entry = Entry(outcome)
                build.executed.append(location)
            build.outputs[location] = (fence.code, block.key, entry)
            if fence.inline is not None:
                text = entry.output
                if fence.inline.measured:
                    build.measured.add(location)
                    text = f'<span class="measured" data-search-exclude>{text}</span>'
                values.append((fence.inline.start, fence.inline.end, text))
                shown.append(None if fence.inline.measured else entry.output)  # for the notebook, as fences
                continue
            if is_measurement(fence):
                build.measured.add(location)
            tags[fence.index] = f'{TAG}="{location}"'
        build.values[path] = shown
        if path in build.freezing:
            self._keep_frozen(path, fences)
        # Values first: they keep every line where it is, so the fences' line indexes still hold.
        return tag_fences(apply_edits(markdown, values), tags)

    def provenance_html(self, file) -> str:
        """The quiet line ending a page whose outputs are frozen: when and with what they were computed
        (from its frozen file); empty for any other page."""
        computed = self.build.provenance.get(self._path(file)) if self.build is not None else None
        if computed is None:
            return ""
        line = html_escape(provenance_line(computed))
        return f'\n<p class="live-math-provenance" data-search-exclude><small>{line}</small></p>'

    def shown_output(self, location: str) -> tuple[str, bool] | None:
        """What the fence at ``location`` printed this build and whether it is a measurement; None if it did
        not run."""
        if self.build is None or location not in self.build.outputs:
            return None
        return self.build.outputs[location][2].output, location in self.build.measured

    def shown_values(self, path: str) -> list[str | None]:
        """The text of each inline value of the page at ``path`` (from the project), in page order; None for a
        measurement, which no two builds repeat."""
        return self.build.values.get(path, []) if self.build is not None else []

    def end_build(self) -> None:
        """Report how many snippets ran and how many came from the cache."""
        build = self.build
        self._stop_runs()
        later.wait()  # the outputs' cache files, written on their own thread
        replayed = f", {len(build.replayed)} re-run to restore their session" if build.replayed else ""
        frozen = f", {len(build.frozen)} from frozen outputs" if build.frozen else ""
        log.info(f"execution: {len(build.executed)} snippets run, {len(build.cached)} from cache{frozen}{replayed}")
        stats = os.environ.get("BLOG_EXEC_STATS")
        if stats:
            counts = {
                "executed": build.executed,
                "cached": build.cached,
                "frozen": build.frozen,
                "replayed": build.replayed,
                "rendered": build.rendered,
            }
            Path(stats).write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")
        if self.warming is not None and self.warm_pages and self.snapshot_limit:
            self.warming.after_build(self, self.warm_pages)

    def abort(self) -> None:
        """The build failed: kill every worker still running, and run nothing more."""
        if self.build is not None:
            self.build.runs.stop()
            self._stop_runs()
            with contextlib.suppress(OSError):  # the build failed already: its own error is the one to report
                later.wait()

    def _stop_runs(self) -> None:
        if self.build.pool is not None:
            self.build.pool.shutdown(wait=True, cancel_futures=True)
            self.build.pool = None

    def _plans(self, markdown: str, source: str, path: str):
        build = self.build
        cache = build.cache if build.read_cache else None
        fences, plans = plan_page(
            markdown, source, path, root=build.root, fingerprint=build.fingerprint, cache=cache, limits=self.limits
        )
        if self.freeze == "auto" and fences:
            self._thaw(path, fences, plans)
        return fences, plans

    def _thaw(self, path: str, fences, plans) -> None:
        """Give every block of the page its frozen output, if the page's frozen file matches its key."""
        build = self.build
        state = build.freezing.get(path)
        if state is None or state.fences != fence_texts(fences):
            state = build.freezing[path] = frozen_state(build.root, self.helpers, path, fences)
        if not state.usable:
            if state.data:  # the page reads files the cache's keys do not cover: key its blocks by them too
                for plan in plans:
                    for block in plan.blocks:
                        block.key = block_key(state.data, [], block.key)
                        block.entry = build.cache.get(block.key) if build.read_cache else None
            return
        order = {id(fence): number for number, fence in enumerate(fences)}  # inline values share lines
        for plan in plans:
            for block in plan.blocks:
                output = state.stored.blocks[order[id(block.fence)]].output
                # A key of its own, without the package versions: the cache keeps the HTML made of this output
                # across upgrades, and a build with freezing off never takes a frozen output for a fresh one.
                block.key = block_key("frozen", [], json.dumps([block.fence.info, block.fence.code, output]))
                cached = build.cache.get(block.key) if build.read_cache else None
                block.entry = cached if cached is not None and cached.output == output else Entry(output)
                block.frozen = True
        build.provenance[path] = state.stored.computed

    def _keep_frozen(self, path: str, fences) -> None:
        """After the page ran (or was thawed), write its frozen file if it is missing, stale or names other
        lines than the page now has. Never under CI, which plan_site stopped before any page if one was stale."""
        build = self.build
        state = build.freezing[path]
        blocks = [
            FrozenBlock(location, build.outputs[location][2].output, measured=location in build.measured)
            for location in (fence_location(path, fence) for fence in fences)
        ]
        if state.usable:
            if [block.location for block in blocks] == [block.location for block in state.stored.blocks]:
                return
            computed = state.stored.computed  # only prose moved the fences: the outputs are the ones computed then
        else:
            computed = provenance([fence.code for fence in fences], self.helpers, build.root, path)
        if build.ci:
            return
        write_frozen(frozen_path(build.root, path), Frozen(path, state.key, computed, blocks))
        state.stored, state.problem = Frozen(path, state.key, computed, blocks), ""
        build.provenance[path] = computed

    def _submit(self, plan: Plan) -> None:
        build = self.build
        if build.pool is None:
            build.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="live-math session")
        show_source(plan.path, plan.source)  # for the traceback of a snippet stopped at its time limit
        plan.future = build.pool.submit(build.runs.run, plan)
        build.plans[plan.identity] = plan

    def _zygote(self) -> Zygote:
        """The workers' warm parent, started by the first run that needs it (a warm build starts none)."""
        with self.starting:
            self.sandbox.check()  # under `required`, no snippet runs where the sandbox cannot be enforced
            zygote = self.zygotes.get(self.preload, self.sandbox.environment())
            ready = zygote.wait_ready()
            if ready["failed"]:
                raise WorkerError(
                    "execution.preload: importing "
                    + "; ".join(ready["failed"])
                    + " failed in the workers' parent process; fix the package or remove it from the list"
                )
            if ready["missing"] and not getattr(zygote, "reported", False):
                zygote.reported = True
                log.info(f"execution.preload: {', '.join(ready['missing'])} not installed; workers start without")
            return zygote

    def _path(self, file) -> str:
        paths = self.build.paths
        if file.abs_src_path not in paths:
            paths[file.abs_src_path] = Path(os.path.relpath(file.abs_src_path, self.build.root)).as_posix()
        return paths[file.abs_src_path]

    def render(self, src, language, class_name, options, md, **kwargs):
        """Render the output stored for this fence with markdown-exec's own renderer, or take the HTML an
        earlier build made of it; run nothing."""
        build = self.build
        options = dict(options)
        location = options.pop(TAG, None)
        if build is None or location not in build.outputs:
            page = build.page if build and build.page else "a page"
            raise SnippetError(
                f"{page}: this executable fence was not run before being shown:\n{src[:200]}\n"
                '  live-math runs fences written as ```python exec="on" ..., at the top level or indented'
                " in a block (admonition, tab), not inside a blockquote and not with options in braces."
            )
        code, key, entry = build.outputs[location]
        if code != src:
            raise SnippetError(f"{location}: the code that ran is not the code shown; please report this as a bug")
        if location in build.html:
            return page_unique_ids(build.html[location], md)
        rendering = rendering_key(build.markdown, language, options)
        if entry.rendering == rendering:
            html = entry.html
            # Count the conversions as if markdown-exec had made them, so the ids it numbers in later fences
            # are the ones a cold build gives them.
            MarkdownConverter.counter += entry.conversions
        else:
            before = MarkdownConverter.counter
            html = base_format(language=language, run=lambda *args, **kwargs: entry.output, code=src, md=md, **options)
            build.rendered.append(location)
            if _reusable(html):
                conversions = MarkdownConverter.counter - before
                build.cache.put(key, Entry(entry.output, rendering, html, conversions), location)
        if location in build.measured:
            html = f'<div class="measured" data-search-exclude>{html}</div>'
        # The blog converts a post once more for every listing that shows it: give them the same HTML.
        if _reusable(html):
            build.html[location] = html
        return page_unique_ids(html, md)


def parse_timeout(text, origin: str) -> float:
    """``text`` as a positive number of seconds, or a PluginError naming ``origin``."""
    seconds = parse_seconds(text)
    if seconds is None:
        raise PluginError(f"{origin}: {text!r} is not a positive number of seconds")
    return seconds


def validate(language, inputs, options, attrs, md):
    """markdown-exec's validator, after taking out this plugin's own options."""
    location = inputs.pop(TAG, None)
    for name in OWN_OPTIONS:
        inputs.pop(name, None)
    accepted = validator(language, inputs, options, attrs, md)
    if accepted:
        options[TAG] = location
    return accepted


def _reusable(html: str) -> bool:
    """Whether HTML made once may stand in for another conversion. Not if it has headings, which reach a
    page's table of contents only through markdown-exec's own conversion, nor ids numbered by it."""
    return not HEADING.search(html) and not NUMBERED_ID.search(html)
