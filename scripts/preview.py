#!/usr/bin/env python3
"""What a reviewer needs of a pull request that adds or changes posts: the site built strictly, the changed
posts' frozen outputs verified against their code, and one summary of each changed post.

    scripts/preview.py [--base REF] [--site DIR] [--summary FILE]      make preview [BASE=origin/main]

The post check (.github/workflows/post.yml) runs exactly this, with ``LIVE_MATH_SANDBOX=required``, uploads
``DIR`` (default ``preview/``) as the downloadable preview and appends the summary to the job's page; run
locally, it shows the same. The steps:

1. the posts the change touches, since ``REF``: their Markdown or their frozen file (without ``REF``: every
   post). A change to the lock files or to the helpers (``snippets/``) verifies every post;
2. ``scripts/build.py``, a strict build into ``DIR``, with every check;
3. ``scripts/verify.py --base REF`` (every page, where the lock files or helpers changed): each changed post's
   snippets run afresh and must print what its frozen file says;
4. a Markdown table, one row per changed post: title, address in the site, words of prose, snippets run
   afresh or taken from frozen outputs, formulas, figures and the page's weight; then every problem the build
   or the verification named for that post, as ``path:line: …``.

The exit status is 1 if the build or the verification failed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.prose_in_code import count_prose  # noqa: E402 - after the path that finds it
from scripts.verify import changed_since  # noqa: E402

POSTS = "docs/blog/posts"
# A change to one of these can change any post's outputs: every post is verified.
EVERYTHING = ("requirements.lock", "package-lock.json", "snippets/")


@dataclass
class Post:
    """One changed post, as the summary shows it."""

    path: str
    title: str = ""
    address: str = ""  # from the site's root, "" if the build made no page for it
    words: int = 0
    run: int = 0  # snippets and inline values run afresh by the build
    frozen: int = 0  # taken from its frozen outputs
    formulas: int = 0
    figures: int = 0
    weight: int = 0  # bytes of its HTML, gzip-compressed as a host serves it
    problems: list[str] = field(default_factory=list)


def changed_posts(root: Path, base: str | None) -> tuple[list[str], bool]:
    """The posts changed since ``base`` (all posts without one), and whether every post must be verified."""
    every = sorted(path.relative_to(root).as_posix() for path in (root / POSTS).glob("*.md"))
    if base is None:
        return every, True
    changed = changed_since(root, base)
    posts = {path for path in changed if path.startswith(f"{POSTS}/") and path.endswith(".md")}
    posts |= {path.removeprefix("frozen/").removesuffix(".json") for path in changed if path.startswith("frozen/")}
    return sorted(posts & set(every)), any(path.startswith(EVERYTHING) for path in changed)


def build(root: Path, site: Path, stats: Path) -> subprocess.CompletedProcess:
    """``make build``'s command into ``site``, with the execution report in ``stats``."""
    command = [sys.executable, str(ROOT / "scripts" / "build.py"), "-f", str(root / "mkdocs.yml"), "-d", str(site)]
    environment = {**os.environ, "BLOG_EXEC_STATS": str(stats), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True)


def verify(root: Path, base: str | None) -> subprocess.CompletedProcess:
    """``make verify``'s command, on the pages changed since ``base`` (every page without it)."""
    command = [sys.executable, str(ROOT / "scripts" / "verify.py"), "-f", str(root / "mkdocs.yml")]
    command += ["--base", base] if base else []
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True)


def describe(root: Path, site: Path, path: str, stats: dict, messages: list[str]) -> Post:
    """What the summary says of the post at ``path``: from its source, the built site, the execution report
    and the ``messages`` of the build and the verification (those naming the post are its problems)."""
    source = (root / path).read_text(encoding="utf-8")
    post = Post(path, title=_front_matter(source).get("title", Path(path).stem), words=count_prose(source).markdown)
    post.run = sum(where.startswith(f"{path}:") for where in stats.get("executed", []))
    post.frozen = sum(where.startswith(f"{path}:") for where in stats.get("frozen", []))
    post.problems = [message for message in messages if message.startswith(f"{path}:") or f" {path}:" in message]
    page = _page_of(site, post.title)
    if page is not None:
        html = page.read_text(encoding="utf-8")
        post.address = "/" + page.parent.relative_to(site).as_posix() + "/"
        post.formulas = len(re.findall(r'<span class="katex"', html))
        post.figures = len(re.findall(r"<figure\b", html))
        post.weight = len(gzip.compress(html.encode("utf-8")))
    return post


def summary(posts: list[Post], built: bool, verified: bool, every: bool) -> str:
    """The Markdown summary of the check: a verdict, one table row per post, then each post's problems."""
    verdict = "the site builds strictly" if built else "**the build failed**"
    checked = "every post's" if every else "the changed posts'"
    verdict += f"; {checked} frozen outputs " + ("match their code" if verified else "**do not match their code**")
    lines = [f"## Posts in this change: {verdict}", ""]
    if not posts:
        return "\n".join([*lines, "No post changed.", ""])
    lines += [
        "| post | address | words | snippets run / frozen | formulas | figures | page (gzip) | problems |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for post in posts:
        address = f"`{post.address}`" if post.address else "not built"
        weight = f"{post.weight / 1024:.0f} KB" if post.weight else "–"
        lines.append(
            f"| {_cell(post.title)} (`{post.path}`) | {address} | {post.words:,} | {post.run} / {post.frozen}"
            f" | {post.formulas} | {post.figures} | {weight} | {len(post.problems)} |"
        )
    for post in posts:
        if post.problems:
            lines += ["", f"**{_cell(post.title)}** (`{post.path}`):", "", "```", *post.problems, "```"]
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="the git ref the change is compared with (default: every post)")
    parser.add_argument("--site", type=Path, default=ROOT / "preview", help="where to build (default: preview/)")
    parser.add_argument("--summary", type=Path, help="also append the summary to this file ($GITHUB_STEP_SUMMARY)")
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml", help="default: mkdocs.yml")
    args = parser.parse_args(argv)
    root = args.config_file.resolve().parent
    posts, every = changed_posts(root, args.base)
    with tempfile.TemporaryDirectory() as scratch:
        stats_file = Path(scratch) / "stats.json"
        built = build(root, args.site.resolve(), stats_file)
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    checked = verify(root, None if every else args.base)
    messages = _messages(built.stderr) + _messages(checked.stdout)
    text = summary(
        [describe(root, args.site.resolve(), path, stats, messages) for path in posts],
        built.returncode == 0,
        checked.returncode == 0,
        every,
    )
    print(text)
    if built.returncode != 0:
        print(built.stderr[-6000:], file=sys.stderr)
    print(checked.stdout, file=sys.stderr)
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as out:
            out.write(text)
    return 0 if built.returncode == 0 and checked.returncode == 0 else 1


def _front_matter(source: str) -> dict:
    match = re.match(r"\A---\n(.*?)\n---\n", source, re.S)
    try:
        data = yaml.safe_load(match[1]) if match else {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _page_of(site: Path, title: str) -> Path | None:
    """The built page of the post titled ``title``: posts live at ``YYYY/MM/DD/slug/index.html``."""
    for page in sorted(site.glob("[0-9][0-9][0-9][0-9]/*/*/*/index.html")):
        head = page.read_text(encoding="utf-8", errors="replace")[:4000]
        if re.search(r"<title>\s*" + re.escape(_html_text(title)) + r"\s*(-|</title>)", head):
            return page
    return None


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _messages(log: str) -> list[str]:
    """The lines of a build log or verification report that name a place, ``path:line: …``, with the lines
    indented under each (its traceback and fix), without MkDocs' level prefix."""
    found: list[str] = []
    for line in log.splitlines():
        text = re.sub(r"^(ERROR|WARNING|INFO)\s+-\s+", "", line)
        if re.match(r"^\S+\.md((:\d+)+:? |: (changed|failed|missing|stale|unreadable)\b)", text):
            found.append(text)
        elif found and line.startswith("  ") and not line.startswith("  ERROR"):
            found[-1] += "\n" + line
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    sys.exit(main())
