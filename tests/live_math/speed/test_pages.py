"""The page cache (live_math/_internal/speed/): a build served from it is byte-identical to a build with every
cache disabled, on a fresh copy and after edits that move posts between listings, in one interpreter as
`mkdocs serve` rebuilds."""

from __future__ import annotations

import filecmp
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from scripts.bench import synthetic_post
from scripts.project_copy import build, copy_project

POSTS = "docs/blog/posts"
EPOCH = {"SOURCE_DATE_EPOCH": "1764000000"}  # the feeds' and sitemap's dates, fixed: the site is no git checkout

# Posts whose conversion depends on more than their own text: links to another post and to its anchors,
# footnotes and tabs in the excerpt (the blog converts it with one Markdown instance per post, never reset),
# a snippet printing a heading (markdown-exec numbers its id by its count of conversions), a figure.
SPECIAL = {
    "links.md": """---
title: Links
date: 2021-03-04
authors: [editor]
categories: [Numerics]
tags: [links]
description: A post linking to others.
---

# Links

See [post two](synthetic-002.md), [its formulas](synthetic-002.md#formulas) and [below](#more-below)[^1].

=== "One"

    First tab with $x^2$.

=== "Two"

    Second tab.

[^1]: A footnote in the excerpt.

<!-- more -->

## More below

```python exec="on"
print("### A printed heading\\n\\nUnder it, $y = 1$.")
```

```python exec="on" html="true"
print('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>')
```
""",
}


def make_site(tmp_path: Path, posts: int) -> Path:
    project = copy_project(tmp_path / "project")
    for number in range(1, posts + 1):
        (project / POSTS / f"synthetic-{number:03d}.md").write_text(synthetic_post(number), encoding="utf-8")
    for name, text in SPECIAL.items():
        (project / POSTS / name).write_text(text, encoding="utf-8")
    return project


def clean_build(project: Path, site: Path, cache: Path):
    """A build with every cache disabled: a new cache directory, nothing read from it."""
    result = build(project, site, env={"BLOG_CACHE_DIR": str(cache), "BLOG_NO_CACHE": "1", **EPOCH})
    assert result.returncode == 0, result.stderr[-4000:]


def differences(left: Path, right: Path) -> list[str]:
    """Files present on one side only, or whose bytes differ, under two site folders."""
    found = []
    comparison = [filecmp.dircmp(left, right)]
    while comparison:
        here = comparison.pop()
        found += [f"only in one: {name}" for name in here.left_only + here.right_only]
        _, mismatch, errors = filecmp.cmpfiles(here.left, here.right, here.common_files, shallow=False)
        found += [str(Path(here.left, name).relative_to(left)) for name in mismatch + errors]
        comparison += here.subdirs.values()
    return sorted(found)


def test_a_warm_build_is_byte_identical_to_a_build_without_caches(tmp_path):
    project = make_site(tmp_path, 30)
    env = {"BLOG_CACHE_DIR": str(tmp_path / "cache"), **EPOCH}
    cold = build(project, tmp_path / "cold", env=env)
    assert cold.returncode == 0, cold.stderr[-4000:]
    warm = build(project, tmp_path / "warm", env=env)
    assert warm.returncode == 0, warm.stderr[-4000:]
    # Every page and excerpt came from the cache but the links post's and its 3 listings': its printed heading
    # has an id numbered by markdown-exec's count of conversions, so it is converted every time.
    assert "pages: 1 pages converted, 44 from cache, 3 excerpts converted, 90 from cache" in warm.stderr, warm.stderr
    # Its HTML is the same as before, so nothing read back from a page's HTML and no template is redone.
    reused = "; 0 search/read-time parses, 76 from cache; 0 templates rendered, 45 from cache\n"
    assert reused in warm.stderr, warm.stderr
    clean_build(project, tmp_path / "clean", tmp_path / "clean-cache")
    assert differences(tmp_path / "warm", tmp_path / "clean") == []
    assert differences(tmp_path / "cold", tmp_path / "clean") == []
    page = (tmp_path / "warm" / "2021/03/04/links/index.html").read_text(encoding="utf-8")
    assert 'href="../../../../2020/03/03/synthetic-post-2/#formulas"' in page  # the link was resolved


EDITS = textwrap.dedent(
    """
    import logging
    import sys
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    project, site = Path(sys.argv[1]), sys.argv[2]
    posts = project / "docs/blog/posts"

    def rebuild():
        config = load_config(str(project / "mkdocs.yml"), site_dir=site)
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        print("built", flush=True)
        input()  # the test compares this build with a clean one, then says go on

    def edit(name, old, new):
        path = posts / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))

    rebuild()
    edit("synthetic-003.md", "title: Synthetic post 3", "title: A renamed post")
    rebuild()
    edit("synthetic-004.md", "tags: [bench]", "tags: [bench, renamed-tag]")
    rebuild()
    edit("synthetic-005.md", "categories: [Mathematics]", "categories: [Numerics]")
    rebuild()
    edit("synthetic-006.md", "date: 2020-07-07", "date: 2019-12-31")
    rebuild()
    (posts / "added.md").write_text((posts / "synthetic-007.md").read_text().replace("Synthetic post 7", "Added"))
    rebuild()
    (posts / "synthetic-002.md").unlink()
    edit("links.md", "[post two](synthetic-002.md), [its formulas](synthetic-002.md#formulas)", "post two")
    rebuild()
    """
)
STEPS = ["first", "title", "tag", "category", "date", "added post", "deleted post"]


def test_serve_rebuilds_after_edits_match_clean_builds(tmp_path):
    # One interpreter builds again after each edit, as `mkdocs serve` does; each result must equal a clean build
    # of the same sources: post pages, home and its pagination, archive, category and tag pages, feeds, sitemap
    # and search index (the whole site is compared).
    project = make_site(tmp_path, 12)  # 13 posts: two home pages at 10 per page
    site = tmp_path / "serve-site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(tmp_path / "cache"), **EPOCH}
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log_file:
        serve = subprocess.Popen(
            [sys.executable, "-c", EDITS, str(project), str(site)],
            cwd=project,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
    try:
        for step in STEPS:
            # The script says "built" after each build, then waits for a line on stdin before the next edit.
            assert serve.stdout.readline() == "built\n", log_path.read_text()[-4000:]
            clean = tmp_path / f"clean-{step}"
            clean_build(project, clean, tmp_path / f"clean-cache-{step}")
            assert differences(site, clean) == [], f"after the {step} edit"
            serve.stdin.write("\n")
            serve.stdin.flush()
        assert serve.wait(timeout=120) == 0, log_path.read_text()[-4000:]
    finally:
        serve.kill()
    log = log_path.read_text()
    reports = re.findall(r"pages: (\d+) pages converted, (\d+) from cache", log)
    assert len(reports) == len(STEPS), log[-4000:]
    assert int(reports[0][1]) == 0  # the first build converted everything
    # Each edit converts again only the pages it changed: the edited post (a new title or date gives it a new
    # URL), the added one, a listing page that is new (a new year's archive), and the one whose link to the
    # deleted post went; every other page comes from the cache, its links checked against the files as they are.
    steps = dict(zip(STEPS, reports, strict=True))
    assert all(int(converted) <= 3 and int(cached) >= 20 for converted, cached in reports[1:]), list(steps.items())
    # Likewise templates: a new title, tag or category renders again only the pages that show it (the post, its
    # neighbours' footers, its listings, the tags page); a new date here adds a year to the archive, which is in
    # every page's navigation, so all render again.
    rendered = dict(zip(STEPS, re.findall(r"(\d+) templates rendered, (\d+) from cache", log), strict=True))
    assert rendered["first"][1] == "0", rendered
    for step in ("title", "tag", "category"):
        again, cached = map(int, rendered[step])
        assert again <= 12 and cached >= again, rendered
