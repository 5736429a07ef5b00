"""Run the posts' Python snippets once per build, privately per page, from a cache when possible, and
stop the build with ``file:line: what went wrong`` when one fails.

markdown-exec renders ```` ```python exec="on" ```` fences. Left to itself, an exception in one is only a
warning that does not name the page, an endless loop hangs the build, a session is shared by every page,
and each post's snippets run again for every blog listing that shows the post. :class:`Executor` keeps
markdown-exec's rendering and takes over the running:

- :meth:`Executor.run_page` (``on_page_markdown``) finds the page's executable fences (``fences.py``), runs
  them in document order (``runner.py``) or takes their output from the cache (``cache.py``), and tags each
  fence with its place, e.g. ``exec_location="docs/blog/posts/x.md:12"``.
- The formatter it puts in place of markdown-exec's looks that place up and renders the stored output with
  markdown-exec's ``base_format``, or takes the HTML made by an earlier build from the cache entry when
  nothing that shapes it changed. The blog's listing pages, which convert each post again, get the same HTML.

Fence options added here (besides markdown-exec's own):
    timeout="5"     seconds this block may run; the site's default is the plugin's ``execution.timeout``,
                    overridden by the environment variable BLOG_SNIPPET_TIMEOUT.
    silent="true"   the block prints nothing on purpose (a setup block). Without it, a block that shows
                    neither its source nor any output fails the build: nothing would appear on the page.
    measured="true" the output holds measurements of this machine (timings), which no two builds repeat.
                    It is wrapped in ``<div class="measured" data-search-exclude>`` so that the search
                    index stays reproducible and the reproducibility test can tell it from everything
                    else, which must be byte-identical from one clean build to the next.

Environment variables (overrides for CI and ``make bench``; the settings themselves live in mkdocs.yml):
    BLOG_NO_CACHE=1       run every snippet; the fresh outputs are still stored.
    BLOG_EXEC_STATS=PATH  after each build, write {"executed": [...], "cached": [...], "replayed": [...],
                          "rendered": [...]} there, each a list of ``file:line`` of fences. "replayed" blocks
                          were run again only to rebuild their session's state for a later block that missed
                          the cache; "rendered" ones had their output converted to HTML by markdown-exec.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from markdown_exec import MarkdownConverter, base_format, console_width, validator, working_directory
from markdown_exec import formatter as markdown_exec_formatter
from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from live_math._internal.execution.cache import (
    Entry,
    ExecutionCache,
    block_key,
    environment_fingerprint,
    markdown_fingerprint,
    rendering_key,
)
from live_math._internal.execution.fences import LANGUAGES, Fence, find_fences, tag_fences
from live_math._internal.execution.runner import SnippetFailure, import_path, run_snippet, show_source

log = logging.getLogger("mkdocs.plugins.execution")

TAG = "exec_location"
OWN_OPTIONS = (TAG, "timeout", "silent", "measured")
HEADING = re.compile(r"<h[1-6][\s>]")
NUMBERED_ID = re.compile(r'id="exec-\d+--')  # markdown-exec numbers ids by its count of conversions so far


class SnippetError(PluginError, SuperFencesException):
    """A snippet failed; the message starts with the fence's ``file:line``.

    A PluginError, so MkDocs stops the build and prints the message; a SuperFencesException, so that
    SuperFences lets it through instead of quietly showing the fence as plain code.
    """


@dataclass
class Session:
    """A page's named session (or a lone block): its namespace and the blocks that built its state."""

    namespace: dict
    history: list[str] = field(default_factory=list)  # options and code of each block so far
    pending: list[tuple[Fence, str]] = field(default_factory=list)  # taken from the cache, not run here yet


@dataclass
class Build:
    """What one build knows about execution; made afresh by every build, `mkdocs serve` rebuilds included."""

    root: Path
    timeout: float
    cache: ExecutionCache
    read_cache: bool
    fingerprint: str
    markdown: str  # markdown_fingerprint of the site's extensions
    page: str = ""
    outputs: dict[str, tuple[str, str, Entry]] = field(default_factory=dict)  # location -> (code, key, entry)
    html: dict[str, str] = field(default_factory=dict)  # location -> HTML, for the listings that show it again
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    measured: set[str] = field(default_factory=set)  # locations whose output is a measurement


class Executor:
    """Runs a site's snippets; one lives as long as the plugin, and each build starts afresh with :meth:`start_build`.

    ``timeout`` is the default seconds per snippet; ``helpers`` the folders of helper modules snippets import
    (their parents are the snippets' import path; their files key the cache); ``cache_packages`` the
    distributions whose versions key the cache.
    """

    def __init__(self, timeout: float, helpers: list[Path], cache_packages: list[str]):
        self.timeout = timeout
        self.helpers = helpers
        self.cache_packages = cache_packages
        self.build: Build | None = None

    def install(self, mdx_configs: dict) -> None:
        """Put this executor's validator and formatter in place of markdown-exec's for python fences."""
        superfences = mdx_configs.get("pymdownx.superfences", {})
        for fence in superfences.get("custom_fences", []):
            if fence["name"] in LANGUAGES and fence.get("format") in (markdown_exec_formatter, self.render):
                fence["validator"], fence["format"] = validate, self.render

    def start_build(self, root: Path, cache_dir: Path, read_cache: bool, markdown_extensions, mdx_configs) -> None:
        """Start a build with no sessions and no outputs; forget helper modules so an edit takes effect."""
        _forget_modules_under(self.helpers)
        self.build = Build(
            root=root,
            timeout=self.timeout,
            cache=ExecutionCache(cache_dir),
            read_cache=read_cache,
            fingerprint=environment_fingerprint(self.helpers, self.cache_packages),
            markdown=markdown_fingerprint(markdown_extensions, mdx_configs),
        )

    def run_page(self, markdown: str, page) -> str:
        """Run (or fetch) every executable fence of the page in order, and tag each fence with its place."""
        build = self.build
        source = page.file.content_string
        fences = find_fences(markdown, source, OWN_OPTIONS)
        if not fences:
            return markdown
        path = Path(os.path.relpath(page.file.abs_src_path, build.root)).as_posix()
        build.page = path
        show_source(path, source)
        sessions: dict[str, Session] = {}
        modules: list[str] = []
        tags = {}
        try:
            with import_path([str(folder.parent) for folder in self.helpers]):
                for fence in fences:
                    location = f"{path}:{fence.line}"
                    name = fence.options["session"]
                    if name not in sessions:
                        session = Session(_module_namespace(path, name or str(fence.line), modules))
                        if name:
                            sessions[name] = session
                    else:
                        session = sessions[name]
                    build.outputs[location] = (fence.code, *_output(build, fence, location, session))
                    if _truthy(fence.inputs.get("measured")):
                        build.measured.add(location)
                    tags[fence.index] = f'{TAG}="{location}"'
        finally:
            # The page's sessions end with the page: nothing of them is left for another page or build.
            for module in modules:
                sys.modules.pop(module, None)
        return tag_fences(markdown, tags)

    def shown_output(self, location: str) -> tuple[str, bool] | None:
        """What the fence at ``location`` printed this build and whether it is a measurement; None if it did
        not run."""
        if self.build is None or location not in self.build.outputs:
            return None
        return self.build.outputs[location][2].output, location in self.build.measured

    def end_build(self) -> None:
        """Report how many snippets ran and how many came from the cache."""
        build = self.build
        replayed = f", {len(build.replayed)} re-run to restore their session" if build.replayed else ""
        log.info(f"execution: {len(build.executed)} snippets run, {len(build.cached)} from cache{replayed}")
        stats = os.environ.get("BLOG_EXEC_STATS")
        if stats:
            counts = {
                "executed": build.executed,
                "cached": build.cached,
                "replayed": build.replayed,
                "rendered": build.rendered,
            }
            Path(stats).write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")

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
            return build.html[location]
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
        return html


def parse_timeout(text, origin: str) -> float:
    """``text`` as a positive number of seconds, or a PluginError naming ``origin``."""
    seconds = _seconds(text)
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


def _output(build: Build, fence: Fence, location: str, session: Session) -> tuple[str, Entry]:
    """The fence's cache key and what it prints: from the cache if its key is there, else by running it."""
    key = block_key(build.fingerprint, session.history, f"{fence.info}\n{fence.code}")
    session.history.append(f"{fence.info}\n{fence.code}")
    entry = build.cache.get(key) if build.read_cache else None
    if entry is not None:
        build.cached.append(location)
        session.pending.append((fence, location))
        return key, entry
    # The blocks before this one were served from the cache, so the session lacks their state: run them.
    for earlier, earlier_location in session.pending:
        _run(build, earlier, earlier_location, session)
        build.replayed.append(earlier_location)
    session.pending.clear()
    entry = Entry(_run(build, fence, location, session))
    build.cache.put(key, entry, location)
    build.executed.append(location)
    return key, entry


def _run(build: Build, fence: Fence, location: str, session: Session) -> str:
    """Run the fence's code in its session; raise SnippetError naming ``location`` if that fails."""
    path = location.rsplit(":", 1)[0]
    workdir = build.root / fence.options["workdir"] if fence.options.get("workdir") else build.root
    timeout = _fence_timeout(build, fence, location)
    try:
        with working_directory(str(workdir)), console_width(fence.options.get("width") or None):
            output = run_snippet(
                fence.code,
                filename=path,
                first_line=fence.line + 1,
                namespace=session.namespace,
                timeout=timeout,
                root=build.root,
            )
    except SnippetFailure as failure:
        raise SnippetError(_failure_message(location, failure)) from None
    if not output.strip() and not fence.options["source"] and not _truthy(fence.inputs.get("silent")):
        raise SnippetError(
            f"{location}: snippet printed nothing, so this block would show nothing on the page.\n"
            "  print() what the reader should see in the block itself (print() inside an imported module goes to"
            " the terminal: have helpers return strings),\n"
            '  or show the code with source="above", or mark a setup block that shows nothing with silent="true".'
        )
    return output


def _failure_message(location: str, failure: SnippetFailure) -> str:
    lines = [f"{location}: {failure.headline}", *failure.details]
    if isinstance(failure.error, ModuleNotFoundError):
        lines.append(
            f"  No module named {failure.error.name!r} can be imported: a package must be added to pyproject.toml"
            " and requirements.lock (then `make setup`); a helper of the blog belongs in snippets/."
        )
    elif failure.headline.startswith("snippet timed out"):
        lines.append(
            '  Give this block more time with timeout="SECONDS" on its fence; the default for every snippet is'
            " execution.timeout of the live-math plugin in mkdocs.yml (or BLOG_SNIPPET_TIMEOUT)."
        )
    return "\n".join(lines)


def _fence_timeout(build: Build, fence: Fence, location: str) -> float:
    if "timeout" not in fence.inputs:
        return build.timeout
    seconds = _seconds(fence.inputs["timeout"])
    if seconds is None:
        raise SnippetError(f'{location}: timeout="{fence.inputs["timeout"]}" is not a positive number of seconds')
    return seconds


def _truthy(option: str | None) -> bool:
    return (option or "false").lower() not in {"", "no", "off", "false", "0"}


def _seconds(text) -> float | None:
    try:
        seconds = float(text)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 and math.isfinite(seconds) else None


def _module_namespace(path: str, label: str, modules: list[str]) -> dict:
    """A fresh module's namespace for a session, registered in sys.modules as libraries (dataclasses,
    pickle) expect of the module a class was defined in; ``modules`` collects the names to remove later."""
    name = "snippet_" + re.sub(r"\W+", "_", f"{path}_{label}")
    module = ModuleType(name)
    sys.modules[name] = module
    modules.append(name)
    return module.__dict__


def _forget_modules_under(folders: list[Path]) -> None:
    """Drop from ``sys.modules`` every module loaded from ``folders``: `mkdocs serve` keeps one interpreter
    across rebuilds, and a helper edited between two builds must be imported again."""
    roots = [folder.resolve() for folder in folders]
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and any(Path(file).resolve().is_relative_to(root) for root in roots):
            del sys.modules[name]
