"""CONTRIBUTING.md's examples work as written: its front matter passes the checks, its snippets build."""

from __future__ import annotations

import re
import shutil

import yaml
from mkdocs.config import load_config

from live_math._internal.checks import front_matter
from scripts.project_copy import ROOT, build, copy_project

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
POST_HEADER = """---
title: The examples of CONTRIBUTING.md
date: 2026-11-25
authors: [editor]
categories: [Mathematics]
description: Every Markdown example of the contributor's guide, built.
---

# The examples of CONTRIBUTING.md

Each example follows.

<!-- more -->

"""


def markdown_examples() -> list[str]:
    return re.findall(r"^````markdown\n(.*?)^````$", GUIDE, re.M | re.S)


def test_the_guides_front_matter_example_is_valid():
    (example,) = re.findall(r"^```yaml\n---\n(.*?)^---\n```$", GUIDE, re.M | re.S)
    meta = yaml.safe_load(example)
    authors = list(yaml.safe_load((ROOT / "docs/blog/.authors.yml").read_text())["authors"])
    categories = load_config(str(ROOT / "mkdocs.yml")).plugins["material/blog"].config.categories_allowed
    assert front_matter.check_meta(meta, authors, ".authors.yml", categories) == []


def test_the_guides_snippet_examples_build_and_show_their_output(tmp_path):
    examples = markdown_examples()
    assert len(examples) >= 3
    project = copy_project(tmp_path / "project")
    post = project / "docs" / "blog" / "posts" / "examples.md"
    post.write_text(POST_HEADER + "\n\n".join(examples), encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-4000:]
    page = (tmp_path / "site" / "2026" / "11" / "25" / "the-examples-of-contributingmd" / "index.html").read_text()
    assert re.search(r"The mean of 10,000 standard normal samples is -?0\.\d{4}\.", page)
    assert 'The gradient is <span class="arithmatex"><span class="katex">' in page  # printed math typeset
    assert 'aria-label="A parabola whose lowest point, L = 1.00, is at x = 5.00."' in page
    assert "<figcaption>" in page
    assert '<input type="range" id="power-curve-slider" min="0" max="4" step="1" value="3"' in page
    assert 'aria-label="The curve y = |x| to the power 2 on [-3, 3]: 0 at x = 0, 9.00 at x = 3 and x = -3."' in page


def yaml_example(first_key: str) -> dict:
    (example,) = re.findall(rf"^```yaml\n({first_key}:\n.*?)^```$", GUIDE, re.M | re.S)
    return yaml.safe_load(example)


def post(title: str, extra: str = "", body: str = "") -> str:
    return (
        f"---\ntitle: {title}\ndate: 2026-11-25\nauthors: [ana]\ncategories: [Mathematics]\n"
        f"description: A post of the guide's examples.\n{extra}---\n\n"
        f"# {title}\n\nThe excerpt.\n\n<!-- more -->\n\n{body}"
    )


def test_the_guides_author_page_related_links_and_draft_examples_build_as_described(tmp_path):
    project = copy_project(tmp_path / "project")
    docs = project / "docs"
    authors = yaml_example("authors")
    (key,) = authors["authors"]
    assert key == "ana"
    shutil.copy(docs / "assets/images/avatar.svg", docs / authors["authors"][key]["avatar"])
    listed = yaml.safe_load((docs / "blog/.authors.yml").read_text())
    listed["authors"].update(authors["authors"])
    (docs / "blog/.authors.yml").write_text(yaml.safe_dump(listed))
    assert "With `authors_profiles: true` under the `blog` plugin" in GUIDE
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - blog:\n", "  - blog:\n      authors_profiles: true\n", 1))

    links = yaml_example("links")["links"]
    for entry in links:
        if isinstance(entry, str):  # a path under docs/: give it a page to point at
            (docs / entry).write_text(post("The linked post"))
    (docs / "blog/posts/with-links.md").write_text(post("With links", "links:\n" + yaml.safe_dump(links)))
    broken = '```python exec="on"\nraise ValueError("a draft is not built")\n```\n\nAnd $\\frac{1}{2$.\n'
    (docs / "blog/posts/draft.md").write_text(post("A draft", "draft: true\n", broken))

    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]  # the draft's snippet and formula never ran
    assert not (site / "2026/11/25/a-draft").exists()
    author_page = (site / "author" / key / "index.html").read_text()
    assert "With links" in author_page and authors["authors"][key]["name"] in author_page
    page = (site / "2026/11/25/with-links/index.html").read_text()
    related = page[page.index("md-post__meta md-nav__list") :]
    assert "The linked post" in related  # a path shows that page's title
    (titled,) = [entry for entry in links if isinstance(entry, dict)]
    ((title, address),) = titled.items()
    assert f'href="{address}"' in related and title in related
