"""scripts/new_post.py (`make post`): the new post builds strictly, lands at the printed URL and shows its output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import unquote, urlsplit

from live_math._internal.checks import front_matter
from scripts.project_copy import ROOT, build, copy_project


def new_post(project, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "new_post.py"), "-f", str(project / "mkdocs.yml"), *args],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_new_post_builds_and_shows_its_snippets_output(tmp_path):
    project = copy_project(tmp_path / "project")
    made = new_post(project, "Why the grid finds five", "--date", "2026-03-04", "--description", "A first post.")
    assert made.returncode == 0, made.stderr
    path = re.search(r"^Created (.+)$", made.stdout, re.M).group(1)
    url = re.search(r"^Open (\S+) after `make serve`\.$", made.stdout, re.M).group(1)
    assert path == "docs/blog/posts/why-the-grid-finds-five.md"
    assert url == "http://127.0.0.1:8000/2026/03/04/why-the-grid-finds-five/"
    text = (project / path).read_text()
    assert "\n<!-- more -->\n" in text
    assert '```python exec="on"' in text

    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]
    page = site / unquote(urlsplit(url).path).strip("/") / "index.html"
    # min of 1 + (x - 5)^2 is 1, at x = 5, which lies on the grid of 1001 points of [0, 10]
    assert "The smallest loss on the grid is 1.00, at x = 5.00: each value" in page.read_text()  # inline values
    assert "{py}" in text and "{py}" not in page.read_text()
    # One labelled equation, a reference to it and a citation, as CONTRIBUTING.md documents them.
    html = page.read_text()
    assert '<div class="lm-equation" id="eq:loss">' in html
    assert re.search(r'<a class="lm-xref" data-lm-kind="equation" href="#eq:loss">\(1\)</a>', html)
    assert '[<a class="lm-cite" href="#ref-rumelhart1986learning">1</a>]' in html
    assert '<li id="ref-rumelhart1986learning">' in html


def test_the_placeholder_description_is_flagged_and_still_valid(tmp_path):
    project = copy_project(tmp_path / "project")
    made = new_post(project, "No description given")
    assert made.returncode == 0, made.stderr
    assert "replace the placeholder description" in made.stdout
    post = project / "docs" / "blog" / "posts" / "no-description-given.md"
    problems = front_matter.check_post(post, "post.md", ["editor"], ".authors.yml", ["Machine learning"])
    assert problems == []
    # Valid, but not publishable: the build names the placeholder until it is replaced.
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    line = (
        post.read_text()
        .split("\n")
        .index(next(x for x in post.read_text().split("\n") if x.startswith("description:")))
    )
    assert (
        f"no-description-given.md:{line + 1}: description: still the placeholder that `make post` wrote"
        in result.stderr
    )


def test_it_refuses_to_overwrite_a_post(tmp_path):
    project = copy_project(tmp_path / "project")
    assert new_post(project, "Twice").returncode == 0
    post = project / "docs" / "blog" / "posts" / "twice.md"
    post.write_text("the author's edits")
    again = new_post(project, "Twice")
    assert again.returncode == 1
    assert "twice.md already exists" in again.stderr
    assert post.read_text() == "the author's edits"


def test_it_refuses_what_would_not_build(tmp_path):
    project = copy_project(tmp_path / "project")
    for args, message in [
        (["Fine title", "--category", "Cooking"], "category 'Cooking' is not one of"),
        (["Fine title", "--author", "nobody"], "author 'nobody' is not one of editor"),
        (["   "], "a post needs a title"),
    ]:
        made = new_post(project, *args)
        assert made.returncode == 1 and message in made.stderr, (args, made.stderr)
    assert list((project / "docs" / "blog" / "posts").glob("*.md")) == []
