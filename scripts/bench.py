#!/usr/bin/env python3
"""Measure, on this machine, how fast the blog builds and how heavy a post page is (`make bench`).

    scripts/bench.py [--quick] [--repeat N] [--sizes 10,100,300] [--profile]

Every build runs on a temporary copy of the project, so the real ``site/`` and ``.cache/`` are never
touched. Each figure is measured several times, the rounds interleaved so that noise from other work on
the machine spreads over all of them, and is shown as median and min–max. What the figures mean, and
the results of a run, are in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, this file sees only scripts/
from live_math._internal.execution import runner as snippet_runner  # noqa: E402
from live_math._internal.execution import workers as snippet_workers  # noqa: E402
from live_math._internal.execution.executor import OWN_OPTIONS  # noqa: E402
from live_math._internal.execution.fences import Fence, find_fences  # noqa: E402
from live_math._internal.execution.inline import find_inlines  # noqa: E402
from scripts.offline_chromium import CHROMIUM_ARGS, find_chromium  # noqa: E402
from scripts.project_copy import copy_project  # noqa: E402

POSTS = Path("docs/blog/posts")

SERVE_SIZES = (100, 300)  # synthetic sites whose save-to-reload is measured (and has a target)
RELOAD_TARGETS = {"prose": 0.5, "snippet": 1.5, "first snippet": 1.5, "prose, 100 posts": 1.0, "prose, 300 posts": 1.5}
WARMED = re.compile(r"execution: snapshots of .* taken in the background \(([0-9.]+) s\)")  # warming.py's log line

BUILD_TIMEOUT = 600.0  # seconds; the largest build here takes about 10


class BenchError(RuntimeError):
    """A build or measurement failed; the message carries the log."""


# --- project copies ------------------------------------------------------------------------------


def exec_fences(markdown: str) -> list[Fence]:
    """The Python blocks of a page that the execution hook runs, in order, found as the hook finds them."""
    return find_fences(markdown, markdown, OWN_OPTIONS)


def fence_indent(lines: list[str], fence: Fence) -> str:
    opening = lines[fence.index]
    return opening[: len(opening) - len(opening.lstrip(" \t"))]


def count_snippets(project: Path) -> int:
    """What a cold build runs: every exec fence and every inline value (`` `{py} expression` ``) of the posts."""
    count = 0
    for post in (project / POSTS).glob("*.md"):
        markdown = post.read_text(encoding="utf-8")
        count += len(exec_fences(markdown)) + len(find_inlines(markdown, lambda index: index))
    return count


def edited_post(project: Path) -> Path:
    """The post the edit measurements change: the one with the most snippets (ties: the first by name)."""
    posts = sorted((project / POSTS).glob("*.md"))
    return max(posts, key=lambda p: len(exec_fences(p.read_text(encoding="utf-8"))))


def edit_post(post: Path, label: str, snippet: bool) -> int:
    """Save ``post`` as a writer would: a new paragraph with a new formula, and with ``snippet`` a
    changed last snippet (a comment added to it).

    Returns how many snippets the edit should re-run: the changed one (the page's last), or none.
    """
    text = post.read_text(encoding="utf-8")
    fences = exec_fences(text) if snippet else []
    if fences:
        lines = text.split("\n")
        lines.insert(fences[-1].index + 1, f"{fence_indent(lines, fences[-1])}# {label}")
        text = "\n".join(lines)
    text = text.rstrip("\n") + f"\n\nEdited for {label}: the new formula is $x_{{{len(text)}}} = {label.count('-')}$.\n"
    post.write_text(text, encoding="utf-8")
    return 1 if fences else 0


# --- builds --------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system CPU seconds: what the build costs without other work on the machine
    peak_mb: float
    # Snippets the build ran, from BLOG_EXEC_STATS (None if the build does not say): those it had no
    # cached output for, plus the unchanged blocks it re-ran only to rebuild a session's state for them.
    executed: int | None
    replayed: int = 0
    checks: float | None = None  # seconds spent in the checks before publishing, from BLOG_CHECK_STATS


def mkdocs_env(project: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "BLOG_CACHE_DIR": str(project / ".cache"),
        "BLOG_EXEC_STATS": str(project / "exec-stats.json"),
        "BLOG_CHECK_STATS": str(project / "check-stats.json"),
        **extra,
    }


def build(project: Path, *command_prefix: str, script: bool = False, env: dict[str, str] | None = None) -> Run:
    """Run ``mkdocs build --strict`` on ``project`` and time it; the peak RSS is the MkDocs process's own
    (its workers, separate processes, are not in it).
    With ``script``, ``command_prefix`` is the whole command but its ``-f`` and ``-d`` options; ``env`` adds
    environment variables."""
    stats = project / "exec-stats.json"
    stats.unlink(missing_ok=True)
    check_stats = project / "check-stats.json"
    check_stats.unlink(missing_ok=True)
    log_path = project / "build.log"
    peak = project / "peak-rss.kib"  # the MkDocs process's own peak, written by own_peak.py as it exits
    peak.unlink(missing_ok=True)
    if script:
        command = [*command_prefix]
    elif command_prefix:
        command = [*command_prefix, "-m", "mkdocs", "build"]
    else:
        command = [sys.executable, str(ROOT / "scripts" / "own_peak.py"), str(peak), "build"]
    command += [] if script else ["--strict", "-q"]
    command += ["-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        environment = mkdocs_env(project, **(env or {}))
        process = subprocess.Popen(command, cwd=project, env=environment, stdout=log, stderr=log)
        watchdog = threading.Timer(BUILD_TIMEOUT, process.kill)  # a hung build must not hang the bench
        watchdog.start()
        # os.wait4 gives the rusage of this child only (RUSAGE_CHILDREN would be the max of all so far).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    if seconds >= BUILD_TIMEOUT:
        raise BenchError(f"build of {project} killed after {BUILD_TIMEOUT:.0f} s; see {log_path}")
    cpu = usage.ru_utime + usage.ru_stime
    if process.returncode != 0:
        raise BenchError(f"build of {project} failed:\n{log_path.read_text(errors='replace')[-4000:]}")
    checks = json.loads(check_stats.read_text())["seconds"] if check_stats.exists() else None
    # `make build` and profiled builds are not started through own_peak.py: theirs is ru_maxrss, which counts
    # the bench's own memory at the fork as well (see own_peak.py).
    peak_mb = int(peak.read_text()) / 1024 if peak.exists() else usage.ru_maxrss / 1024
    if not stats.exists():
        return Run(seconds, cpu, peak_mb, None, checks=checks)
    counts = json.loads(stats.read_text())
    executed, replayed = len(counts["executed"]), len(counts.get("replayed", []))
    return Run(seconds, cpu, peak_mb, executed, replayed, checks)


def make_build(project: Path) -> Run:
    """Time ``make build``'s command (scripts/build.py: a strict build into a staging folder swapped in for site/)."""
    return build(project, sys.executable, str(ROOT / "scripts" / "build.py"), script=True)


def build_floor(project: Path) -> Run:
    """Build a floor copy (see make_floor), making sure nothing of ours ran in it."""
    run = build(project)
    if run.executed is not None:
        raise BenchError(f"the floor build of {project} still ran the execution hook: update make_floor")
    return run


def one_worker(project: Path) -> Path:
    """Make ``project`` run its sessions one at a time (``workers: 1``), for the side-by-side comparison."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if text.count("      execution:\n") != 1:
        raise BenchError("mkdocs.yml has no single `execution:` under live-math: update one_worker")
    config.write_text(text.replace("      execution:\n", "      execution:\n        workers: 1\n"), encoding="utf-8")
    return project


def clear_caches(project: Path) -> None:
    shutil.rmtree(project / ".cache", ignore_errors=True)


# --- the floor -----------------------------------------------------------------------------------


def make_floor(project: Path) -> None:
    """Turn a project copy into the floor: MkDocs + Material with nothing of ours left to compute.

    The markdown-exec and live-math plugins leave the config; each exec fence in the
    posts is replaced by what it prints (run once, here, outside the timed builds), as a cache would
    replay it; formulas stay as arithmatex's TeX spans, which is what a cache hit costs minus the lookup.
    Output printed as HTML (``html="true"``) is pasted into the finished page by a one-line hook, as
    markdown-exec does, since Markdown would otherwise parse it (slower than what it stands for).
    """
    config = project / "mkdocs.yml"
    text = drop_yaml_items(config.read_text(encoding="utf-8"), r"markdown-exec\b")
    text = drop_yaml_items(text, r"live-math\b")
    text += "\nhooks:\n  - floor_paste.py\n"
    config.write_text(text, encoding="utf-8")
    pasted: list[str] = []
    for post in sorted((project / POSTS).glob("*.md")):
        post.write_text(replay_snippets(post.read_text(encoding="utf-8"), project, pasted), encoding="utf-8")
    (project / "floor_html.json").write_text(json.dumps(pasted), encoding="utf-8")
    (project / "floor_paste.py").write_text(FLOOR_PASTE, encoding="utf-8")


CODE_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S
)


def drop_code_blocks(project: Path) -> None:
    """Turn a floor copy into the floor without code blocks: every fenced block of the posts left out, so that
    what Pygments' highlighting costs the floor stays visible."""
    for post in sorted((project / POSTS).glob("*.md")):
        post.write_text(CODE_BLOCK.sub("", post.read_text(encoding="utf-8")), encoding="utf-8")


FLOOR_PASTE = """import json, pathlib, re
PASTED = json.loads((pathlib.Path(__file__).parent / "floor_html.json").read_text())
def on_page_content(html, **kwargs):
    return re.sub(r"<p>FLOOR-HTML-(\\d+)</p>", lambda m: PASTED[int(m[1])], html)
"""


def drop_yaml_items(text: str, name_pattern: str, required: bool = True) -> str:
    """Remove each YAML list item ``- name...`` and the lines indented under it."""
    lines = text.splitlines(keepends=True)
    item = re.compile(rf"^(?P<indent>\s*)- {name_pattern}")
    kept, index, dropped = [], 0, 0
    while index < len(lines):
        match = item.match(lines[index])
        if not match:
            kept.append(lines[index])
            index += 1
            continue
        dropped += 1
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > len(match["indent"])):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():  # keep the blank lines that follow it
            end -= 1
        index = end
    if required and not dropped:
        raise BenchError(f"mkdocs.yml has no list item matching {name_pattern!r}: update make_floor")
    return "".join(kept)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def replay_snippets(markdown: str, project: Path, pasted: list[str]) -> str:
    """``markdown`` with each exec fence replaced by its output, as markdown-exec would show it; HTML
    output is appended to ``pasted`` and leaves a placeholder paragraph."""
    sessions: dict[str, dict] = {}
    lines = markdown.split("\n")
    pieces, last = [], 0
    for fence in exec_fences(markdown):
        options = fence.inputs
        namespace = sessions.setdefault(options["session"], {}) if "session" in options else {}
        output = run_snippet(fence, namespace, project)
        if options.get("result"):
            output = f"```{options['result']}\n{output}\n```"
        elif options.get("html", "").lower() in {"1", "on", "true", "yes"}:
            pasted.append(output)
            output = f"FLOOR-HTML-{len(pasted) - 1}"
        if options.get("source"):
            shown = f"```python\n{fence.code}\n```"
            output = f"{output}\n\n{shown}" if options["source"] == "below" else f"{shown}\n\n{output}"
        indent = fence_indent(lines, fence)
        pieces += [*lines[last : fence.index], *(indent + line if line else line for line in output.splitlines())]
        last = fence.end + 1
    return "\n".join(pieces + lines[last:])


def run_snippet(fence: Fence, namespace: dict, project: Path) -> str:
    """Run one snippet as the execution hook does (only its own ``print`` calls reach the page), from the
    project folder with its ``snippets`` package importable."""
    namespace.setdefault("__name__", "__main__")
    with contextlib.chdir(project):
        sys.path.insert(0, str(project))
        try:
            printed = snippet_runner.run_snippet(
                fence.code, filename="<snippet>", first_line=1, namespace=namespace, root=project
            )
        finally:
            sys.path.remove(str(project))
    return printed.rstrip("\n")


# --- synthetic sites -----------------------------------------------------------------------------


def synthetic_post(number: int) -> str:
    """A post with 3 small snippets (one session) and 15 formulas, all distinct from other posts'."""
    n = number
    inline = " ".join(f"Term {k} is $a_{{{n},{k}}} = \\frac{{{n}}}{{{k}+x^{{{k}}}}}$." for k in range(1, 11))
    display = "\n\n".join(
        f"$$\n\\sum_{{i=1}}^{{{n}}} \\left(x_i - \\mu_{{{k}}}\\right)^{{{k}}} = \\int_0^{{{n}}} f_{{{k}}}(t)\\,dt\n$$"
        for k in range(1, 6)
    )
    return f"""---
title: Synthetic post {n}
date: {2020 + n // 300}-{1 + n % 12:02d}-{1 + n % 28:02d}
authors: [editor]
categories: [Mathematics]
tags: [bench]
description: Synthetic post {n} of the build benchmark.
---

# Synthetic post {n}

A post generated by scripts/bench.py. {inline}

<!-- more -->

## Formulas

{display}

## Snippets

```python exec="on" session="post-{n}"
values = [k * k for k in range(1, {n % 7 + 4})]
print(f"The squares are {{', '.join(map(str, values))}}.")
```

```python exec="on" session="post-{n}" source="above"
total = sum(values)
print(f"Their sum is **{{total}}**.")
```

```python exec="on" session="post-{n}"
import math

print("| k | square root |\\n| --- | --- |")
for k in values[:3]:
    print(f"| {{k}} | {{math.sqrt(k):.4f}} |")
```
"""


def synthetic_site(destination: Path, posts: int, frozen: bool = False) -> Path:
    project = copy_project(destination, keep_posts=False, frozen=frozen)
    for number in range(1, posts + 1):
        (project / POSTS / f"synthetic-{number:03d}.md").write_text(synthetic_post(number), encoding="utf-8")
    return project


# --- workers -------------------------------------------------------------------------------------


PLAIN_SESSION, SANDBOXED_SESSION = "one session (fork, run, end)", "one session, sandboxed (fork, confine, run, end)"
SANDBOX_ON = {"LIVE_MATH_SANDBOX": "available"}  # whatever the bench's own environment says


def worker_startup(repeats: int, sessions: int = 20) -> dict[str, list[float]]:
    """Seconds for the workers' parent to start with the preloaded packages, and for one session: fork a
    worker, run a one-line block in it, end it (what each session pays on top of its own code), without and
    with the sandbox, alternately."""
    from live_math._internal.sandbox.policy import Sandbox, Scratch

    parent = "parent start (numpy, matplotlib)"
    times: dict[str, list[float]] = {parent: [], PLAIN_SESSION: [], SANDBOXED_SESSION: []}
    block = {"code": "print(1)", "first_line": 1, "workdir": str(ROOT), "width": None, "timeout": 30.0}
    block |= {"memory": 2**31, "max_output": 2**20}
    sandbox = Sandbox("available", [ROOT / "docs", ROOT / "snippets"], [], ROOT)
    for _ in range(repeats):
        started = time.perf_counter()
        zygote = snippet_workers.Zygote(["numpy", "matplotlib"], sandbox.environment())
        zygote.wait_ready()
        times[parent].append(time.perf_counter() - started)
        try:
            for _ in range(sessions):
                for kind in (PLAIN_SESSION, SANDBOXED_SESSION):
                    started = time.perf_counter()
                    worker = zygote.fork()
                    scratch = Scratch(zygote.scratch_root) if kind == SANDBOXED_SESSION else None
                    policy, environment = sandbox.session(scratch.path) if scratch else (None, sandbox.environment())
                    worker.start(
                        {"root": str(ROOT), "path": [], "helpers": [], "filename": "<bench>", "source": "print(1)\n"}
                        | {"module": "snippet_bench", "environment": environment, "sandbox": policy}
                    )
                    if worker.run(block) != "1\n":
                        raise BenchError("a bench worker did not print 1")
                    worker.close()
                    if scratch is not None:
                        scratch.release()
                    times[kind].append(time.perf_counter() - started)
        finally:
            zygote.close()
    return times


# --- mkdocs serve --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, timeout: float) -> float:
    """Poll ``url`` every 10 ms until its body contains ``text``; return when that happened."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter()
        time.sleep(0.01)
    raise BenchError(f"{url} did not show {text!r} within {timeout:.0f} s")


def wait_for_log(log: Path, pattern: re.Pattern, timeout: float) -> float:
    """Wait until ``log`` has a line matching ``pattern``; return its first group as a number."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        found = pattern.search(log.read_text(encoding="utf-8", errors="replace")) if log.exists() else None
        if found:
            return float(found.group(1))
        time.sleep(0.1)
    raise BenchError(f"{log} never said {pattern.pattern!r} within {timeout:.0f} s")


def page_path_containing(site: Path, text: str) -> str:
    """The site-relative URL path of the one page whose HTML contains ``text``."""
    for page in sorted(site.rglob("index.html")):
        if text in page.read_text(encoding="utf-8", errors="replace"):
            return page.parent.relative_to(site).as_posix() + "/"
    raise BenchError(f"no page of {site} contains {text!r}")


@contextlib.contextmanager
def serving(project: Path):
    """`mkdocs serve` on ``project``, started after a build that warms its caches as a writer's previous
    session would have; yields the post the bench edits, its page's URL and when the page was first served."""
    post = edited_post(project)
    edit_post(post, "bench-serve-0", snippet=False)
    build(project)
    url = f"http://127.0.0.1:{free_port()}/"
    page = url + page_path_containing(project / "site", "bench-serve-0")
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"), "-a", url[7:-1]]
    with open(project / "serve.log", "wb") as log:
        server = subprocess.Popen(command, cwd=project, env=mkdocs_env(project), stdout=log, stderr=log)
    try:
        yield post, page, wait_for(page, "bench-serve-0", timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)


def blocks_run(project: Path, since: float, timeout: float = 10.0) -> str | None:
    """The blocks the first build of ``project`` to end after ``since`` (``time.time()``) ran, as
    run+replayed, from its BLOG_EXEC_STATS report; None if no build reported within ``timeout``. The first
    report, not the last: one save can trigger two rebuilds, and the second finds the block cached."""
    stats = project / "exec-stats.json"
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with contextlib.suppress(OSError, ValueError, KeyError):
            if stats.stat().st_mtime >= since:
                counts = json.loads(stats.read_text())
                ran, replayed = len(counts["executed"]), len(counts["replayed"])
                return f"{ran}+{replayed}" if replayed else str(ran)
        time.sleep(0.02)
    return None


def edit_to_reload(
    project: Path, repeats: int, kinds=("prose", "snippet"), wait_warming: bool = True
) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """Seconds from saving a post to `mkdocs serve` serving the page with the new text, ``repeats`` times
    for each of ``kinds`` of edit (a prose edit, a snippet edit), alternating; and the blocks each reload ran
    (run+replayed), in order. The first snippet edit of the session is reported as its own kind, "first
    snippet": the server starts on a warm cache, so no snippet runs in its first build, and only the snapshots
    warming takes in the background (``execution.warm_snapshots``) spare that edit a replay of its session. It
    is saved once the server has logged that warming ended (``wait_warming``; a writer reads the page first),
    or, without warming, at once; each later edit resumes from the snapshot its previous run left."""
    with serving(project) as (post, page, served):
        if "snippet" in kinds and wait_warming:
            warmed = wait_for_log(project / "serve.log", WARMED, timeout=300)
            print(
                f"  warming: snapshots taken in {warmed:.1f} s after the page was served "
                f"({time.perf_counter() - served:.1f} s until the log said so)",
                flush=True,
            )
        names = [*kinds, "first snippet"] if "snippet" in kinds else list(kinds)
        times = {kind: [] for kind in names}
        blocks: dict[str, list[str]] = {kind: [] for kind in names}
        for round_ in range(1, repeats + 1):
            for kind in kinds:
                label = f"bench-serve-{kind}-{round_}"
                since = time.time()
                edit_post(post, label, snippet=kind == "snippet")
                saved = time.perf_counter()
                kind = "first snippet" if kind == "snippet" and not times["first snippet"] else kind
                times[kind].append(wait_for(page, label, timeout=120) - saved)
                ran = blocks_run(project, since)
                if ran is not None:
                    blocks[kind].append(ran)
                time.sleep(1)  # let the server settle before the next save
        return times, blocks


def prose_reloads_beside_floor(project: Path, floor: Path, repeats: int) -> tuple[list[float], list[float], list[str]]:
    """Save-to-reload of a prose edit under `mkdocs serve`, on ``project`` and on its ``floor``, both servers
    up and the edits alternating, ``repeats`` each: (ours, the floor's, the blocks each of ours ran)."""
    ours: list[float] = []
    floors: list[float] = []
    blocks: list[str] = []
    with serving(project) as (post, page, _), serving(floor) as (floor_post, floor_page, _):
        for round_ in range(1, repeats + 1):
            for times, edited, url in ((ours, post, page), (floors, floor_post, floor_page)):
                label = f"bench-serve-prose-{round_}"
                since = time.time()
                edit_post(edited, label, snippet=False)
                saved = time.perf_counter()
                times.append(wait_for(url, label, timeout=120) - saved)
                ran = blocks_run(project, since) if edited is post else None
                if ran is not None:
                    blocks.append(ran)
                time.sleep(1)
    return ours, floors, blocks


# --- the post page in Chromium -------------------------------------------------------------------

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as a static host such as GitHub Pages does: text gzip-compressed on request."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix not in COMPRESSIBLE
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not path.is_file()
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002 - the standard library's signature
        pass


@dataclass
class PageWeight:
    transferred: dict[str, int] = field(default_factory=dict)  # bytes on the wire, headers included
    uncompressed: dict[str, int] = field(default_factory=dict)  # the files' own sizes
    requests: int = 0
    external: list[str] = field(default_factory=list)


KINDS = {"document": "HTML", "stylesheet": "CSS", "script": "JS", "font": "fonts", "image": "images"}


def page_weight(site: Path, path: str, chromium: str) -> PageWeight:
    """Load ``path`` of ``site`` in Chromium, served from 127.0.0.1, and add up what it fetched."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    weight = PageWeight()

    def keep_local(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            weight.external.append(route.request.url)
            route.abort()

    def count(request):
        sizes = request.sizes()
        kind = KINDS.get(request.resource_type, "other")
        transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        weight.transferred[kind] = weight.transferred.get(kind, 0) + transferred
        file = site / urllib.parse.urlsplit(request.url).path.removeprefix(urllib.parse.urlsplit(base).path)
        file = file / "index.html" if file.is_dir() else file
        weight.uncompressed[kind] = weight.uncompressed.get(kind, 0) + (file.stat().st_size if file.is_file() else 0)
        weight.requests += 1

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.route("**/*", keep_local)
            page.on("requestfinished", count)
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(500)  # late requests (the search index) count too
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return weight


# --- a page with a slider figure ------------------------------------------------------------------

SLIDER_DEMO = ROOT / "tests" / "demo_posts" / "slider-figure.md"


@dataclass
class SliderWeight:
    path: str
    frames: int  # values the slider steps through
    pictures: int  # distinct pictures stored for them
    page: int  # bytes of the page's HTML file
    page_gzip: int
    figure: int  # bytes of the figure's own HTML (frames, shared parts, slider, data)
    figure_gzip: int


def slider_weight(workspace: Path) -> SliderWeight:
    """Build the demo post with a slider figure (no other post) and weigh its page's HTML, raw and gzip."""
    project = copy_project(workspace / "slider")
    shutil.copy(SLIDER_DEMO, project / POSTS / SLIDER_DEMO.name)
    build(project)
    path = page_path_containing(project / "site", 'class="live-slider"')
    html = (project / "site" / path / "index.html").read_text(encoding="utf-8")
    figure = slider_markup(html)
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', figure, re.DOTALL)[1])
    return SliderWeight(
        path=path,
        frames=len(data["pictures"]),
        pictures=len(set(data["pictures"])),
        page=len(html.encode()),
        page_gzip=len(gzip.compress(html.encode(), compresslevel=6)),
        figure=len(figure.encode()),
        figure_gzip=len(gzip.compress(figure.encode(), compresslevel=6)),
    )


def slider_markup(html: str) -> str:
    """The ``<div class="live-slider">`` element of ``html``, found by balancing its nested divs."""
    start = html.index('<div class="live-slider"')
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            position = start + tag.end()
            return html[start : html.index(">", position) + 1]
    raise BenchError("the slider figure's <div> is never closed")


def report_slider(weight: SliderWeight) -> list[tuple[str, bool]]:
    """Print the slider page's weight; return its target (the issue's: ≤ 150 KB of HTML, as served)."""
    print(
        f"\nSlider figure page /{weight.path} ({SLIDER_DEMO.relative_to(ROOT)}): {weight.frames} frames, "
        f"{weight.pictures} distinct pictures.\n"
    )
    print("| HTML | raw | gzip |\n|---|---|---|")
    print(f"| whole page | {weight.page / 1024:.1f} KB | {weight.page_gzip / 1024:.1f} KB |")
    print(f"| the figure alone | {weight.figure / 1024:.1f} KB | {weight.figure_gzip / 1024:.1f} KB |")
    kb = weight.page_gzip / 1024
    return [(f"page with a {weight.frames}-frame slider figure ≤ 150 KB of HTML, gzip (is {kb:.0f} KB)", kb <= 150)]


# --- profiling -----------------------------------------------------------------------------------


def profile_build(project: Path, label: str, top: int = 25) -> None:
    """Print where a build of ``project`` spends its time: cProfile by cumulative and by own time, and the
    project's own plugin and snippets apart."""
    import pstats

    output = project / "build.prof"
    build(project, sys.executable, "-m", "cProfile", "-o", str(output))
    print(f"\n## cProfile: {label}\n\n| stage (inclusive, MkDocs process) | seconds |\n|---|--:|")
    for stage, seconds in stage_seconds(output):
        print(f"| {stage} | {seconds:.2f} |")
    for title, order, restriction in (
        ("by cumulative time", "cumulative", ()),
        ("by own time", "tottime", ()),
        ("the project's plugin and snippets", "cumulative", (r"/(live_math|snippets)/",)),
    ):
        stream = io.StringIO()
        stats = pstats.Stats(str(output), stream=stream).sort_stats(order)
        stats.print_stats(*restriction, top + len(PROFILE_WRAPPERS))
        lines = [line for line in stream.getvalue().splitlines() if "(" in line or "ncalls" in line]
        lines = [line for line in lines if not any(wrapper in line for wrapper in PROFILE_WRAPPERS)]
        print(f"\n### {title}\n" + "\n".join(lines[: top + 1]).replace(str(Path(sys.prefix)), "<venv>"))


# Where a build's time goes, by stage: (label, [(file path ending, function name), ...]). Each figure is the
# inclusive (cumulative) time of those functions in the MkDocs process, so a stage nested in another (KaTeX in
# the pages' templates and hooks) is also part of it; snippets run in worker processes, so for them the figure
# is the time MkDocs waits for and renders their outputs.
EXECUTOR, SEARCH = "execution/executor.py", "material/plugins/search/plugin.py"
STAGES = [
    ("whole build (mkdocs.commands.build.build)", [("mkdocs/commands/build.py", "build")]),
    ("imports (anything imported during the build)", [("<frozen importlib._bootstrap>", "_find_and_load")]),
    ("configuration (load_config, every on_config)", [("mkdocs/config/base.py", "load_config")]),
    ("snippets: planning and waiting for workers", [(EXECUTOR, "plan_site"), (EXECUTOR, "run_page")]),
    ("snippets: outputs rendered by markdown-exec", [(EXECUTOR, "render")]),
    ("pages: Markdown converted (Page.render)", [("mkdocs/structure/pages.py", "render")]),
    ("blog: excerpts converted for listings", [("material/plugins/blog/structure/__init__.py", "render")]),
    ("pages: templates rendered and post-page hooks (_build_page)", [("mkdocs/commands/build.py", "_build_page")]),
    ("math: KaTeX typesetting (typeset_page)", [("math/katex.py", "typeset_page")]),
    ("checks (sources, pages, the site)", [("checks/checker.py", name) for name in ("check_sources", "check_content")]
     + [("checks/checker.py", "check_page"), ("checks/checker.py", "finish")]),
    ("notebooks (zips and links)", [("notebook/page.py", "add")]),
    ("search index", [(SEARCH, "on_page_context"), (SEARCH, "on_post_build")]),
    ("files written (mkdocs.utils.write_file)", [("mkdocs/utils/__init__.py", "write_file")]),
]  # fmt: skip


def stage_seconds(profile: Path) -> list[tuple[str, float]]:
    """The STAGES' inclusive seconds in a cProfile file (functions of one stage added up)."""
    import pstats

    stats = pstats.Stats(str(profile)).stats
    figures = []
    for label, functions in STAGES:
        seconds = sum(
            cumulative
            for (file, _, name), (_, _, _, cumulative, _) in stats.items()
            if any(file.endswith(ending) and name == function for ending, function in functions)
        )
        figures.append((label, seconds))
    return figures


# Frames every build passes through (interpreter start, click): they only repeat the total.
PROFILE_WRAPPERS = ("{built-in method builtins.exec}", "<string>:1", "<frozen runpy>", "click/core.py", "__main__.py")


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured quantity: its runs, summarized as median and min–max."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def executed(self) -> str:
        """Snippets run per build, as ``ran+replayed`` when some were replayed; several values if runs differ."""
        counts = {(r.executed, r.replayed) for r in self.runs}
        if counts == {(None, 0)}:
            return "n/a"
        return "/".join(f"{ran}+{replayed}" if replayed else str(ran) for ran, replayed in sorted(counts, key=str))

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)


def measure_real_site(workspace: Path, repeats: int) -> tuple[dict[str, Figure], dict]:
    """Floor, cold, warm and one-post edit builds of the real site, interleaved round by round."""
    project = copy_project(workspace / "real", keep_posts=True)
    serial = one_worker(copy_project(workspace / "real-1-worker", keep_posts=True))
    # A fresh clone of the blog as committed: frozen outputs (frozen/) present, no cache.
    clone = copy_project(workspace / "real-frozen", keep_posts=True, frozen=True)
    floor = copy_project(workspace / "floor", keep_posts=True)
    make_floor(floor)
    facts = {"posts": len(list((project / POSTS).glob("*.md"))), "snippets": count_snippets(project)}
    unconfined = copy_project(workspace / "real-unconfined", keep_posts=True)
    kinds = ("floor", "cold", "cold, sandbox off", "cold, 1 worker", "fresh clone", "warm", "prose edit")
    kinds += ("snippet edit",)
    figures = {name: Figure(name) for name in kinds}
    build_floor(floor)  # one untimed build each, so that first-use disk effects land in no figure
    build(project)
    facts["site"] = shutil.copytree(project / "site", workspace / "unedited-site")  # for the page weight
    post = edited_post(project)
    for round_ in range(repeats):
        figures["floor"].runs.append(build_floor(floor))
        clear_caches(project)
        figures["cold"].runs.append(build(project, env=SANDBOX_ON))
        clear_caches(unconfined)
        figures["cold, sandbox off"].runs.append(build(unconfined, env={"LIVE_MATH_SANDBOX": "off"}))
        clear_caches(serial)
        figures["cold, 1 worker"].runs.append(build(serial))
        clear_caches(clone)
        figures["fresh clone"].runs.append(build(clone))
        figures["warm"].runs.append(build(project))
        facts["prose edit"] = edit_post(post, f"bench-prose-{round_}", snippet=False)
        figures["prose edit"].runs.append(build(project))
        facts["snippet edit"] = edit_post(post, f"bench-snippet-{round_}", snippet=True)
        figures["snippet edit"].runs.append(build(project))
    facts["post_path"] = page_path_containing(project / "site", f"bench-snippet-{repeats - 1}")
    return figures, facts


def measure_scaling(workspace: Path, sizes: list[int], repeats: int) -> dict[int, dict[str, Figure]]:
    """Floor, floor without code blocks, cold (default workers and one worker), warm and one-post prose edit
    (``make build``) builds of synthetic sites, the rounds interleaved."""
    projects, serials, floors, bare, clones = {}, {}, {}, {}, {}
    for size in sizes:
        projects[size] = synthetic_site(workspace / f"synthetic-{size}", size)
        # A fresh clone: its frozen outputs written by one build (untimed), then every round with no cache.
        clones[size] = synthetic_site(workspace / f"synthetic-{size}-frozen", size, frozen=True)
        shutil.rmtree(clones[size] / "frozen", ignore_errors=True)  # the real post's, which is not in it
        build(clones[size])
        serials[size] = one_worker(synthetic_site(workspace / f"synthetic-{size}-1-worker", size))
        floors[size] = synthetic_site(workspace / f"synthetic-{size}-floor", size)
        make_floor(floors[size])
        bare[size] = synthetic_site(workspace / f"synthetic-{size}-floor-no-code", size)
        make_floor(bare[size])
        drop_code_blocks(bare[size])
    kinds = SCALING_KINDS
    figures = {size: {kind: Figure(f"{size} posts {kind}") for kind in kinds} for size in sizes}
    for round_ in range(repeats):
        for size, project in projects.items():
            figures[size]["floor"].runs.append(build_floor(floors[size]))
            figures[size]["floor without code"].runs.append(build_floor(bare[size]))
            clear_caches(project)
            figures[size]["cold"].runs.append(build(project))
            clear_caches(serials[size])
            figures[size]["cold, 1 worker"].runs.append(build(serials[size]))
            clear_caches(clones[size])
            figures[size]["fresh clone"].runs.append(build(clones[size]))
            figures[size]["warm"].runs.append(build(project))
            # The writer's previous `make build` (it logs at INFO, unlike the -q builds above, and the page cache
            # keeps what a conversion would log, so its entries are its own), then one post's prose edited.
            make_build(project)
            edit_post(sorted((project / POSTS).glob("*.md"))[size // 2], f"bench-prose-{round_}", snippet=False)
            figures[size]["prose edit"].runs.append(make_build(project))
    return figures


SCALING_KINDS = ("floor", "floor without code", "cold", "cold, 1 worker", "fresh clone", "warm", "prose edit")


def row(name: str, values: list[float], unit: str, ratio_to: float | None = None, extra: str = "") -> str:
    median = statistics.median(values)
    ratio = f"{median / ratio_to:5.2f}×" if ratio_to else "      "
    spread = f"{min(values):.2f}–{max(values):.2f}"
    return f"| {name:<40} | {median:7.2f} {unit:<3} | {spread:>13} | {ratio:>6} | {extra} |"


def verdict(ok: bool | None) -> str:
    return {True: "pass", False: "MISS", None: "unknown"}[ok]


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    load = ", load " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}{load}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of everything, synthetic sizes 10 and 100")
    parser.add_argument("--repeat", type=int, help="rounds of each real-site measurement (default 5, quick 1)")
    parser.add_argument("--sizes", help="synthetic site sizes in posts (default 10,100,300)")
    parser.add_argument("--scaling-repeat", type=int, help="rounds of each synthetic build (default 3, quick 1)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile of warm and cold builds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    args = parser.parse_args(argv)
    repeats = args.repeat or (1 if args.quick else 5)
    scaling_repeats = args.scaling_repeat or (1 if args.quick else 3)
    sizes = [int(s) for s in (args.sizes or ("10,100" if args.quick else "10,100,300")).split(",")]
    started = time.perf_counter()

    workspace = Path(tempfile.mkdtemp(prefix="blog-bench-"))
    try:
        print(f"# make bench — {time.strftime('%Y-%m-%d %H:%M %Z')}\n\nMachine: {machine()}\n", flush=True)
        print(f"real site: {repeats} rounds of floor/cold/warm/edit builds …", flush=True)
        real, facts = measure_real_site(workspace, repeats)
        print(f"synthetic sites {sizes}: {scaling_repeats} rounds of cold/warm builds …", flush=True)
        scaling = measure_scaling(workspace, sizes, scaling_repeats)
        print(f"mkdocs serve: {repeats} edits …", flush=True)
        reloads, reload_blocks = edit_to_reload(copy_project(workspace / "serve", keep_posts=True), repeats)
        print(f"worker start-up: {repeats} rounds …", flush=True)
        startup = worker_startup(repeats)
        for size in (n for n in sizes if n in SERVE_SIZES):
            print(f"mkdocs serve, {size} posts and its floor: {repeats} prose edits each …", flush=True)
            site = synthetic_site(workspace / f"serve-{size}", size)
            floor_site = synthetic_site(workspace / f"serve-{size}-floor", size)
            make_floor(floor_site)
            ours, floors, blocks = prose_reloads_beside_floor(site, floor_site, repeats)
            reloads[f"prose, {size} posts"], reload_blocks[f"prose, {size} posts"] = ours, blocks
            reloads[f"prose, {size} posts, floor"], reload_blocks[f"prose, {size} posts, floor"] = floors, []
        chromium, _ = find_chromium()
        print(f"post page in Chromium ({chromium or 'not installed: skipped'}) …", flush=True)
        weight = page_weight(facts["site"], facts["post_path"], chromium) if chromium else None
        print("page with a slider figure …", flush=True)
        slider = slider_weight(workspace)
        report(real, facts, scaling, (reloads, reload_blocks), weight, slider)
        report_workers(startup, real)
        if args.profile:
            profile_build(workspace / "real", "warm build of the real site")
            largest = workspace / f"synthetic-{max(sizes)}"
            profile_build(largest, f"warm build of the {max(sizes)}-post synthetic site")
            clear_caches(largest)
            profile_build(largest, f"cold build of the {max(sizes)}-post synthetic site")
        print(f"\nbench took {time.perf_counter() - started:.0f} s")
    finally:
        if args.keep:
            print(f"kept {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0


def report(real, facts, scaling, serve, weight: PageWeight | None, slider: SliderWeight) -> None:
    reloads, reload_blocks = serve
    floor = real["floor"].median
    print(f"\nReal site: {facts['posts']} post(s), {facts['snippets']} snippet(s).\n")
    print("Wall-clock median and min–max; CPU (user+sys) median, which other work on the machine hardly moves.\n")
    header = ["CPU", "CPU ×floor", "snippets run", "peak RSS", "per post"]
    print(f"| {'build':<40} | {'median':>11} | {'min–max':>13} | {'×floor':>6} | " + " | ".join(header) + " |")
    print(f"|{'-' * 42}|{'-' * 13}|{'-' * 15}|{'-' * 8}|" + "|".join("-" * (len(h) + 2) for h in header) + "|")
    descriptions = {
        "floor": "floor (MkDocs + Material alone)",
        "cold": "cold (empty caches)",
        "cold, sandbox off": "cold, sandbox off (LIVE_MATH_SANDBOX=off)",
        "cold, 1 worker": "cold, sessions one at a time (workers: 1)",
        "fresh clone": "fresh clone (frozen outputs, empty caches)",
        "warm": "warm (nothing changed)",
        "prose edit": "one post's prose + a formula edited",
        "snippet edit": "one post's last snippet edited",
    }
    for key, figure in real.items():
        cpu = f"{figure.cpu:5.2f} s | {figure.cpu / real['floor'].cpu:4.2f}×"
        extra = f"{cpu} | {figure.executed:>12} | {figure.peak_mb:5.0f} MB |"
        print(row(descriptions[key], figure.seconds, "s", floor, extra))
    for size, figures in scaling.items():
        for kind, figure in figures.items():
            per_post = statistics.median(figure.seconds) / size
            cpu = f"{figure.cpu:5.2f} s | {figure.cpu / figures['floor'].cpu:4.2f}×"
            extra = f"{cpu} | {figure.executed:>12} | {figure.peak_mb:5.0f} MB | {per_post * 1000:.0f} ms/post"
            print(row(f"synthetic {size} posts, {kind}", figure.seconds, "s", figures["floor"].median, extra))
    for kind, times in ((kind, times) for kind, times in reloads.items() if times):
        # A reload is not a build: no ratio to the floor, which would suggest a comparison that isn't one.
        ran = "/".join(dict.fromkeys(reload_blocks[kind])) or "n/a"
        print(row(f"mkdocs serve: save to reload, {kind}", times, "s", None, f" | | {ran:>12} | |"))

    page_targets = report_page(weight, facts["post_path"])
    page_targets += report_slider(slider)

    print("\nTargets:\n")
    targets = execution_targets(real, facts, scaling, reload_blocks)
    targets += [
        ratio_target("warm", real["warm"], real["floor"], 1.15),
        ratio_target("cold", real["cold"], real["floor"], 2),
        ratio_target("fresh clone (frozen outputs, empty caches)", real["fresh clone"], real["floor"], 1.5),
    ]
    for size, figures in scaling.items():
        if size >= 100:
            targets.append(ratio_target(f"{size} posts warm", figures["warm"], figures["floor"], 0.3))
            targets.append(ratio_target(f"{size} posts fresh clone", figures["fresh clone"], figures["floor"], 1.0))
            targets.append(memory_target(f"{size} posts warm", figures["warm"], figures["floor"]))
            # Issue 26.
            targets.append(ratio_target(f"{size} posts cold", figures["cold"], figures["floor"], 1.0))
            targets.append(ratio_target(f"{size} posts warm", figures["warm"], figures["floor"], 0.2))
            targets.append(memory_target(f"{size} posts cold", figures["cold"], figures["floor"]))
        if size >= 300:
            targets += [
                ratio_target(
                    f"{size} posts one post's prose edited, make build", figures["prose edit"], figures["floor"], 0.3
                ),
                ratio_target(f"{size} posts cold", figures["cold"], figures["floor"], 0.85),
            ]
    if 300 in scaling:
        targets.append(checks_target(scaling[300]["warm"]))
    if len(scaling) >= 3:
        targets += linearity(scaling)
    for kind, times in ((kind, times) for kind, times in reloads.items() if times and not kind.endswith("floor")):
        median, limit = statistics.median(times), RELOAD_TARGETS.get(kind, 1.5)
        targets.append((f"edit-to-reload, {kind} edit, ≤ {limit} s (is {median:.2f} s)", median <= limit))
    targets += reload_ratio_targets(reloads)
    later = reload_blocks.get("snippet", [])
    if later:
        text = "mkdocs serve: each snippet edit after the first runs only the edited block, 1 (is"
        targets.append((f"{text} {', '.join(later)})", all(ran == "1" for ran in later)))
    for text, ok in targets + page_targets:
        print(f"- {verdict(ok):<7} {text}")


def report_workers(startup: dict[str, list[float]], real: dict[str, Figure]) -> None:
    print("\nWorkers (scripts/bench.py worker_startup):\n")
    for name, times in startup.items():
        print(
            f"- {name}: median {statistics.median(times) * 1000:.1f} ms, {min(times) * 1000:.1f}–"
            f"{max(times) * 1000:.1f} ms over {len(times)}"
        )
    cost = (statistics.median(startup[SANDBOXED_SESSION]) - statistics.median(startup[PLAIN_SESSION])) * 1000
    on, off = real["cold"].median, real["cold, sandbox off"].median
    print(
        f"- the sandbox costs {cost:.1f} ms per session; a cold build of the real site takes {on / off:.2f}× the time"
    )
    print("  with it as without it (same run, interleaved)")
    print(f"- {verdict(cost <= 5):<7} confining a session costs ≤ 5 ms (is {cost:.1f} ms)")


def report_page(weight: PageWeight | None, path: str) -> list[tuple[str, bool | None]]:
    """Print the post page's weight; return its targets."""
    if weight is None:
        print("\nPost page: not measured, no Chromium (apt-get install chromium).")
        return [("post page: 0 external requests", None), ("post page ≤ 400 KB without fonts", None)]
    kinds = ["HTML", "CSS", "JS", "fonts", "images", "other"]
    print(f"\nPost page /{path} in Chromium: {weight.requests} requests, {len(weight.external)} external.\n")
    print("| bytes | " + " | ".join(kinds) + " | total | total without fonts |")
    print("|" + "---|" * (len(kinds) + 3))
    for label, sizes in (
        ("transferred (gzip, headers)", weight.transferred),
        ("uncompressed files", weight.uncompressed),
    ):
        cells = [f"{sizes.get(k, 0) / 1024:.1f} KB" for k in kinds]
        total = sum(sizes.values())
        without = total - sizes.get("fonts", 0)
        print(f"| {label} | {' | '.join(cells)} | {total / 1024:.1f} KB | {without / 1024:.1f} KB |")
    for url in weight.external:
        print(f"  external: {url}")
    without_fonts = sum(weight.transferred.values()) - weight.transferred.get("fonts", 0)

    return [
        (f"post page: 0 external requests (is {len(weight.external)})", not weight.external),
        (f"post page ≤ 400 KB without fonts (is {without_fonts / 1024:.0f} KB)", without_fonts <= 400 * 1024),
    ]


def ratio_target(label: str, figure: Figure, floor: Figure, limit: float) -> tuple[str, bool]:
    """Judged on wall-clock medians, as the target says; the CPU ratio shows how much is contention."""
    wall, cpu = figure.median / floor.median, figure.cpu / floor.cpu
    disagree = f"; by CPU time it would {verdict(cpu <= limit)}" if (cpu <= limit) != (wall <= limit) else ""
    return f"{label} ≤ {limit} × floor (is {wall:.2f}× wall clock, {cpu:.2f}× CPU{disagree})", wall <= limit


def memory_target(label: str, figure: Figure, floor: Figure) -> tuple[str, bool]:
    """The MkDocs process's peak resident memory ≤ 1.5 × the floor's."""
    mine, theirs = figure.peak_mb, floor.peak_mb
    return f"{label} peak RSS ≤ 1.5 × floor's (is {mine:.0f} MB vs {theirs:.0f} MB)", mine <= 1.5 * theirs


def reload_ratio_targets(reloads: dict[str, list[float]]) -> list[tuple[str, bool]]:
    """Issue 26: a prose edit's save-to-reload at 100 posts ≤ 0.15 × the floor's own `mkdocs serve` reload."""
    ours, floor = reloads.get("prose, 100 posts"), reloads.get("prose, 100 posts, floor")
    if not ours or not floor:
        return []
    mine, theirs = statistics.median(ours), statistics.median(floor)
    text = f"mkdocs serve, 100 posts: prose edit's reload ≤ 0.15 × the floor's (is {mine:.2f} s vs {theirs:.2f} s"
    return [(f"{text}, {mine / theirs:.2f}×)", mine <= 0.15 * theirs)]


def checks_target(figure: Figure) -> tuple[str, bool | None]:
    """The checks before publishing (time inside them, from BLOG_CHECK_STATS) as a share of the build's wall clock."""
    shares = [r.checks / r.seconds for r in figure.runs if r.checks is not None]
    if not shares:
        return ("checks ≤ 5 % of a 300-post warm build (not reported by the build)", None)
    share = statistics.median(shares)
    seconds = statistics.median(r.checks for r in figure.runs if r.checks is not None)
    return (f"checks ≤ 5 % of a 300-post warm build (is {share:.1%}, {seconds:.2f} s)", share <= 0.05)


def execution_targets(real, facts, scaling, reload_blocks=None) -> list[tuple[str, bool | None]]:
    """Snippets run per build: all of them once when cold, none when warm, the changed one after an edit, and
    under `mkdocs serve` the edited one alone from the first edit of a session on (the snapshots warmed)."""
    checks = [
        ("real site cold", real["cold"], facts["snippets"]),
        ("real site warm", real["warm"], 0),
        ("real site fresh clone", real["fresh clone"], 0),
        ("real site prose edit", real["prose edit"], facts["prose edit"]),
        ("real site snippet edit", real["snippet edit"], facts["snippet edit"]),
    ]
    for size, figures in scaling.items():
        checks += [(f"{size} posts cold", figures["cold"], 3 * size), (f"{size} posts warm", figures["warm"], 0)]
        checks.append((f"{size} posts fresh clone", figures["fresh clone"], 0))
    results = []
    for label, figure, expected in checks:
        counts = [None if r.executed is None else r.executed + r.replayed for r in figure.runs]
        ok = None if None in counts else all(c == expected for c in counts)
        results.append((f"snippets run, {label} = {expected} (is {figure.executed})", ok))
    first = (reload_blocks or {}).get("first snippet")
    if first is not None:
        ran = ", ".join(first) or "not measured"
        results.append((f"snippets run, mkdocs serve, first snippet edit of a session = 1 (is {ran})", first == ["1"]))
    return results


def linearity(scaling) -> list[tuple[str, bool]]:
    """Cost linear in posts: the marginal CPU seconds per post between the two largest sizes stay within 1.3×
    of those between the two smallest (a fixed start-up cost does not count against it). CPU time, because
    a wall-clock difference of two noisy medians on a shared machine says more about the neighbours."""
    small, middle, large = sorted(scaling)[-3:]
    results = []
    for kind in ("floor", "cold", "warm"):
        t = {size: scaling[size][kind].cpu for size in (small, middle, large)}
        low = (t[middle] - t[small]) / (middle - small)
        high = (t[large] - t[middle]) / (large - middle)
        text = (
            f"linear, {kind}: marginal {high * 1000:.0f} ms CPU/post for {middle}→{large} vs "
            f"{low * 1000:.0f} ms/post for {small}→{middle} (≤ 1.3×)"
        )
        results.append((text, high <= 1.3 * low))
    return results


if __name__ == "__main__":
    sys.exit(main())
