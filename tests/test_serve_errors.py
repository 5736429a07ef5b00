"""`mkdocs serve` with a broken post: the browser gets the build's error (file:line and message) instead of
a request that never answers, and the page comes back by itself once a save builds again."""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from live_math import LiveMathPlugin
from live_math._internal.serve import STATUS_PATH, BuildErrorPages
from scripts.project_copy import ROOT, copy_project

ARTIFACTS = ROOT / "tests" / "artifacts"
GOOD = "The formula $x^2$ is fine."
BROKEN = "The formula $\\frac{1}{2$ is fine."
POST = f"""---
title: Served while broken
date: 2026-03-04
authors: [editor]
categories: [Mathematics]
description: A post that a test breaks and mends under mkdocs serve.
---

# Served while broken

The words before the formula.

<!-- more -->

{GOOD}
"""
PATIENCE = 180  # seconds: a bound for a stuck server, not a speed requirement


@dataclass
class Served:
    post: Path
    url: str  # the post's address
    log: Path

    def write(self, line: str) -> None:
        text = self.post.read_text()
        self.post.write_text(text.replace(GOOD, line).replace(BROKEN, line))

    def broken_line(self) -> int:
        return POST.splitlines().index(GOOD) + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    # A request the server never answers fails here, after the timeout, instead of hanging the test.
    try:
        with urllib.request.urlopen(url, timeout=PATIENCE) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def fetch_until(url: str, wanted, served: Served) -> tuple[int, str]:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if wanted(status, body):
            return status, body
        time.sleep(0.2)
    pytest.fail(
        f"{url} never showed what was expected; last HTTP {status}; serve log:\n{served.log.read_text()[-3000:]}"
    )


@pytest.fixture
def served(tmp_path):
    project = copy_project(tmp_path / "project")
    post = project / "docs" / "blog" / "posts" / "served.md"
    post.write_text(POST)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(tmp_path / "cache")}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + PATIENCE
        while "Serving on" not in log.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mkdocs serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Served(post=post, url=base + "2026/03/04/served-while-broken/", log=log)
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_a_broken_build_answers_with_its_error_and_a_fixed_one_with_the_page(served):
    status, body = fetch(served.url)
    assert status == 200 and "The words before the formula." in body

    served.write(BROKEN)
    status, body = fetch_until(served.url, lambda status, body: status == 500, served)
    assert "The site did not build" in body
    assert f"docs/blog/posts/served.md:{served.broken_line()}: KaTeX error" in body
    assert "Unexpected end of input" in body  # KaTeX's own reason
    assert STATUS_PATH in body  # the error page asks when to reload

    served.write(GOOD)
    fetch_until(served.url, lambda status, body: status == 200 and "The words before the formula." in body, served)


def test_the_same_error_twice_in_a_row_is_reported_in_full_both_times(served):
    # MkDocs' duplicate-message filter lives as long as `mkdocs serve`: without a reset per build, the second
    # identical failure reached the terminal and the browser as "Aborted with a BuildError!" alone.
    where = f"docs/blog/posts/served.md:{served.broken_line()}: KaTeX error"
    for attempt in range(2):
        served.write(BROKEN)
        status, body = fetch_until(served.url, lambda status, body: status == 500, served)
        assert where in body, f"attempt {attempt + 1}: {body[-1500:]}"
        served.write(GOOD)
        fetch_until(served.url, lambda status, body: status == 200, served)
    assert served.log.read_text().count(where) >= 2  # in the terminal, both times


SESSION = """
```python exec="on" session="s"
x = 2
print(f"x is {x}")
```

```python exec="on" session="s"
y = x + 1
print(f"y is {y}")
```
"""


def test_a_block_resumed_from_a_snapshot_quotes_its_line_as_it_is_now(served):
    served.write(GOOD + "\n" + SESSION)
    fetch_until(served.url, lambda status, body: status == 200 and "y is 3" in body, served)
    line = (GOOD + "\n" + SESSION).splitlines().index("y = x + 1") + served.broken_line()
    for mistake in ("y = x + undefined_one", "y = undefined_two * x"):
        # The second block resumes from the snapshot taken after the first, which started with the page
        # as it was then: the traceback must still quote the line as saved now.
        served.post.write_text(served.post.read_text().replace("y = x + 1", mistake))
        name = mistake.split()[-1] if "one" in mistake else "undefined_two"
        status, body = fetch_until(served.url, lambda status, body, n=name: status == 500 and n in body, served)
        assert f"docs/blog/posts/served.md:{line - 1}: snippet raised NameError" in body, body[-2000:]
        traceback = html.unescape(body.split("snippet raised NameError", 1)[1])
        assert f'File "docs/blog/posts/served.md", line {line}' in traceback
        assert mistake in traceback, traceback[:1000]
        served.post.write_text(served.post.read_text().replace(mistake, "y = x + 1"))
        fetch_until(served.url, lambda status, body: status == 200 and "y is 3" in body, served)


def test_the_browser_shows_the_error_and_reloads_into_the_page_once_it_builds(served, browser):
    page = browser.new_page()
    try:
        page.goto(served.url)
        page.get_by_text("The words before the formula.").wait_for()

        served.write(BROKEN)  # MkDocs' own live-reload script brings the open page to the error
        error = page.get_by_text(f"docs/blog/posts/served.md:{served.broken_line()}: KaTeX error")
        error.wait_for(timeout=PATIENCE * 1000)
        assert page.title().startswith("Build failed")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "serve-build-error.png", full_page=True)

        served.write(GOOD)  # the error page's own script reloads it once the build succeeds
        page.get_by_text("The words before the formula.").wait_for(timeout=PATIENCE * 1000)
        assert not page.get_by_text("The site did not build").is_visible()
    finally:
        page.close()


def call(app, path: str) -> tuple[str, bytes]:
    answer = {}
    body = app({"PATH_INFO": path}, lambda status, headers, exc_info=None: answer.update(status=status))
    return answer["status"], b"".join(body)


def test_a_crash_shows_its_traceback_and_only_pages_are_replaced():
    broken = [True]

    def build():
        if broken[0]:
            raise ZeroDivisionError("a hook divided by zero")

    def site(environ, start_response):
        start_response("200 OK", [])
        return [b"from the last build: " + environ["PATH_INFO"].encode()]

    pages = BuildErrorPages(build, site, site_name="Live <Math>")
    assert call(pages.app, "/post/")[0] == "200 OK"
    pages.build()
    status, body = call(pages.app, "/post/")
    assert status.startswith("500") and b"ZeroDivisionError: a hook divided by zero" in body
    assert b"Live &lt;Math&gt;" in body  # text is escaped into the page
    assert call(pages.app, "/assets/style.css") == ("200 OK", b"from the last build: /assets/style.css")
    assert call(pages.app, STATUS_PATH + "0") == ("200 OK", b"1")  # a build finished since build 0: reload

    broken[0] = False
    pages.build()
    assert call(pages.app, "/post/") == ("200 OK", b"from the last build: /post/")


class FakeServer:
    def __init__(self):
        self.builder = lambda: None
        self.app = object()

    def get_app(self):
        return self.app

    def set_app(self, app):
        self.app = app


@pytest.mark.parametrize("enabled", [True, False])
def test_the_plugin_wraps_the_server_unless_serve_errors_is_off(enabled):
    plugin = LiveMathPlugin()
    assert plugin.load_config({"serve_errors": enabled}) == ([], [])  # (errors, warnings)
    server = FakeServer()
    original = server.builder
    assert plugin.on_serve(server, config=type("Config", (), {"site_name": "Site"})(), builder=original) is server
    assert (server.builder is not original) == enabled
    assert isinstance(getattr(server.app, "__self__", None), BuildErrorPages) == enabled


def test_the_server_looks_for_saved_files_at_the_plugins_interval(tmp_path):
    import inspect

    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.api import EventEmitter

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(tmp_path))  # as MkDocs watches docs/ before on_serve
    assert server.observer.timeout == 0.5 and {e.timeout for e in server.observer.emitters} == {0.5}
    plugin = LiveMathPlugin()
    assert plugin.load_config({"serve_errors": False, "speed": {"serve_poll_interval": 0.1}}) == ([], [])
    plugin.on_serve(server, config=type("Config", (), {"site_name": "Site"})(), builder=server.builder)
    (tmp_path / "later").mkdir()
    server.watch(str(tmp_path / "later"))  # as MkDocs watches mkdocs.yml's `watch:` folders after on_serve
    assert server.observer.timeout == 0.1
    assert {emitter.timeout for emitter in server.observer.emitters} == {0.1} and len(server.observer.emitters) == 2
    # The emitters wait that long between two looks (watchdog's loop, which the attribute drives).
    assert "self.queue_events(self.timeout)" in inspect.getsource(EventEmitter.run)
