"""Shared fixtures: the real site built once per session, served over loopback, and a Chromium kept offline."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from scripts.offline_chromium import CHROMIUM_ARGS, HOW_TO_GET_ONE, find_chromium
from scripts.project_copy import ROOT, build, copy_project


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real project built strictly into a temporary directory, once per test session."""
    workspace = tmp_path_factory.mktemp("built")
    site = workspace / "site"
    # A fresh cache directory, so the session tests a cold build rather than whatever a developer cached.
    result = build(ROOT, site, env={"BLOG_CACHE_DIR": str(workspace / "cache")})
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {result.returncode}):\n{result.stderr[-6000:]}")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the standard library's
        pass


@contextlib.contextmanager
def serve(site: Path):
    """Serve ``site`` over HTTP on 127.0.0.1 at a free port; yield its base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """Base URL (ending in '/') of ``built_site`` served over HTTP on 127.0.0.1 at a free port."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The site built with only the demo posts of tests/demo_posts/ (features no real post uses yet)."""
    workspace = tmp_path_factory.mktemp("demo")
    project = copy_project(workspace / "project")
    for post in sorted((ROOT / "tests" / "demo_posts").glob("*.md")):
        shutil.copy(post, project / "docs" / "blog" / "posts" / post.name)
    result = build(project, workspace / "site")
    if result.returncode != 0:
        pytest.fail(f"building the demo posts failed (exit {result.returncode}):\n{result.stderr[-6000:]}")
    return workspace / "site"


@pytest.fixture(scope="session")
def demo_site_url(demo_site) -> str:
    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at the Chromium find_chromium picks and kept off the network."""
    executable, where = find_chromium()
    if executable is None:
        reason = f"BROWSER TESTS NOT RUN: {where}; {HOW_TO_GET_ONE}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ". CI=true requires them")
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


def pytest_terminal_summary(terminalreporter):
    """Say it again at the very end, where nobody misses it: a green run without the browser tests."""
    reasons = {
        str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        for report in terminalreporter.stats.get("skipped", [])
    }
    for reason in sorted(r for r in reasons if "BROWSER TESTS NOT RUN" in r):
        terminalreporter.section("browser tests skipped", sep="!", red=True, bold=True)
        terminalreporter.write_line(reason.removeprefix("Skipped: "))
