"""Build-time KaTeX: formulas become KaTeX markup; a bad one stops the build naming its file and line."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from live_math._internal.math.katex import KatexError, KatexRenderer, find_katex, line_of, typeset
from scripts.project_copy import ROOT, build, copy_project

INLINE = '<span class="arithmatex">\\({}\\)</span>'
DISPLAY = '<div class="arithmatex">\\[{}\\]</div>'


@pytest.fixture(scope="module")
def renderer() -> KatexRenderer:
    return KatexRenderer(find_katex(ROOT))


def test_a_formula_renders_to_katex_markup(renderer):
    html = renderer.render(r"\frac{\partial L}{\partial \theta}")
    assert html.startswith('<span class="katex">')
    assert "katex-mathml" in html and "katex-html" in html
    assert r'<annotation encoding="application/x-tex">\frac{\partial L}{\partial \theta}</annotation>' in html


def test_display_mode_gives_a_display_block(renderer):
    assert 'class="katex-display"' in renderer.render("x^2", display=True)
    assert 'class="katex-display"' not in renderer.render("x^2", display=False)


def test_a_broken_formula_raises_with_katex_message(renderer):
    with pytest.raises(KatexError) as caught:
        renderer.render(r"\frac{1}{")
    assert caught.value.tex == r"\frac{1}{"
    assert "KaTeX error" in str(caught.value) and "expected '}'" in caught.value.message


def test_an_unknown_macro_is_an_error_not_red_text(renderer):
    with pytest.raises(KatexError, match="Undefined control sequence"):
        renderer.render(r"\notamacro x")


def test_typeset_replaces_every_formula_and_keeps_the_rest(renderer):
    page = "<p>Let " + INLINE.format("a &lt; b") + " hold.</p>\n" + DISPLAY.format(r"\sum_i x_i") + "\n<p>Done.</p>"
    out = typeset(page, renderer, locate=lambda tex: "unused")
    assert out.startswith("<p>Let ") and out.endswith("\n<p>Done.</p>")
    assert "\\(" not in out and "\\[" not in out
    assert out.count('class="katex"') == 2 and out.count('class="katex-display"') == 1
    # arithmatex escapes HTML in TeX; KaTeX must get the formula the author wrote
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in out


def test_typeset_leaves_a_page_without_math_untouched(renderer):
    page = "<p>Costs $5 and $10, and \\(this\\) is prose in no arithmatex element.</p>"
    assert typeset(page, renderer, locate=lambda tex: "unused") == page


def test_typeset_names_file_and_line_of_each_broken_formula(renderer):
    markdown = "# Title\n\nFine $x$ here.\n\nBroken $\\frac{1}{$ here.\n\n$$\n\\sqrt{\n$$\n"
    page = INLINE.format("x") + INLINE.format("\\frac{1}{") + DISPLAY.format("\n\\sqrt{\n")

    def locate(tex: str) -> str:
        return f"docs/blog/posts/p.md:{line_of(tex, markdown)}"

    with pytest.raises(PluginError) as caught:
        typeset(page, renderer, locate)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("docs/blog/posts/p.md:5: KaTeX error: ")
    assert lines[0].endswith("in '\\frac{1}{'")
    assert lines[1].startswith("docs/blog/posts/p.md:8: KaTeX error: ")


@pytest.mark.parametrize(
    "tex",
    ["\\href{https://a.b}{y}", "\\url{https://a.b}", "\\htmlId{x}{y}", "\\htmlClass{x}{y}",
     "\\htmlStyle{color: red}{y}", "\\htmlData{k=v}{y}", "a + \\includegraphics{x.png}"],
)  # fmt: skip
def test_a_command_katex_renders_only_when_trusted_is_an_error_naming_it(renderer, tex):
    command = tex.split("{")[0].split()[-1]
    problems = []
    typeset(INLINE.format("x") + INLINE.format(tex), renderer, lambda tex: "docs/p.md:3", problems)
    ((where, what, fix),) = problems
    assert where == "docs/p.md:3"
    assert what.startswith(f"{command} in '{tex}' would show as red text")
    assert "Markdown" in fix


def test_a_huge_formula_is_shortened_in_the_message(renderer):
    tex = "\\frac{" + "x + " * 100
    problems = []
    page = typeset(INLINE.format(tex), renderer, lambda tex: "docs/p.md:1", problems)
    ((_, what, _),) = problems
    assert "…'" in what and len(what) < 250
    assert INLINE.format(tex) in page  # left as it was: the build fails, nothing half-rendered is kept


def test_line_of_finds_the_first_line_of_a_multiline_formula():
    markdown = "intro\n\n$$\n\\begin{aligned}\na &= b\n\\end{aligned}\n$$\n"
    assert line_of("\n\\begin{aligned}\na &= b\n\\end{aligned}\n", markdown) == 4
    assert line_of("not there", markdown) is None


BAD_POST = """\
---
title: A post with a broken formula
date: 2026-01-02
authors: [editor]
categories: [Mathematics]
description: Checks that a formula KaTeX cannot parse stops the build.
---

# A post with a broken formula

A fine formula $a^2 + b^2 = c^2$ comes first.

Then a broken one: $\\frac{1}{2$ that KaTeX cannot parse.
"""


def test_a_build_with_a_broken_formula_fails_naming_file_and_line(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "docs" / "blog" / "posts" / "broken.md").write_text(BAD_POST, encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    message = re.search(r"docs/blog/posts/broken\.md:(\d+): KaTeX error: (.*)", result.stderr)
    assert message, f"no file:line KaTeX message in the build output:\n{result.stderr[-3000:]}"
    assert int(message.group(1)) == 13
    assert message.group(2).endswith("in '\\frac{1}{2'")
    # The home page shows the post's excerpt first; the error is the post's, not "Error building page 'index.md'".
    assert "Error building page" not in result.stderr
    assert result.stderr.count("KaTeX error") == 1


def test_formulas_prefetched_on_the_katex_thread_come_back_as_rendered_in_place():
    formulas = [("x^2", False), (r"\frac{a}{b}", True), (r"\undefined", False), ("x^2", False)]
    prefetching = KatexRenderer(find_katex(ROOT))
    prefetching.prefetch(formulas)
    assert set(prefetching._pending) == set(formulas)  # handed over, not typeset on the caller's thread
    prefetched = prefetching.render_many(formulas)
    direct = KatexRenderer(find_katex(ROOT)).render_many(formulas)
    assert prefetched == direct and prefetching.renders == 3 and not prefetching._pending
    assert prefetched[2].error and "undefined" in prefetched[2].error
    threads = prefetching._thread._threads
    assert threads and all(thread.name.startswith("live-math KaTeX") for thread in threads)


def test_a_failure_on_the_katex_thread_is_raised_where_the_formula_is_needed(tmp_path):
    dist = tmp_path / "katex" / "dist"
    dist.mkdir(parents=True)
    (dist / "katex.min.js").write_text("this is not JavaScript(")
    (tmp_path / "katex" / "package.json").write_text('{"version": "0.0.0"}')
    broken = KatexRenderer(dist / "katex.min.js")
    broken.prefetch([("x", False)])
    with pytest.raises(Exception, match="SyntaxError|JSParseException|Unexpected"):
        broken.render_many([("x", False)])
    assert not broken._pending  # asked again, it tries again rather than repeating an old failure
