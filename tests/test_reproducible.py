"""Two clean builds of the same commit produce byte-identical sites (SOURCE_DATE_EPOCH from the last commit)."""

from __future__ import annotations

import email.utils
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.project_copy import ROOT, build


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


def test_two_clean_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # hooks/reproducible.py must find the date itself
    sites = []
    for run in ("first", "second"):
        site = tmp_path / run / "site"
        cold = {"BLOG_NO_CACHE": "1", "BLOG_CACHE_DIR": str(tmp_path / run / "cache")}
        result = build(ROOT, site, env=cold)
        assert result.returncode == 0, result.stderr[-4000:]
        sites.append(site)
        time.sleep(1.1)  # a clock-based date would now differ by at least a second
    assert first_difference(*sites) is None, first_difference(*sites)


def test_the_feed_is_dated_by_the_last_commit(built_site):
    try:
        epoch = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the build date comes from the clock")
    if os.environ.get("SOURCE_DATE_EPOCH"):
        epoch = os.environ["SOURCE_DATE_EPOCH"]
    feed = (built_site / "feed_rss_created.xml").read_text()
    expected = email.utils.formatdate(int(epoch))
    assert f"<lastBuildDate>{expected}</lastBuildDate>" in feed
