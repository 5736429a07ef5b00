"""Throwaway copies of the project, so the tests and the bench can change posts and build without touching
the real site/ or .cache/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["mkdocs.yml", "docs", "overrides", "snippets"]


def copy_project(destination: Path, keep_posts: bool = False, frozen: bool = False) -> Path:
    """Copy what a build reads into ``destination``; without ``keep_posts`` the real posts are left out.

    Without ``frozen``, the copy has ``execution.freeze: off``: its builds run (or take from their cache) every
    snippet, as the tests of execution expect, and never need or write frozen outputs. With it, the copy
    keeps the blog's setting and the real posts' frozen outputs (frozen/)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in COPIED + (["frozen"] if frozen else []):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    if not keep_posts:
        for post in (destination / "docs" / "blog" / "posts").glob("*.md"):
            post.unlink()
    (destination / "node_modules").symlink_to(ROOT / "node_modules")
    if not frozen:
        config = destination / "mkdocs.yml"
        settings = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"(?m)^(\s+freeze:) auto\b", r'\1 "off"', settings), encoding="utf-8")
    return destination


def build(project: Path, site: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300):
    """Run a strict ``mkdocs build`` of ``project`` in a subprocess and return the completed process."""
    site = site or project / "site"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(project / ".cache"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
