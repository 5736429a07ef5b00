"""scripts/preview.py, which the post check runs and `make preview` runs locally: the changed posts of a pull
request, the site built strictly, their frozen outputs verified, and one summary row per post with every
problem named at its `path:line`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts.preview import Post, changed_posts, summary
from scripts.project_copy import ROOT, copy_project

POSTS = "docs/blog/posts"


def post(title: str, category: str, body: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: 2026-11-20\nauthors: [editor]\ncategories: [{category}]\n"
        f"description: A post for the preview's tests.\n---\n\n# {title}\n\nThe excerpt.\n\n<!-- more -->\n\n{body}"
    )


GOOD = post(
    "Squares",
    "Mathematics",
    '```python exec="on" session="s" silent="true"\ntotal = sum(k * k for k in range(1, 11))\n```\n\n'
    "The first ten squares add up to `{py} total`, and $e^{i\\pi} + 1 = 0$.\n",
)
BAD = post("Cubes", "Cooking", "No snippet here.\n")


def test_the_summary_has_a_row_per_post_and_lists_each_posts_problems():
    posts = [
        Post(f"{POSTS}/a.md", "A | b", "/2026/11/20/a/", 1234, 3, 2, 5, 1, 20480),
        Post(f"{POSTS}/c.md", "C", problems=[f"{POSTS}/c.md:4: categories: 'Cooking' is not allowed"]),
    ]
    text = summary(posts, built=False, verified=True, every=False)
    lines = text.splitlines()
    verdict = "**the build failed**; the changed posts' frozen outputs match their code"
    assert lines[0] == f"## Posts in this change: {verdict}"
    assert f"| A \\| b (`{POSTS}/a.md`) | `/2026/11/20/a/` | 1,234 | 3 / 2 | 5 | 1 | 20 KB | 0 |" in lines
    assert f"| C (`{POSTS}/c.md`) | not built | 0 | 0 / 0 | 0 | 0 | – | 1 |" in lines
    assert f"**C** (`{POSTS}/c.md`):" in lines and f"{POSTS}/c.md:4: categories: 'Cooking' is not allowed" in lines
    assert "No post changed." in summary([], built=True, verified=True, every=True)


def git(project: Path, *args: str) -> str:
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    identity |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    run = subprocess.run(["git", *args], cwd=project, env={**os.environ, **identity}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_pull_request_with_two_posts_one_broken_gets_its_summary(tmp_path):
    project = copy_project(tmp_path / "project", frozen=True)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        git(project, *command)
    base = git(project, "rev-parse", "HEAD").strip()
    (project / POSTS / "squares.md").write_text(GOOD, encoding="utf-8")
    (project / POSTS / "cubes.md").write_text(BAD, encoding="utf-8")
    refreeze = [sys.executable, str(ROOT / "scripts" / "verify.py"), "-f", str(project / "mkdocs.yml"), "--refreeze"]
    frozen = subprocess.run([*refreeze, f"{POSTS}/squares.md"], capture_output=True, text=True, timeout=300)
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    git(project, "add", "-A")
    git(project, "commit", "-qm", "two posts")
    assert changed_posts(project, base) == ([f"{POSTS}/cubes.md", f"{POSTS}/squares.md"], False)

    command = [sys.executable, str(ROOT / "scripts" / "preview.py"), "-f", str(project / "mkdocs.yml")]
    summary_file = tmp_path / "summary.md"
    command += ["--base", base, "--site", str(tmp_path / "preview"), "--summary", str(summary_file)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr  # the broken post fails the check
    text = summary_file.read_text(encoding="utf-8")
    assert text == result.stdout.rstrip("\n") + "\n"
    assert text.startswith("## Posts in this change: **the build failed**; the changed posts' frozen outputs match")
    assert f"| Cubes (`{POSTS}/cubes.md`) | not built |" in text
    assert f"| Squares (`{POSTS}/squares.md`) | not built |" in text
    assert f"\n{POSTS}/cubes.md:5: " in text and "Cooking" in text  # the problem, at the category's line


def test_the_preview_of_a_good_post_describes_its_page(tmp_path):
    project = copy_project(tmp_path / "project", frozen=True)
    shutil.rmtree(project / "frozen")  # the real posts' outputs: their posts are left out of the copy
    (project / POSTS / "squares.md").write_text(GOOD, encoding="utf-8")
    command = [sys.executable, str(ROOT / "scripts" / "preview.py"), "-f", str(project / "mkdocs.yml")]
    # No frozen file yet: the build writes it (outside CI, as on a writer's machine), and verify then finds them.
    local = {name: value for name, value in os.environ.items() if name != "CI"}
    site = str(tmp_path / "preview")
    result = subprocess.run([*command, "--site", site], capture_output=True, text=True, timeout=600, env=local)
    assert result.returncode == 0, result.stdout + result.stderr
    (row,) = [line for line in result.stdout.splitlines() if "(`docs/blog/posts/squares.md`)" in line]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "`/2026/11/20/squares/`" and cells[3] == "2 / 0"  # the block and the value ran
    assert int(cells[4]) >= 1 and cells[7] == "0"
    assert (tmp_path / "preview" / "2026" / "11" / "20" / "squares" / "index.html").exists()
