"""Two clean builds of the same commit produce byte-identical sites, except inside the blocks a post marks as
measurements (timings of the machine that built it); SOURCE_DATE_EPOCH comes from the last commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from live_math._internal import reproducible
from scripts.project_copy import ROOT, build, copy_project


def files_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def first_difference(a: Path, b: Path) -> str | None:
    """A description of the first file that differs between trees ``a`` and ``b``, or None."""
    names_a, names_b = files_of(a), files_of(b)
    if names_a != names_b:
        only_a, only_b = sorted(set(names_a) - set(names_b)), sorted(set(names_b) - set(names_a))
        return f"file lists differ: only in first {only_a[:5]}, only in second {only_b[:5]}"
    for name in names_a:
        one, two = (a / name).read_bytes(), (b / name).read_bytes()
        if one != two:
            at = next((i for i, (x, y) in enumerate(zip(one, two, strict=False)) if x != y), min(len(one), len(two)))
            start = max(0, at - 80)
            return f"{name} differs from byte {at}:\n  {one[start : at + 80]!r}\n  {two[start : at + 80]!r}"
    return None


def test_the_comparison_finds_a_single_changed_byte(tmp_path):
    for tree in ("a", "b"):
        (tmp_path / tree / "sub").mkdir(parents=True)
        (tmp_path / tree / "index.html").write_text("same")
        (tmp_path / tree / "sub" / "feed.xml").write_text("<date>2026-11-25</date>")
    assert first_difference(tmp_path / "a", tmp_path / "b") is None
    (tmp_path / "b" / "sub" / "feed.xml").write_text("<date>2026-11-26</date>")
    assert first_difference(tmp_path / "a", tmp_path / "b").startswith("sub/feed.xml differs from byte 15:")


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory) -> dict[str, Path]:
    """A snapshot of the project built twice from scratch ("cold", "cold again"), then once reusing the first
    build's snippet outputs from its execution cache ("warm"), then from scratch with the snippet sandbox off,
    at least a second apart each.

    A snapshot, so edits landing in the working tree meanwhile cannot differ between the builds; it is not a
    git checkout, so the date the plugin would read from git is passed in (tested below)."""
    root = tmp_path_factory.mktemp("reproducible")
    project = copy_project(root / "project", keep_posts=True)
    epoch = reproducible.last_commit_epoch(ROOT) or "1764028800"
    runs = {
        "cold": {"BLOG_NO_CACHE": "1", "BLOG_CACHE_DIR": str(root / "cache-1")},
        "cold again": {"BLOG_NO_CACHE": "1", "BLOG_CACHE_DIR": str(root / "cache-2")},
        "warm": {"BLOG_CACHE_DIR": str(root / "cache-1")},
        "cold, sandbox off": {"BLOG_NO_CACHE": "1", "BLOG_CACHE_DIR": str(root / "cache-3")}
        | {"LIVE_MATH_SANDBOX": "off"},
    }
    sites = {}
    for name, settings in runs.items():
        time.sleep(1.1)  # anything dated by the clock would now differ by at least a second
        sites[name] = root / name.replace(" ", "-")
        result = build(project, sites[name], env={"SOURCE_DATE_EPOCH": epoch, **settings}, timeout=600)
        assert result.returncode == 0, result.stderr[-4000:]
    return sites


def test_two_builds_from_the_same_snippet_outputs_are_byte_identical(three_builds):
    # Everything the build itself adds (feed and sitemap dates, search index, ids, KaTeX, asset names).
    difference = first_difference(three_builds["cold"], three_builds["warm"])
    assert difference is None, difference


def without_measurements(site: Path) -> Path:
    """A copy of ``site`` whose ``class="measured"`` blocks and values (timings taken while building, see
    the live-math plugin) are emptied; every other byte is kept."""
    masked = site.with_name(site.name + "-masked")
    if masked.exists():  # masked already, for another test
        return masked
    shutil.copytree(site, masked)
    for page in masked.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        blocks = soup.select(".measured")  # fences' divs and inline values' spans
        for block in blocks:
            block.clear()
        if blocks:
            page.write_text(str(soup), encoding="utf-8")
    return masked


def test_two_clean_builds_differ_only_in_measurements(three_builds):
    post = next(three_builds["cold"].rglob("so-you-think-you-understand-backpropagation/index.html"))
    soup = BeautifulSoup(post.read_text(encoding="utf-8"), "html.parser")
    measured = soup.select(".measured")
    # The exemption stays small: a handful of marked timing blocks and values, not the post.
    assert 0 < len(soup.select("div.measured")) <= 6 and len(measured) <= 20, len(measured)
    assert sum(len(str(block)) for block in measured) < len(str(soup)) / 4
    difference = first_difference(
        without_measurements(three_builds["cold"]), without_measurements(three_builds["cold again"])
    )
    assert difference is None, difference


def test_the_sandbox_changes_nothing_on_the_page_but_measurements(three_builds):
    difference = first_difference(
        without_measurements(three_builds["cold"]), without_measurements(three_builds["cold, sandbox off"])
    )
    assert difference is None, difference


def test_without_source_date_epoch_the_build_is_dated_by_the_last_commit(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    commit_date = "2026-01-02T03:04:05+00:00"
    git = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_AUTHOR_DATE": commit_date,
        "GIT_COMMITTER_DATE": commit_date,
    }
    for command in (["init", "-q"], ["add", "mkdocs.yml"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *command], cwd=project, env={**os.environ, **git}, check=True, capture_output=True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-4000:]
    feed = (tmp_path / "site" / "feed_rss_created.xml").read_text()
    assert "<lastBuildDate>Fri, 02 Jan 2026 03:04:05 -0000</lastBuildDate>" in feed
    assert "<lastmod>2026-01-02</lastmod>" in (tmp_path / "site" / "sitemap.xml").read_text()


def test_outside_git_the_hook_leaves_the_date_to_the_clock(tmp_path):
    assert reproducible.last_commit_epoch(tmp_path) is None
