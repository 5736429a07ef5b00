"""The checks before publishing (live_math/_internal/checks/): each broken input fails `make build` with
``path:line: what is wrong`` and the fix, and the last good site/ stays as it was; a post that is close to
them builds.

Each case builds a throwaway copy of the project holding only its own posts, through scripts/build.py as
`make build` does, over a site/ that already holds a page (which must survive the failure).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from scripts.project_copy import ROOT, copy_project

POSTS = "docs/blog/posts"


def post(title: str, body: str, date: str = "2026-11-20", extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\nauthors: [editor]\ncategories: [Mathematics]\n"
        f"description: A post for the checks' tests.\n{extra}---\n\n"
        f"# {title}\n\nThe excerpt.\n\n<!-- more -->\n\n{body}"
    )


def make_build(tmp_path: Path, posts: dict[str, str | bytes], edit=None) -> subprocess.CompletedProcess:
    """Build a copy of the project with ``posts`` through scripts/build.py into tmp_path/site."""
    project = copy_project(tmp_path / "project")
    for name, text in posts.items():
        path = project / POSTS / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if edit:
        edit(project)
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        env={**os.environ, "BLOG_CACHE_DIR": str(project / ".cache")},
        capture_output=True,
        text=True,
        timeout=600,
    )


def assert_fails_with(tmp_path: Path, result, *expected: str) -> None:
    assert result.returncode != 0, "the build succeeded"
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr[-4000:]}"
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    site = tmp_path / "site"
    assert [p.name for p in site.iterdir()] == ["index.html"], "site/ was changed by a failed build"
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"


SNIPPET_SVG = """```python exec="on"
print('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">')
print('  <g id="patch_1">\\n    <path d="M 0 0 L 10 10" style="fill: none"/>\\n  </g>')
print()
print('  <circle cx="5" cy="5" r="4"/>')
print("</svg>")
```
"""

WHITE_FIGURE = """```python exec="on" html="true"
import io

from matplotlib.figure import Figure

fig = Figure(figsize=(2, 2))
fig.subplots().plot([0, 1], [1, 0])
buffer = io.StringIO()
fig.savefig(buffer, format="svg", metadata={"Date": None})
print(buffer.getvalue()[buffer.getvalue().index("<svg") :])
```
"""

PRINTED_TABLE = 'Steps.\n\n```python exec="on"\nprint("| k | x | err |")\nprint("|---|---|")\nprint("| 0 | 1 |")\n```\n'

CASES = {
    "two posts with one URL": (
        {"a.md": post("Same title", "Text.\n"), "b.md": post("Same title", "Other text.\n")},
        [
            "docs/blog/posts/b.md: resolves to the URL /2026/11/20/same-title/ like docs/blog/posts/a.md",
            "give one of them another `slug:`",
        ],
    ),
    "a post saved as Latin-1": (
        {"latin1.md": post("Latin one", "Caf\u00e9 au lait.\n").encode("latin-1")},
        ["docs/blog/posts/latin1.md:15: not UTF-8: byte 0xe9 (column 4", "save it as UTF-8"],
    ),
    "a misspelt front matter key": (
        {"typo.md": post("Typo", "Text.\n", extra="drafts: true\n")},
        ["docs/blog/posts/typo.md:7: front matter key `drafts:` is read by nothing", "did you mean `draft:`"],
    ),
    "the placeholder description of make post": (
        {
            "placeholder.md": post("Placeholder", "Text.\n").replace(
                "A post for the checks' tests.",
                "'One sentence that says what the reader will learn (edit me: listings, feed, search).'",
            )
        },
        ["docs/blog/posts/placeholder.md:6: description: still the placeholder that `make post` wrote"],
    ),
    "an unclosed code fence": (
        {"fence.md": post("Fence", 'Before.\n\n```python exec="on"\nprint(1)\n\nAnd prose after it.\n')},
        ['docs/blog/posts/fence.md:17: code fence opened here (```python exec="on") is never closed', "close it"],
    ),
    "display math without blank lines": (
        {"raw.md": post("Raw", "Some text\n$$\nx = 1\n$$\nmore text.\n")},
        ["docs/blog/posts/raw.md:16: math left untypeset: raw $$", "blank line before and after"],
    ),
    "a command KaTeX renders only when trusted": (
        {"trust.md": post("Trust", "A link in math: $\\href{https://example.com}{x}$.\n")},
        ["docs/blog/posts/trust.md:15: \\href in '\\href{https://example.com}{x}' would show as red text"],
    ),
    "an unclosed div printed by a snippet": (
        {
            "div.md": post(
                "Div", 'Before.\n\n```python exec="on" html="true"\nprint(\'<div class="box">\')\n```\n\nAfter.\n'
            )
        },
        ['docs/blog/posts/div.md:18: <div class="box"> is never closed', "close it with </div>"],
    ),
    "a script from another host in a post": (
        {"script.md": post("Script", 'Text.\n\n<script src="https://cdn.example.com/x.js"></script>\n')},
        [
            'docs/blog/posts/script.md:17: <script src="https://cdn.example.com/x.js"> loads it from another host',
            "the site makes no request to other servers",
        ],
    ),
    "an SVG printed as Markdown": (
        {"svg.md": post("Svg", "A plot:\n\n" + SNIPPET_SVG)},
        ["docs/blog/posts/svg.md:17: a snippet printed <svg> as Markdown", 'add html="true"'],
    ),
    "an id on two elements": (
        {"ids.md": post("Ids", 'Text.\n\n<p id="twice">One.</p>\n\n<p id="twice">Two.</p>\n')},
        [
            'docs/blog/posts/ids.md:17: the id "twice" (2 times) is on more than one element of '
            "2026/11/20/ids/index.html",
            "give each element its own id",
        ],
    ),
    "a figure with a white background": (
        {"white.md": post("White", "A plot:\n\n" + WHITE_FIGURE)},
        ["docs/blog/posts/white.md:17: a figure has an opaque white background", "transparent=True"],
    ),
    "a table right under a line of text": (
        {"table.md": post("Table", "The steps:\n| k | x |\n| --- | --- |\n| 0 | 1.5 |\n")},
        [
            "docs/blog/posts/table.md:16: a Markdown table was published as plain text: no <table> was made of it",
            "leave a blank line before the table",
        ],
    ),
    "a printed table whose header has too many cells": (
        {
            "printed.md": post(
                "Printed",
                PRINTED_TABLE,
            )
        },
        [
            "docs/blog/posts/printed.md:17: a Markdown table was published as plain text: no <table> was made of it"
            " ('|---|---|')"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_input_fails_the_build_naming_where_and_the_fix(tmp_path, case):
    posts, expected = CASES[case]
    assert_fails_with(tmp_path, make_build(tmp_path, posts), *expected)


def test_a_stylesheet_from_another_host_in_a_template_override_is_named(tmp_path):
    def edit(project):
        main = project / "overrides" / "main.html"
        text = main.read_text(encoding="utf-8")
        main.write_text(
            text.replace(
                "{% block extrahead %}", '{% block extrahead %}\n<link rel="stylesheet" href="//cdn.example.com/a.css">'
            ),
            encoding="utf-8",
        )
        assert "cdn.example.com" in main.read_text(encoding="utf-8")

    result = make_build(tmp_path, {"fine.md": post("Fine", "Text.\n")}, edit)
    assert_fails_with(tmp_path, result, '<link href="//cdn.example.com/a.css"> loads it from another host')
    assert re.search(r"overrides/main\.html:\d+: <link", result.stderr), result.stderr[-3000:]


def set_checks(**options):
    """An edit of the project's mkdocs.yml that sets these options under the live-math plugin's ``checks:``."""

    def edit(project):
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert "\n      checks:\n" in text
        for name, value in options.items():
            text, replaced = re.subn(rf"(?m)^        {name}: .*$", f"        {name}: {value}", text, count=1)
            if not replaced:
                text = text.replace("\n      checks:\n", f"\n      checks:\n        {name}: {value}\n", 1)
        config.write_text(text, encoding="utf-8")

    return edit


# Each check's option, with a case only it reports; turned off, the others still run.
ONE_CHECK_OFF = {
    "sources": "two posts with one URL",
    "front_matter": "a misspelt front matter key",
    "html_balance": "an unclosed div printed by a snippet",
    "figures": "an SVG printed as Markdown",
    "math": "display math without blank lines",
    "external_resources": "a script from another host in a post",
    "duplicate_ids": "an id on two elements",
}


@pytest.mark.parametrize("option", sorted(ONE_CHECK_OFF))
def test_each_check_is_turned_off_alone_and_the_others_still_run(tmp_path, option):
    posts, expected = CASES[ONE_CHECK_OFF[option]]
    sentinel = "an id on two elements" if option != "duplicate_ids" else "a script from another host in a post"
    sentinel_posts, sentinel_expected = CASES[sentinel]
    result = make_build(tmp_path, {**posts, **sentinel_posts}, set_checks(**{option: "false"}))
    assert_fails_with(tmp_path, result, sentinel_expected[0])
    assert expected[0].split(": ", 1)[1] not in result.stderr, result.stderr[-3000:]


def remote_script_in_template(theme_resources: str):
    """An edit adding a script from another host to the theme's template override, with that setting."""

    def edit(project):
        main = project / "overrides" / "main.html"
        text = main.read_text(encoding="utf-8")
        script = '<script src="https://cdn.example.com/t.js"></script>'
        main.write_text(text.replace("{% block extrahead %}", "{% block extrahead %}\n" + script), encoding="utf-8")
        set_checks(theme_resources=theme_resources)(project)

    return edit


@pytest.mark.parametrize("theme_resources", ["false", "true"])
def test_the_theme_is_checked_for_remote_loads_only_with_theme_resources(tmp_path, theme_resources):
    result = make_build(tmp_path, {"fine.md": post("Fine", "Text.\n")}, remote_script_in_template(theme_resources))
    if theme_resources == "false":  # the default: what the theme loads is the site's choice of theme
        assert result.returncode == 0, result.stderr[-3000:]
        assert "cdn.example.com/t.js" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    else:  # this blog's setting
        expected = '<script src="https://cdn.example.com/t.js"> loads it from another host'
        assert_fails_with(tmp_path, result, expected)
        assert re.search(r"overrides/main\.html:\d+: <script", result.stderr), result.stderr[-3000:]


def test_the_message_ends_with_the_configured_help(tmp_path):
    posts, expected = CASES["an id on two elements"]
    result = make_build(tmp_path, posts, set_checks(help="'https://example.org/handbook#checks'"))
    assert_fails_with(tmp_path, result, expected[0])
    assert result.stderr.rstrip().splitlines()[-1] != "", result.stderr[-2000:]
    assert "See https://example.org/handbook#checks." in result.stderr
    assert "CONTRIBUTING.md" not in result.stderr


def test_independent_problems_are_listed_together(tmp_path):
    posts = {
        "raw.md": CASES["display math without blank lines"][0]["raw.md"],
        "trust.md": CASES["a command KaTeX renders only when trusted"][0]["trust.md"],
        "script.md": CASES["a script from another host in a post"][0]["script.md"],
    }
    result = make_build(tmp_path, posts)
    assert_fails_with(tmp_path, result, "3 file(s) need fixing", "raw.md:16", "trust.md:15", "script.md:17")
    assert result.stderr.count("ERROR") == 1, result.stderr[-3000:]


def test_every_problem_of_one_page_is_listed_in_one_build(tmp_path):
    body = """A display:

$$
L(w) = w^2 \\label{eq:loss}
$$

By $\\eqref{eq:los}$ and [](#fig-nowhere), the minimum is at zero; see [@rumelhart1968].

```python exec="on"
print('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">\\n\\n<rect width="1" height="1"/></svg>')
```
"""
    result = make_build(tmp_path, {"many.md": post("Many problems", body)})
    assert_fails_with(
        tmp_path,
        result,
        "1 file(s) need fixing",
        "docs/blog/posts/many.md:21: \\eqref{eq:los}: no equation of this post is labelled 'eq:los'",
        "docs/blog/posts/many.md:21: citation key 'rumelhart1968' is not in docs/blog/references.bib",
        "docs/blog/posts/many.md:21: [](#fig-nowhere) refers to no numbered figure or table",
        "docs/blog/posts/many.md:23: a snippet printed <svg> as Markdown",
    )
    assert result.stderr.count("ERROR") == 1, result.stderr[-3000:]
    for repeated in ("KaTeX error", "raw text", "no anchor"):  # each mistake is named once
        assert repeated not in result.stderr, result.stderr[-3000:]


def test_a_block_printing_more_than_half_its_limit_is_named_without_failing_the_build(tmp_path):
    body = 'Heavy:\n\n```python exec="on" html="true"\nprint("<!--" + "x" * 600_000 + "-->")\n```\n'
    result = make_build(tmp_path, {"heavy.md": post("Heavy", body)})
    assert result.returncode == 0, result.stderr[-3000:]
    named = r"INFO    -  docs/blog/posts/heavy\.md:17: this block printed 585\.9 KiB, more than half of the 1 MiB"
    assert re.search(named, result.stderr), result.stderr[-3000:]
    light = make_build(tmp_path / "light", {"light.md": post("Light", body.replace("600_000", "6_000"))})
    assert light.returncode == 0 and "this block printed" not in light.stderr


MATH_TABLES = """Newton's iterates:

| $k$ | $x_k$ | $|x_k - \\sqrt{3/2}|$ |
| --- | --- | --- |
| 0 | 1 | $|{-0.22}|$ |

```python exec="on"
print("| $k$ | $|x_k - \\\\sqrt{3/2}|$ | `a|b` |")
print("| --- | --- | --- |")
print("| 1 | $\\\\lvert 0.02 \\\\rvert$ | code |")
```
"""


def test_a_pipe_inside_math_in_a_table_cell_is_math_in_written_and_printed_tables(tmp_path):
    result = make_build(tmp_path, {"tables.md": post("Math in tables", MATH_TABLES)})
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site" / "2026" / "11" / "20" / "math-in-tables" / "index.html").read_text()
    assert page.count("<table>") == 2
    assert "<td>|" not in page and "| ---" not in page  # no row was left as text
    headers = re.findall(r"<th>(.*?)</th>", page, re.S)
    assert len(headers) == 6 and all('class="katex"' in h for h in headers[:5]), headers
    assert "\ue000" not in page
    assert "<code>a|b</code>" in page  # code in a cell is left as it is


GOOD = post(
    "Every check passes",
    """Inline $x^2$ and display math with blank lines:

$$
\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}
$$

Code that shows TeX is not math: `\\(a\\)` and `$$`, and a link to [another host](https://example.com).

```python exec="on" html="true"
import matplotlib
from matplotlib.figure import Figure
from snippets.plotting import STYLE, to_svg

with matplotlib.rc_context(STYLE):
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1], [1, 0])
print(to_svg(fig, name="good", alt="A falling line."))
```

<div class="note" markdown>
Balanced *HTML* in a post.
</div>
""",
    date="\n  created: 2026-11-20\n  updated: 2026-11-22",
)


def test_a_post_close_to_the_broken_ones_builds_with_its_dates_in_both_feeds(tmp_path):
    result = make_build(tmp_path, {"good.md": GOOD})
    assert result.returncode == 0, result.stderr[-4000:]
    site = tmp_path / "site"
    page = (site / "2026/11/20/every-check-passes/index.html").read_text(encoding="utf-8")
    assert "November 22, 2026" in page, "the page does not show the updated date"
    for feed, day in [("feed_rss_created.xml", 20), ("feed_rss_updated.xml", 22)]:
        (entry,) = feedparser.parse((site / feed).read_bytes()).entries
        assert tuple(entry.published_parsed[:3]) == (2026, 11, day), (feed, entry.published)
