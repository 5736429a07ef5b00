"""The bad-input corpus: each broken post in tests/bad_posts/ fails a strict build, naming the file and the problem.

Every case builds a throwaway copy of the project holding only that post, so the real site/ is never
touched. A control post (tests/good_posts/control.md) that is close to the bad ones builds, so a failure
below is the broken part's doing and not the copy's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.project_copy import build, copy_project

HERE = Path(__file__).parent
BAD_POSTS = HERE / "bad_posts"
POSTS = "docs/blog/posts"

# What the user must read for each broken post: the file (with the line where there is one) and the problem.
EXPECTED = {
    "bad-tex.md": ["docs/blog/posts/bad-tex.md:16: KaTeX error:", "Unexpected end of input", r"\frac{1}{2"],
    "bad-yaml.md": [
        "docs/blog/posts/bad-yaml.md:5: front matter: not valid YAML: expected ',' or ']'",
        "while parsing a flow sequence on line 4",
        "close the list with ]",
    ],
    "missing-date.md": ["docs/blog/posts/missing-date.md: date: missing; write the publication date as YYYY-MM-DD"],
    "impossible-date.md": ["docs/blog/posts/impossible-date.md:3: date: '2026-02-30' is not a real date"],
    "unknown-author.md": [
        "docs/blog/posts/unknown-author.md:4: authors: 'nobody' is not one of editor (keys of docs/blog/.authors.yml)"
    ],
    "unknown-category.md": [
        "docs/blog/posts/unknown-category.md:5: categories: 'Cooking' is not one of Machine learning, Mathematics,"
    ],
    "missing-fields.md": [
        "docs/blog/posts/missing-fields.md:2: title: must be non-empty text, got ''",
        "docs/blog/posts/missing-fields.md:4: authors: must be a list, e.g. `authors: [editor]`",
        "docs/blog/posts/missing-fields.md: categories: missing",
        "docs/blog/posts/missing-fields.md: description: missing",
    ],
    "link-missing-page.md": [
        "Doc file 'blog/posts/link-missing-page.md' contains a link 'the-sequel.md', "
        "but the target 'blog/posts/the-sequel.md' is not found among documentation files."
    ],
    "link-missing-anchor.md": [
        "docs/blog/posts/link-missing-anchor.md:17: link '#result': this page has no anchor '#result'",
        "anchors of this page, closest first: #results, #a-link-to-an-anchor-that-does-not-exist",
    ],
    "liquid-tags.md": [
        "docs/blog/posts/liquid-tags.md:15: Liquid tag {% include figure.html",
        'docs/blog/posts/liquid-tags.md:17: Liquid tag {{ page.date | date: "%Y" }}',
        "replace it with Markdown",
    ],
}


def build_with(tmp_path: Path, *posts: Path):
    project = copy_project(tmp_path / "project")
    for post in posts:
        shutil.copy(post, project / POSTS / post.name)
    return build(project, tmp_path / "site")


def test_every_broken_post_has_its_expectations():
    assert sorted(p.name for p in BAD_POSTS.glob("*.md")) == sorted(EXPECTED)


def test_the_control_post_builds(tmp_path):
    result = build_with(tmp_path, HERE / "good_posts" / "control.md")
    assert result.returncode == 0, result.stderr[-4000:]
    assert (tmp_path / "site" / "2026" / "11" / "20" / "a-post-every-check-accepts" / "index.html").is_file()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_post_fails_the_build_and_says_where_and_what(tmp_path, name):
    result = build_with(tmp_path, BAD_POSTS / name)
    assert result.returncode != 0, f"{name} built without error"
    for expected in EXPECTED[name]:
        assert expected in result.stderr, f"{expected!r} not in:\n{result.stderr[-4000:]}"


def test_liquid_in_code_is_not_reported(tmp_path):
    result = build_with(tmp_path, BAD_POSTS / "liquid-tags.md")
    reported = [line for line in result.stderr.splitlines() if "Liquid tag" in line]
    assert len(reported) == 2, reported  # line 11 (inline code) and line 20 (fenced code) are code, not Liquid


def test_front_matter_problems_of_all_posts_are_reported_together(tmp_path):
    names = ["missing-date.md", "unknown-author.md", "liquid-tags.md"]
    result = build_with(tmp_path, *(BAD_POSTS / n for n in names))
    assert result.returncode != 0
    assert "3 file(s) need fixing" in result.stderr
    for name in names:
        assert EXPECTED[name][0] in result.stderr
